"""search: stored tsvector column on PostgreSQL, stemmed FTS5 on SQLite, announcements

PostgreSQL: the expression index is replaced by a stored generated `fts_vector` column
with a GIN index (queries read the index first, nothing recomputed per row). SQLite: the
FTS5 tables hold each text's words and their Indonesian stems. Announcements become
searchable.

Revision ID: e14a51c0ffee
Revises: 4a7363143de3
Create Date: 2026-12-01 08:00:00

"""
from alembic import op

from kim_app.common import search

TABLES = {
    "thread": ("title", "body"),
    "product": ("name", "description"),
    "announcement": ("title", "body"),
}

# revision identifiers, used by Alembic.
revision = 'e14a51c0ffee'
down_revision = '4a7363143de3'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    for table, columns in TABLES.items():
        search.uninstall(bind, table)
        search.install(bind, table, columns)


def downgrade():
    # Threads and products keep the new search objects, which answer the earlier queries
    # as well; announcements were not searchable before.
    search.uninstall(op.get_bind(), "announcement")
