"""catalog keyset indexes: each sort with the id as its tie-break

The catalog pages by row comparison on (created_at, id) and (price, id) among published
products; the two-column indexes (published, created_at) and (published, price) become
(published, created_at, id) and (published, price, id), so the next page starts at one
index position and reads no row it does not show (ties on price included).

Revision ID: 3c6a1f0e9b27
Revises: 6e413e01d1bd
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c6a1f0e9b27'
down_revision = '6e413e01d1bd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_product_published_created_id', 'product',
                    ['published', 'created_at', 'id'], unique=False)
    op.create_index('ix_product_published_price_id', 'product',
                    ['published', 'price', 'id'], unique=False)
    op.drop_index('ix_product_published_created', table_name='product')
    op.drop_index('ix_product_published_price', table_name='product')


def downgrade():
    op.create_index('ix_product_published_price', 'product', ['published', 'price'],
                    unique=False)
    op.create_index('ix_product_published_created', 'product', ['published', 'created_at'],
                    unique=False)
    op.drop_index('ix_product_published_price_id', table_name='product')
    op.drop_index('ix_product_published_created_id', table_name='product')
