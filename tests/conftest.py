"""Fixtures: one application per session; each test in a transaction rolled back at its end.

`TEST_DATABASE_URL` chooses the database (PostgreSQL in CI's second run); without it an
SQLite file in a temporary folder is used. Under pytest-xdist (`make test` runs two workers)
every worker has a database of its own: its own SQLite file, or on PostgreSQL
`<name>_<worker>` next to the named one (`kim_ci_gw0` for `…/kim_ci`), dropped and created
afresh when the worker starts and dropped when it ends.

The schema is created once per session, and the reference data (official regions, the 18
KIM groups, question categories and agencies) is seeded once. Then there are two paths:

- **The default: a transaction rolled back.** The test runs inside one transaction on one
  connection, rolled back at its end. Every session the app opens on the way (the test's
  own, each request's, each CLI command's) joins that connection with
  `join_transaction_mode="create_savepoint"`: `db.session.commit()` releases a SAVEPOINT and
  `db.session.rollback()` returns to one, so code under test commits and rolls back as it
  does in production, yet nothing outlives the test. A request still sees only what the
  test flushed or committed, and what a request did not commit is gone when it ends. On
  SQLite the test connection emits BEGIN itself (pysqlite's own transaction handling is
  switched off for it, as SQLAlchemy's SQLite documentation describes), otherwise SAVEPOINT
  would not nest inside the outer transaction.
- **`@pytest.mark.real_db`: real commits.** The test gets freshly built apps on ordinary
  pooled connections, as the app runs in production: what it commits is visible to every
  other connection and thread. Afterwards every table but the regions is emptied and the
  KIM groups, categories and agencies are seeded again (building the app and seeding cost
  up to a second more per test). Use it only for work on more than one connection at once:
  a live server in a thread (every browser test; tests/browser/conftest.py marks them),
  real concurrent requests (race tests: `concurrently(...)` below starts the calls
  together, each in its own thread, with its own client), or code that must see another
  connection's commit (the mail claim: a second sender on its own connection). It works
  the same on both databases.
- The migrations test needs neither: it builds its own empty database.

`app_factory(**overrides)` gives an app with config overrides (e.g. CSRF on). On the
default path one app is built per distinct set of overrides and kept for the session; all
of them share the first app's engine, so `db.engine` (and the query counter on it) is the
same whichever app a test uses. What a test changes in an app's `config` is put back after
it. The rate limiter keeps one storage for every app; its counters are cleared before each
test, so a limit never carries over from one test to the next. On the `real_db` path every
call builds a new app, reading the environment as it is during the test.
"""

import contextvars
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, delete, event, text
from sqlalchemy.engine import make_url

from kim_app import create_app
from kim_app.auth import services as accounts
from kim_app.common import search
from kim_app.common.cache import store_for
from kim_app.common.search import FULLTEXT
from kim_app.config import TestConfig, normalise_database_url
from kim_app.extensions import db as _db
from kim_app.extensions import limiter
from kim_app.models import Role, User
from kim_app.seeding import (
    SeedReport,
    load_kim_groups,
    load_thread_references,
    seed_reference_data,
)
from kim_app.stats.services import public_cache

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "sawah-hijau-2026"
REFERENCE_TABLES = {"district", "village"}
DATABASE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "real_db: the test commits for real (threads, several connections); the database "
        "is emptied and seeded again after it",
    )


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """`make test` compiles the catalogues; a bare `pytest` gets them compiled here too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "kim_app" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


@contextmanager
def _worker_database(url: str, worker: str) -> Iterator[str]:
    """A PostgreSQL database of this xdist worker's own, beside the one `url` names."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    if not DATABASE_NAME.match(name):
        raise pytest.UsageError(f"TEST_DATABASE_URL names a database unfit for {name!r}")
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # Under xdist each worker has a temporary folder of its own.
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or make_url(url).get_backend_name() != "postgresql":
        yield url
        return
    with _worker_database(url, worker) as worker_url:
        yield worker_url


class IsolatedClient(FlaskClient):
    """Each request runs in its own context, as on a real server.

    Tests keep an app context open for their own database work; without isolation every
    request would share that context's `g` (Flask-Login caches the user there) and its
    database session, and hide bugs such as a missing commit or a stale login. After a
    request the test's own session is expired, so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        # A streamed body (stream_with_context) is read inside the request's own context,
        # as a server would; tests that watch a stream chunk by chunk open one themselves.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


def make_app(database_url: str, **overrides) -> Flask:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def _create_schema(app: Flask) -> None:
    with app.app_context():
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Leftovers of another branch's schema would block drop_all().
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            else:
                for table in FULLTEXT:
                    search.uninstall(conn, table)
        _db.drop_all()
        _db.create_all()
        with _db.engine.begin() as conn:
            for table, columns in FULLTEXT.items():
                search.install(conn, table, columns)
        seed_reference_data()
        _db.session.remove()


class SessionApps:
    """The session's apps: one per distinct set of config overrides, all on one engine."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.base = make_app(database_url)
        _create_schema(self.base)
        with self.base.app_context():
            self.engine = _db.engine
        self._apps: dict[str, Flask] = {"": self.base}

    def get(self, overrides: dict) -> Flask:
        key = repr(sorted(overrides.items()))
        app = self._apps.get(key)
        if app is None:
            app = make_app(self.database_url, **overrides)
            # Flask-SQLAlchemy gives every app an engine of its own; these share the first
            # one, so a query counter on `db.engine` sees whichever app runs the query.
            with app.app_context():
                _db.engine.dispose()
            _db._app_engines[app][None] = self.engine
            self._apps[key] = app
        return app


@pytest.fixture(scope="session")
def _apps(database_url) -> Iterator[SessionApps]:
    apps = SessionApps(database_url)
    yield apps
    apps.engine.dispose()


@pytest.fixture(scope="session")
def _schema(_apps) -> str:
    """The database, with its schema and reference data; its URL."""
    return _apps.database_url


def _reset(app: Flask) -> None:
    """Empty every table but the regions; seed the KIM groups, categories, agencies again."""
    with app.app_context():
        _db.session.remove()
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                _db.session.execute(delete(table))
        load_kim_groups(SeedReport())
        load_thread_references(SeedReport())
        _db.session.commit()
        _db.session.remove()


class JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session, on the test's connection instead of the app's engine."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


def _begin_on_sqlite(conn) -> None:
    conn.exec_driver_sql("BEGIN")


@contextmanager
def _rolled_back(apps: SessionApps) -> Iterator:
    connection = apps.engine.connect()
    sqlite_connection = None
    if connection.dialect.name == "sqlite":
        # pysqlite would start transactions on its own terms and leave SAVEPOINT outside
        # them: it stays out of it, and BEGIN is sent when SQLAlchemy begins.
        sqlite_connection = connection.connection.driver_connection
        legacy_isolation = sqlite_connection.isolation_level
        sqlite_connection.isolation_level = None
        event.listen(connection, "begin", _begin_on_sqlite)
    transaction = connection.begin()
    app_session = _db.session
    _db.session = _db._make_scoped_session({
        "class_": JoinedSession,
        "bind": connection,
        "join_transaction_mode": "create_savepoint",
    })
    configs: dict[Flask, dict] = {}

    def build(**overrides) -> Flask:
        app = apps.get(overrides)
        if app not in configs:
            # The app outlives the test; its data does not: nothing kept from another test.
            store_for(app).clear()
        configs.setdefault(app, dict(app.config))
        return app

    try:
        yield build
    finally:
        _db.session = app_session
        transaction.rollback()
        if sqlite_connection is not None:
            sqlite_connection.isolation_level = legacy_isolation
        connection.close()
        for app, config in configs.items():
            app.config.clear()
            app.config.update(config)


@contextmanager
def _committed(apps: SessionApps) -> Iterator:
    built: list[Flask] = []

    def build(**overrides) -> Flask:
        app = make_app(apps.database_url, **overrides)
        built.append(app)
        return app

    try:
        yield build
    finally:
        for app in built:
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()
        _reset(apps.base)


@pytest.fixture
def app_factory(request, _apps):
    """Build (or reuse) an app with config overrides, e.g. `app_factory(WTF_CSRF_ENABLED=True)`."""
    limiter.reset()
    public_cache.clear()
    path = _committed if request.node.get_closest_marker("real_db") else _rolled_back
    with path(_apps) as build:
        yield build
    public_cache.clear()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_phone_counter = iter(range(10_000, 99_999))


def make_user(role: Role = Role.WARGA, name: str | None = None,
              village: str | None = "33.18.17.2003", email: str | None = None) -> User:
    number = next(_phone_counter)
    user = accounts.create_user(
        name=name or f"Pengguna {number}",
        phone=f"0812000{number}",
        password=PASSWORD,
        email=email,
        village_code=village,
        role=role,
    )
    _db.session.commit()
    return user


@pytest.fixture
def warga(app):
    return make_user(Role.WARGA, name="Sri Warga")


@pytest.fixture
def petugas(app):
    return make_user(Role.PETUGAS, name="Pak Petugas", village=None)


@pytest.fixture
def admin(app):
    return make_user(Role.ADMIN, name="Bu Admin", village=None)


def concurrently(*calls: Callable[[], object], timeout: float = 60) -> list:
    """Run the calls at the same moment, each in a thread of its own; their results, in order.

    For race tests, which must be marked `real_db`: each call makes its requests with a
    client of its own (`app.test_client()`), so each has its own session and connection.
    """
    if _db.session.session_factory.kw.get("bind") is not None:
        raise RuntimeError("threads cannot share the test's connection: mark the test real_db")
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait(timeout)
            results[index] = call()
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call), daemon=True)
               for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a concurrent call did not finish within {timeout} s")
    if errors:
        raise errors[0]
    return results


def login(client, user: User, password: str = PASSWORD):
    response = client.post(
        "/auth/masuk", data={"identifier": user.phone, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


HX = {"HX-Request": "true"}


def field_error(html: str, field_id: str) -> str | None:
    """The error text shown next to a form field, or None."""
    match = re.search(rf'id="{field_id}-error"[^>]*>([^<]*)<', html)
    return match.group(1).strip() if match else None


# Transaction control is not a query: like BEGIN and COMMIT (which the drivers send outside
# cursor.execute), the SAVEPOINTs that join each session to the test's transaction are not
# counted.
TRANSACTION_CONTROL = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s",
                                 re.IGNORECASE)


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not TRANSACTION_CONTROL.match(statement):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def query_counter(app):
    return lambda: count_queries(_db.engine)


def app_with_empty_cache(app_factory, **overrides) -> Iterator[Flask]:
    """An app (config `overrides`) in its context, its shared cache empty before and after:
    for the fixtures of the cache tests (`yield from app_with_empty_cache(...)`)."""
    from kim_app.common import cache

    app = app_factory(**overrides)
    with app.app_context():
        cache.store_for(app).clear()
        yield app
        cache.store_for(app).clear()
