"""search: also match words as written on PostgreSQL

The Indonesian stemmer strips prefixes ("keripik" -> "ripik"), so prefix search typed on a
phone ("kerip") found nothing on PostgreSQL while it did on SQLite. The search index now
also holds the unstemmed words. SQLite's FTS5 tables are unchanged.

Revision ID: bf8c84404dd6
Revises: c5717f3df0e8
Create Date: 2026-11-29 10:37:33.041708

"""
from alembic import op

from kim_app.common import search

TABLES = {"thread": ("title", "body"), "product": ("name", "description")}


# revision identifiers, used by Alembic.
revision = 'bf8c84404dd6'
down_revision = 'c5717f3df0e8'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, columns in TABLES.items():
        search.uninstall(bind, table)
        search.install(bind, table, columns)


def downgrade():
    # The wider index serves the old queries too; nothing to undo.
    pass
