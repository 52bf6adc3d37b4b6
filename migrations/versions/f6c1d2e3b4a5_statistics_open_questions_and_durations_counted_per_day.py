"""statistics: the open questions with a due date, and the measured durations, counted in
the day sums

`/statistik` read every open question's row (24,930 of 100,000 threads at the benchmark's
large data) to compare its due dates with today. The rows now say whether a question is
open with an answer due date (`open_answer_due`) and with a step due date
(`open_step_due`), the day sums add them up, and only the questions not due yet (a due
date today or later: 454 rows there) are read, through an index on each due date, instead
of the covering index of every open question. They also say whether the time to the first
response and to the answer were measured (`first_timed`, `answer_timed`): the day sums
then give the number of durations of every group, and its percentiles are read at their
ranks in index order. The day sums are added up again from the thread rows, with the SQL
of `kim_app/stats/tally.py` as it stands at this revision.

Revision ID: f6c1d2e3b4a5
Revises: e5b0c1d2a3f4
Create Date: 2026-12-01 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6c1d2e3b4a5'
down_revision = 'e5b0c1d2a3f4'
branch_labels = None
depends_on = None

_FLAGS = ('open_answer_due', 'open_step_due', 'first_timed', 'answer_timed')
_OPEN = 'open_due_on IS NOT NULL OR due_on IS NOT NULL'
_SUMMED = ("rejected, answered, answered_due, on_time, waiting, open_answer_due, open_step_due, "
           "first_timed, answer_timed")


def upgrade():
    with op.batch_alter_table('thread_figure', schema=None) as batch_op:
        for name in _FLAGS:
            batch_op.add_column(sa.Column(name, sa.SmallInteger(), nullable=False,
                                          server_default='0'))
        batch_op.drop_index('ix_thread_figure_open')
        for column in ('open_due_on', 'due_on'):
            batch_op.create_index(f'ix_thread_figure_{column}', [column], unique=False,
                                  postgresql_where=sa.text(f'{column} IS NOT NULL'),
                                  sqlite_where=sa.text(f'{column} IS NOT NULL'))
    with op.batch_alter_table('thread_figure_day', schema=None) as batch_op:
        for name in _FLAGS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                          server_default='0'))
    op.execute("""
        UPDATE thread_figure
        SET open_answer_due = CASE WHEN open_due_on IS NOT NULL THEN 1 ELSE 0 END,
            open_step_due = CASE WHEN due_on IS NOT NULL THEN 1 ELSE 0 END,
            first_timed = CASE WHEN first_seconds IS NOT NULL THEN 1 ELSE 0 END,
            answer_timed = CASE WHEN answer_seconds IS NOT NULL THEN 1 ELSE 0 END
    """)
    op.execute("DELETE FROM thread_figure_day")
    for dimension, key in (("kecamatan", "district_code"), ("kategori", "category_id"),
                           ("instansi", "agency_id"), ("kim", "kim_id")):
        only = "WHERE kim_id IS NOT NULL" if dimension == "kim" else ""
        op.execute(f"""
            INSERT INTO thread_figure_day (day, month, dimension, {key}, total, {_SUMMED},
                rating_sum, rating_count)
            SELECT day, month, '{dimension}', {key}, count(*), sum(rejected),
                sum(answered), sum(answered_due), sum(on_time), sum(waiting),
                sum(open_answer_due), sum(open_step_due), sum(first_timed),
                sum(answer_timed), coalesce(sum(rating), 0), count(rating)
            FROM thread_figure {only}
            GROUP BY day, month, {key}
        """)
    for table in ('thread_figure', 'thread_figure_day'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in _FLAGS:
                batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('thread_figure_day', schema=None) as batch_op:
        for name in _FLAGS:
            batch_op.drop_column(name)
    with op.batch_alter_table('thread_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_figure_due_on')
        batch_op.drop_index('ix_thread_figure_open_due_on')
        batch_op.create_index('ix_thread_figure_open', ['day'], unique=False,
                              postgresql_include=['month', 'district_code', 'village_code',
                                                  'category_id', 'agency_id', 'open_due_on',
                                                  'due_on'],
                              postgresql_where=sa.text(_OPEN), sqlite_where=sa.text(_OPEN))
        for name in _FLAGS:
            batch_op.drop_column(name)
