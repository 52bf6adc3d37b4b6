"""published products per business group: an index the statistics count from alone

`/statistik` counts the published products per business group three times (the KIMs'
activity, per KIM and sector, per month listed); each read every product row (18,037 rows
on 1,539 pages at the benchmark's large data, the descriptions with them). The index holds
what they read: the group, the time listed and whether the product is hidden.

Revision ID: e5b0c1d2a3f4
Revises: 7d2e4b9a1c05
Create Date: 2026-12-01 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b0c1d2a3f4'
down_revision = '7d2e4b9a1c05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_product_published_group', 'product',
                    ['business_group_id', 'created_at'], unique=False,
                    postgresql_include=['hidden_at'],
                    postgresql_where=sa.text('published IS TRUE'),
                    sqlite_where=sa.text('published IS 1'))


def downgrade():
    op.drop_index('ix_product_published_group', table_name='product')
