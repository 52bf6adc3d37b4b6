"""Answer templates; the escalation level of a thread's overdue step (default 0)

Revision ID: 05933a1edd6e
Revises: 2c1e55291429
Create Date: 2026-12-01 11:07:23.195352

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '05933a1edd6e'
down_revision = '2c1e55291429'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_answer_template_agency_id_agency')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_answer_template_category_id_category')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_answer_template_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_template'))
    )
    with op.batch_alter_table('answer_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_template_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_template_category_id'), ['category_id'], unique=False)

    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalation_level', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('escalated_due_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_column('escalated_due_on')
        batch_op.drop_column('escalation_level')

    with op.batch_alter_table('answer_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_template_category_id'))
        batch_op.drop_index(batch_op.f('ix_answer_template_agency_id'))

    op.drop_table('answer_template')
