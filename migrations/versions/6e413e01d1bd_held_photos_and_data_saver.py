"""held photos of a form shown again; data saver setting

`held_photo`: photos sent with a form that came back with an error are kept for an hour
under the form's submission key. `user_account.save_data`: the "Hemat data" setting (null
for everyone until they choose; read as off).

Revision ID: 6e413e01d1bd
Revises: 96a4eb8b7c04
Create Date: 2026-12-01 11:09:39.503397

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e413e01d1bd'
down_revision = '96a4eb8b7c04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_held_photo_photo_id_photo'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_held_photo_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_photo')),
    sa.UniqueConstraint('photo_id', name=op.f('uq_held_photo_photo_id'))
    )
    with op.batch_alter_table('held_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_photo_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_photo_submission_key'), ['submission_key'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('save_data', sa.Boolean(), nullable=True))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('save_data')

    with op.batch_alter_table('held_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_photo_submission_key'))
        batch_op.drop_index(batch_op.f('ix_held_photo_created_at'))

    op.drop_table('held_photo')
