"""Full-text search behind one function, on both databases.

Every word is found as written and by its Indonesian stem ("lubang" finds "berlubang",
"tani" finds "petani"), by prefix (search-as-you-type finds "sawah" from "saw"), and every
word of the query must match.

- PostgreSQL: a stored generated `tsvector` column (`fts_vector`: the Indonesian, stemmed
  words and the words as written — the stemmer cuts "keripik" to "ripik", and typing
  "kerip" must still match) with a GIN index. `matches()` first takes the matching ids
  from that index, at most `FEW_MATCHES + 1` of them: a rare or absent word then becomes
  `id = ANY(ids)` (primary-key lookups), so the planner cannot walk the newest-first index
  testing every row for a word that is nowhere. Only a common word (more matches) is
  tested row by row along the list's own order, where a page fills after a few rows, and
  the vector is read from the row, never recomputed.
- SQLite: a contentless FTS5 table holding each text's words as written and their stems
  (PySastrawi), kept in step by triggers that call `kim_stem()`, a function registered on
  every SQLite connection; query words are stemmed the same way.

The search objects live outside the SQLAlchemy metadata (an FTS5 table is no ordinary
table, and the generated column exists only on PostgreSQL); they are created by
`install()` from the migrations (and by the test fixtures) and are all named `fts_…`,
which `migrations/env.py` leaves out of autogenerate.
"""

import re
import sqlite3
from functools import cache, lru_cache

from sqlalchemy import (
    ARRAY,
    Integer,
    any_,
    bindparam,
    column,
    event,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection, Engine

from kim_app.common import cache as shared_cache
from kim_app.extensions import db

# Table -> the text columns searched, in order; the one place that lists them.
FULLTEXT: dict[str, tuple[str, ...]] = {
    "thread": ("title", "body"),
    "product": ("name", "description"),
    "announcement": ("title", "body"),
}
VECTOR_COLUMN = "fts_vector"
STEM_FUNCTION = "kim_stem"

_WORD = re.compile(r"\w+", re.UNICODE)
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
MAX_WORDS = 8
# Up to this many matches a search is answered from the ids the GIN index returns.
FEW_MATCHES = 1000
# A word found more than FEW_MATCHES times stays common: the finding is kept this long in
# the shared cache, and searches for it skip the probe (1,001 ids read, 5 ms at 1M posts).
COMMON_WORDS_SECONDS = 600


def words(query: str) -> list[str]:
    return _WORD.findall((query or "").lower())[:MAX_WORDS]


@cache
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Indonesian stem of one lower-case word (the word itself when it has none)."""
    return _stemmer().stem(word) or word


def indexed_text(value: str | None) -> str:
    """What SQLite indexes for a text: its words as written, then the stems that differ."""
    found = _WORD.findall((value or "").lower())
    stems = [stemmed for word in found if (stemmed := stem(word)) != word]
    return " ".join(found + stems)


@event.listens_for(Engine, "connect")
def _register_stem_function(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(STEM_FUNCTION, 1, indexed_text, deterministic=True)


def _pg_document(table_name: str, columns: tuple[str, ...]) -> str:
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return (f"to_tsvector('indonesian'::regconfig, {joined}) || "
            f"to_tsvector('simple'::regconfig, {joined})")


def _check_identifiers(*names: str) -> None:
    """Table and column names come from code, never from a request; refuse anything odd."""
    for name in names:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not an identifier: {name!r}")


def install(bind: Connection, table: str, columns: tuple[str, ...]) -> None:
    """Create the search objects and index the rows already there (SQL built from checked
    identifiers; user text never reaches these statements; pyproject.toml waives S608)."""
    _check_identifiers(table, *columns)
    if bind.dialect.name == "sqlite":
        names = ", ".join(columns)
        new = ", ".join(f"{STEM_FUNCTION}(new.{c})" for c in columns)
        old = ", ".join(f"{STEM_FUNCTION}(old.{c})" for c in columns)
        current = ", ".join(f"{STEM_FUNCTION}({c})" for c in columns)
        fts = f"fts_{table}"
        statements = [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='', "
            "tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "  # nosec B608
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "  # nosec B608
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN "  # nosec B608
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"INSERT INTO {fts}(rowid, {names}) SELECT id, {current} FROM {table}",  # nosec B608
        ]
    elif bind.dialect.name == "postgresql":
        statements = [
            f"ALTER TABLE {table} ADD COLUMN {VECTOR_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({_pg_document(table, columns)}) STORED",
            f"CREATE INDEX fts_{table} ON {table} USING gin ({VECTOR_COLUMN})",
            # Finer word statistics: the planner's estimate for a rare word stays low.
            f"ALTER TABLE {table} ALTER COLUMN {VECTOR_COLUMN} SET STATISTICS 1000",
        ]
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(bind.dialect.name)
    for statement in statements:
        bind.execute(text(statement))


def uninstall(bind: Connection, table: str) -> None:
    """Drop the search objects of `table` (of this version or the earlier expression index)."""
    _check_identifiers(table)
    if bind.dialect.name == "sqlite":
        for suffix in ("_ai", "_ad", "_au"):
            bind.execute(text(f"DROP TRIGGER IF EXISTS fts_{table}{suffix}"))
        bind.execute(text(f"DROP TABLE IF EXISTS fts_{table}"))
    else:
        bind.execute(text(f"DROP INDEX IF EXISTS fts_{table}"))
        bind.execute(text(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {VECTOR_COLUMN}"))


def _fts5_term(term: str) -> str:
    stemmed = stem(term)
    if stemmed == term:
        return f'"{term}"*'
    return f'("{term}"* OR "{stemmed}"*)'


def _tsquery(terms: list[str]):
    query_expression = None
    for term in terms:
        either = func.to_tsquery("indonesian", f"{term}:*").op("||")(
            func.to_tsquery("simple", f"{term}:*")
        )
        query_expression = either if query_expression is None else query_expression.op("&&")(
            either
        )
    return query_expression


def matches(model, query: str):
    """A WHERE clause: rows of `model` whose text contains every word of `query`."""
    table_name = model.__tablename__
    terms = words(query)
    if not terms:
        return literal_column("1") == literal_column("1")
    if db.session.get_bind().dialect.name == "sqlite":
        expression = " AND ".join(_fts5_term(term) for term in terms)
        ids = text(f"SELECT rowid FROM fts_{table_name} WHERE fts_{table_name} "  # nosec B608
                   "MATCH :fts_query")
        return model.id.in_(ids.bindparams(fts_query=expression))
    common_key = f"search-common:{table_name}:{' '.join(terms)}"
    if shared_cache.get(common_key) is None:
        source = table(table_name, column("id"), column(VECTOR_COLUMN))
        condition = source.c[VECTOR_COLUMN].op("@@")(_tsquery(terms))
        ids = list(db.session.scalars(
            select(source.c.id).where(condition).limit(FEW_MATCHES + 1)))
        if len(ids) <= FEW_MATCHES:
            return model.id == any_(bindparam(f"fts_{table_name}_ids", ids,
                                              type_=ARRAY(Integer)))
        shared_cache.put(common_key, b"1", COMMON_WORDS_SECONDS)
    # A common word: newest first along the list's own index, the stored vector tested
    # per row, finds a page after a few rows.
    return literal_column(f"{table_name}.{VECTOR_COLUMN}").op("@@")(_tsquery(terms))
