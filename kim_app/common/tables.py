"""Which tables a request read, and which tables a transaction wrote.

Every statement the app sends goes through the engine, whatever wrote it (the ORM's flush,
an `update()`, a text statement, a lazy load), so the engine's `before_cursor_execute` sees
them all: the tables a statement names are found in its SQL (the app's table names, as
whole words; an alias such as `thread_1` or a column such as `product.category` is not a
table, and a word that only looks like one makes an entry stale sooner, never later).

- A read (SELECT, or a WITH that writes nothing) adds its tables to this request's reads,
  in order (`read_log()`): a kept page or region records their generations
  (`cache.snapshot`).
- A write adds its tables, and every table the database itself changes with them (a
  foreign key's ON DELETE/UPDATE CASCADE or SET NULL, followed through), to the writes of
  the transaction; after the session commits they are bumped (`cache.bump_tables`), never
  before, so no reader can keep what it read before the commit as newer. A rollback keeps
  them for the next commit of the context: a write is bumped late, never forgotten.

The full-text tables (`fts_<table>`, SQLite) count as the table they index: the triggers
that fill them run inside the database, on a write to that table. Any other trigger would
have to be named here the same way, and a write outside `db.session` (on `db.engine`
directly; the app has none) is bumped only at the context's next session commit.
"""

import re
import weakref

from flask import g, has_app_context, has_request_context
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

READ_LOG = "kim_tables_read_log"
WRITTEN = "kim_tables_written"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE")
WRITE_IN_WITH = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
CHANGED_BY_DATABASE = {"CASCADE", "SET NULL", "SET DEFAULT"}
STATEMENTS_KEPT = 4096


class Tables:
    """The table names of one metadata, and what a statement reads or writes."""

    def __init__(self, metadata: MetaData, aliases: dict[str, str]):
        names = {table.name: table.name for table in metadata.tables.values()}
        names.update(aliases)
        self._names = names
        words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        self._pattern = re.compile(rf'(?<![\w.])"?({words})"?(?![\w])')
        self._dependents = _dependents(metadata)
        self._statements: dict[str, tuple[bool, frozenset[str]]] = {}

    def of(self, statement: str) -> tuple[bool, frozenset[str]]:
        """(whether it writes, the tables it names: for a write, with those the database
        changes along)."""
        known = self._statements.get(statement)
        if known is not None:
            return known
        head = statement.lstrip()[:8].upper()
        writes = head.startswith(WRITES) or (
            head.startswith("WITH") and bool(WRITE_IN_WITH.search(statement)))
        tables = {self._names[match] for match in self._pattern.findall(statement)}
        if writes:
            for table in list(tables):
                tables |= self._dependents.get(table, set())
        known = (writes, frozenset(tables))
        if len(self._statements) >= STATEMENTS_KEPT:
            self._statements.clear()
        self._statements[statement] = known
        return known


def _dependents(metadata: MetaData) -> dict[str, set[str]]:
    """For each table, the tables whose rows the database changes when its rows change
    (foreign keys with ON DELETE / ON UPDATE actions), followed through."""
    direct: dict[str, set[str]] = {}
    for table in metadata.tables.values():
        for key in table.foreign_keys:
            actions = {(key.ondelete or "").upper(), (key.onupdate or "").upper()}
            if actions & CHANGED_BY_DATABASE:
                direct.setdefault(key.column.table.name, set()).add(table.name)
    closed: dict[str, set[str]] = {}
    for table in direct:
        seen, todo = set(), [table]
        while todo:
            for dependent in direct.get(todo.pop(), ()):
                if dependent not in seen:
                    seen.add(dependent)
                    todo.append(dependent)
        closed[table] = seen
    return closed


def read_log() -> list[frozenset[str]]:
    """The tables of each reading statement of this request, in order: the list itself,
    which grows with every later read of the request."""
    log = g.get(READ_LOG)
    if log is None:
        log = g.setdefault(READ_LOG, [])
    return log


def forget_writes() -> None:
    """The writes of this context so far change nothing a reader is shown at once (see
    `response_cache.leave_pages_fresh`): they are not bumped."""
    g.pop(WRITTEN, None)


_installed: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def install(engine: Engine, metadata: MetaData, aliases: dict[str, str]) -> None:
    """Watch `engine`'s statements (once per engine: apps may share one)."""
    if engine in _installed:
        return
    _installed.add(engine)
    tables = Tables(metadata, aliases)

    def before_cursor_execute(_conn, _cursor, statement, _parameters, _context, _many):
        if not has_app_context():
            return
        writes, names = tables.of(statement)
        if not names:
            return
        if writes:
            written = g.get(WRITTEN)
            if written is None:
                written = g.setdefault(WRITTEN, set())
            written |= names
        elif has_request_context():  # what a page read (a command keeps no page)
            read_log().append(names)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    _listen_once()


def _after_commit(_session) -> None:
    if not has_app_context():
        return
    written = g.pop(WRITTEN, None)
    if written:
        from flask import current_app

        from kim_app.common import cache

        if "kim_cache" in current_app.extensions:
            cache.bump_tables(written)


def _listen_once() -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
