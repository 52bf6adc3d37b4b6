"""Fixtures: a fresh app per test against one database per session.

`TEST_DATABASE_URL` chooses the database (PostgreSQL in CI's second run); without it an
SQLite file in a temporary folder is used. The schema is created once per session (the
migrations have their own test); after each test every table but the official regions is
emptied and the 18 KIM groups, question categories and agencies are seeded again, so each
test starts from the same state.
"""

import contextvars
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete, event, text

from kim_app import create_app
from kim_app.auth import services as accounts
from kim_app.common import search
from kim_app.common.search import FULLTEXT
from kim_app.config import TestConfig
from kim_app.extensions import db as _db
from kim_app.models import Role, User
from kim_app.seeding import (
    SeedReport,
    load_kim_groups,
    load_thread_references,
    seed_reference_data,
)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "sawah-hijau-2026"
REFERENCE_TABLES = {"district", "village"}


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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


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


def make_app(database_url: str, **overrides):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def _schema(database_url):
    app = make_app(database_url)
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
        _db.engine.dispose()
    return database_url


def _reset(app) -> None:
    with app.app_context():
        _db.session.remove()
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                _db.session.execute(delete(table))
        load_kim_groups(SeedReport())
        load_thread_references(SeedReport())
        _db.session.commit()
        _db.session.remove()


@pytest.fixture
def app_factory(_schema):
    """Build an app with config overrides (e.g. CSRF on); the database is reset after."""
    apps = []

    def build(**overrides):
        app = make_app(_schema, **overrides)
        apps.append(app)
        return app

    yield build
    if apps:
        _reset(apps[0])
        for app in apps:
            with app.app_context():
                _db.engine.dispose()


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


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def query_counter(app):
    return lambda: count_queries(_db.engine)
