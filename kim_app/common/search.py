"""Full-text search behind one function, on both databases.

SQLite (the embedded default) uses an FTS5 table kept in step with its source table by
triggers; PostgreSQL uses a GIN index over the Indonesian (stemmed) and the simple
(as written) `tsvector` of the text. `matches(model,
query)` gives a WHERE clause that uses whichever the database has; words match by prefix,
so search-as-you-type finds "sawah" from "saw", and every word must match.

The search objects live outside the SQLAlchemy metadata (an FTS5 table is no ordinary
table); they are created by `install()` from the migrations (and by the test fixtures) and
are all named `fts_…`, which `migrations/env.py` leaves out of autogenerate.
"""

import re

from sqlalchemy import func, literal_column, text
from sqlalchemy.engine import Connection

from kim_app.extensions import db

# Table -> the text columns searched, in order. A migration that creates the search
# objects passes the same columns to `install()`; the PostgreSQL query must repeat the
# indexed expression exactly, so this is the one place that lists them.
FULLTEXT: dict[str, tuple[str, ...]] = {
    "thread": ("title", "body"),
    "product": ("name", "description"),
}

_WORD = re.compile(r"\w+", re.UNICODE)
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
MAX_WORDS = 8


def words(query: str) -> list[str]:
    return _WORD.findall((query or "").lower())[:MAX_WORDS]


def _pg_document(table: str, columns: tuple[str, ...] | None = None) -> str:
    columns = columns or FULLTEXT[table]
    joined = " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in columns)
    # Stemmed words (so "petani" finds "tani") and the words as written (the Indonesian
    # stemmer strips prefixes — "keripik" becomes "ripik" — so typing "kerip" must match
    # the unstemmed form, as it does on SQLite).
    return f"(to_tsvector('indonesian', {joined}) || to_tsvector('simple', {joined}))"


def _check_identifiers(*names: str) -> None:
    """Table and column names come from code, never from a request; refuse anything odd."""
    for name in names:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not an identifier: {name!r}")


def install(bind: Connection, table: str, columns: tuple[str, ...]) -> None:
    """Create the search objects (SQL built from checked identifiers; user text never
    reaches these statements; pyproject.toml waives S608 for this file)."""
    _check_identifiers(table, *columns)
    if bind.dialect.name == "sqlite":
        names = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        fts = f"fts_{table}"
        statements = [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "  # nosec B608
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "  # nosec B608
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "  # nosec B608
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # nosec B608
        ]
    elif bind.dialect.name == "postgresql":
        statements = [
            f"CREATE INDEX fts_{table} ON {table} USING gin ({_pg_document(table, columns)})"
        ]
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(bind.dialect.name)
    for statement in statements:
        bind.execute(text(statement))


def uninstall(bind: Connection, table: str) -> None:
    if bind.dialect.name == "sqlite":
        for suffix in ("_ai", "_ad", "_au"):
            bind.execute(text(f"DROP TRIGGER IF EXISTS fts_{table}{suffix}"))
        bind.execute(text(f"DROP TABLE IF EXISTS fts_{table}"))
    else:
        bind.execute(text(f"DROP INDEX IF EXISTS fts_{table}"))


def matches(model, query: str):
    """A WHERE clause: rows of `model` whose text contains every word of `query`."""
    table = model.__tablename__
    terms = words(query)
    if not terms:
        return literal_column("1") == literal_column("1")
    if db.session.get_bind().dialect.name == "sqlite":
        expression = " ".join(f'"{term}"*' for term in terms)
        ids = text(f"SELECT rowid FROM fts_{table} WHERE fts_{table} MATCH :fts_query")  # nosec B608
        return model.id.in_(ids.bindparams(fts_query=expression))
    query_expression = None
    for term in terms:
        either = func.to_tsquery("indonesian", f"{term}:*").op("||")(
            func.to_tsquery("simple", f"{term}:*")
        )
        query_expression = either if query_expression is None else query_expression.op("&&")(
            either
        )
    return literal_column(_pg_document(table)).op("@@")(query_expression)
