"""thread.due_on: the current officer step's due date, stored and indexed with the status

The officer inbox sorts by the date the current step is due (verification while baru,
the answer while diverifikasi or diproses, none otherwise). It was computed per row in
every query; it is now a column that `threads.lifecycle` keeps current, indexed on
(status, due_on, id) for the inbox's order and keyset pages. The old index on
(status, answer_due_on) served only the computed form and goes.

Revision ID: 7937d4b16148
Revises: 459269bca81c
Create Date: 2026-12-01 07:43:45.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7937d4b16148'
down_revision = '459269bca81c'
branch_labels = None
depends_on = None

# The rule as it stands at this revision (threads.lifecycle.current_due_on).
BACKFILL = """
UPDATE thread SET due_on = CASE
    WHEN status = 'baru' THEN verify_due_on
    WHEN status IN ('diverifikasi', 'diproses') THEN answer_due_on
    ELSE NULL
END
"""


def upgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.drop_index('ix_thread_answer_due')
        batch_op.create_index('ix_thread_status_due', ['status', 'due_on', 'id'], unique=False)
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_status_due')
        batch_op.create_index('ix_thread_answer_due', ['status', 'answer_due_on'], unique=False)
        batch_op.drop_column('due_on')
