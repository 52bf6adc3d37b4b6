"""inbox: the threads waiting for an officer in due order (partial indexes), every thread
in due order, the officers among the accounts

The officer inbox lists the threads waiting for an officer (baru, diverifikasi, diproses:
`threads.lifecycle.AWAITING_OFFICER`) soonest due first. A btree on (status, due_on, id)
cannot give that order across three statuses, so PostgreSQL sorted the whole backlog for
every page. These partial indexes hold only the waiting threads, in (due_on, id) order,
alone and after the agency, the assigned officer, the category, the escalation level or
the village (a kecamatan filter) the inbox filters by, and by "saya juga" (me_too_count,
id) for that sort; `ix_thread_due` holds every thread
in that order ("Semua status"). `ix_user_account_role`: the officers (for the assignment
choices on the inbox and the thread page) were read by scanning every account.

The condition is `lifecycle.waiting_clause()` as it was at this revision, written out.

Revision ID: bc215f808140
Revises: 91757cc0136a
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bc215f808140'
down_revision = '91757cc0136a'
branch_labels = None
depends_on = None

WAITING = sa.text("status IN ('baru', 'diverifikasi', 'diproses')")
WAITING_INDEXES = {
    'ix_thread_waiting_due': ['due_on', 'id'],
    'ix_thread_waiting_agency_due': ['agency_id', 'due_on', 'id'],
    'ix_thread_waiting_assignee_due': ['assignee_id', 'due_on', 'id'],
    'ix_thread_waiting_category_due': ['category_id', 'due_on', 'id'],
    'ix_thread_waiting_escalation_due': ['escalation_level', 'due_on', 'id'],
    'ix_thread_waiting_village_due': ['village_code', 'due_on', 'id'],
    'ix_thread_waiting_me_too': ['me_too_count', 'id'],
}


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_role', ['role'], unique=False)
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.create_index('ix_thread_due', ['due_on', 'id'], unique=False)
        for name, columns in WAITING_INDEXES.items():
            batch_op.create_index(name, columns, unique=False,
                                  postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade():
    with op.batch_alter_table('thread', schema=None) as batch_op:
        for name in reversed(list(WAITING_INDEXES)):
            batch_op.drop_index(name)
        batch_op.drop_index('ix_thread_due')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_role')
