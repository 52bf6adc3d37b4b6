"""How the app talks to its database: engine options per backend, and what counts as the
database being unreachable.

- PostgreSQL: a connect timeout (`DB_CONNECT_TIMEOUT` s) and a statement timeout
  (`DB_STATEMENT_TIMEOUT_MS`) set for every connection, so a stalled or slow database
  answers an error instead of holding a worker; the migrations lift the statement limit.
- SQLite: the folder of the database file is created (a fresh checkout has no `instance/`);
  the file is in WAL mode (readers never wait for the writer), a connection waits up to
  `DB_BUSY_TIMEOUT_MS` for the write lock instead of failing, and every request that may
  write (any method but GET/HEAD/OPTIONS) starts its transaction with `BEGIN IMMEDIATE`: it
  takes the write lock *before* reading, so an invariant read in it (the last ketua, a
  thread's status, a join request still pending) cannot change before the write, as a row
  lock (`SELECT … FOR UPDATE`) guarantees on PostgreSQL. Writers queue; readers do not.

A pooled connection is pinged before use only when it has been idle for
`DB_PING_AFTER_IDLE_SECONDS` (`_ping_idle_connections`), not on every checkout as
`pool_pre_ping` does: on a busy worker that round trip was one of the five of a page
served from kept regions. A connection that dies while in use (a restart under load) fails
that request with 503, and SQLAlchemy then replaces every connection the pool holds.

A request whose transaction wrote nothing ends it with COMMIT rather than the ROLLBACK of
closing the session (`_end_reads_with_commit`): the same for a read, but psycopg forgets the
connection's prepared statements at every ROLLBACK, so PostgreSQL would plan each query of
every page afresh (planning the home page's thread list with its joined loads took 17 ms,
running it 0.6 ms). Kept across requests, a statement is prepared after
`prepare_threshold` (5) runs and, once PostgreSQL finds its generic plan as good as the
custom ones, planned no more. For that the LIMIT and OFFSET of a query are written into
its text (`_limit_as_literal`): as parameters, the generic plan cannot know that a page
reads 31 rows, costs an index scan as if it read them all, and PostgreSQL keeps planning
every execution. The compiled statement is still cached (a "post-compile" value).

`UNAVAILABLE` are the errors that mean "the database cannot answer now" (refused, dropped,
timed out, cancelled): they are answered 503 with Retry-After (see `errors.py`), unlike
programming errors, which stay 500.
"""

import time
from pathlib import Path

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import _OffsetLimitParam

UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def configure(config) -> None:
    """Complete `SQLALCHEMY_ENGINE_OPTIONS` in the (flat) app config for its database."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    backend = url.get_backend_name()
    if backend == "postgresql":
        connect_args.setdefault("connect_timeout", config["DB_CONNECT_TIMEOUT"])
        statement_ms = config["DB_STATEMENT_TIMEOUT_MS"]
        if statement_ms:
            connect_args.setdefault("options", f"-c statement_timeout={int(statement_ms)}")
    elif backend == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args.setdefault("timeout", config["DB_BUSY_TIMEOUT_MS"] / 1000)
    if connect_args:
        options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def install(app: Flask) -> None:
    """Per-connection settings that engine options cannot express (SQLite); the tables
    each statement reads or writes (common/tables.py)."""
    from kim_app.common import tables
    from kim_app.common.search import FULLTEXT
    from kim_app.extensions import db

    with app.app_context():
        engine = db.engine
    tables.install(engine, db.metadata, {f"fts_{table}": table for table in FULLTEXT})
    app.teardown_request(_end_reads_with_commit)
    _ping_idle_connections(engine, float(app.config["DB_PING_AFTER_IDLE_SECONDS"]))
    if engine.dialect.name == "sqlite":
        busy_ms = int(app.config["DB_BUSY_TIMEOUT_MS"])
        event.listen(engine, "connect", lambda dbapi, _record: _sqlite_connect(dbapi, busy_ms))
        event.listen(engine, "begin", _sqlite_begin)


def _ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection coming out of the pool after `idle_seconds` or more of rest; one
    that does not answer is replaced (the pool tries a fresh one, see PoolEvents.checkout)."""
    idle_since = "kim_idle_since"

    def checked_in(_dbapi_connection, record) -> None:
        record.info[idle_since] = time.monotonic()

    def checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(idle_since, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: this connection cannot serve the request
            raise DisconnectionError(str(error)) from error

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


def _sqlite_connect(dbapi_connection, busy_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cursor.execute("PRAGMA journal_mode = WAL")  # stays "memory" for an in-memory database
    cursor.close()


def _sqlite_begin(connection: Engine) -> None:
    """A request that may write takes the write lock first. Everything else keeps the
    driver's way: reads outside a transaction (always the newest data), BEGIN before the
    first write."""
    if has_request_context() and request.method not in READ_ONLY_METHODS:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _end_reads_with_commit(exception) -> None:
    """Before the session is closed: a transaction that wrote nothing is committed (see the
    module's docstring). One that wrote, or a request that failed, is left to the rollback
    of closing the session; a commit that fails is rolled back and forgotten."""
    from kim_app.extensions import db
    from kim_app.response_cache import WROTE

    session = db.session()
    if (exception is not None or not session.in_transaction() or session.info.get(WROTE)
            or session.new or session.dirty or session.deleted):
        return
    # Nothing changed, so nothing needs reloading: objects stay as loaded (a streamed
    # response, e.g. a CSV export, still reads them after the request's teardown).
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    except UNAVAILABLE:
        session.rollback()
    finally:
        session.expire_on_commit = expire


@compiles(_OffsetLimitParam, "postgresql")
def _limit_as_literal(element, compiler, **kw):
    """LIMIT 31 rather than LIMIT $1 on PostgreSQL (see the module's docstring)."""
    kw["literal_execute"] = True
    return compiler.visit_bindparam(element, **kw)
