"""The migrations build the schema from empty to head, and it matches the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kim_app.extensions import db as _db
from tests.conftest import make_app


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A database of the same kind as the suite's, empty, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"kim_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_from_empty_to_head_match_the_models(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        tables = set(inspect(_db.engine).get_table_names())
        assert {"district", "village", "kim_group", "user_account", "alembic_version"} <= tables
        with _db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_name": lambda name, *_: not (name or "").startswith("fts_")}
            )
            diff = compare_metadata(context, _db.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        assert set(inspect(_db.engine).get_table_names()) <= {"alembic_version"}
        _db.engine.dispose()


def _an_asker_in_gulangpongge(session):
    """On an empty, migrated database: the village, a category and a person to ask."""
    from kim_app.models import Category, District, User, Village

    session.add_all([District(code="33.18.17", name="Gunungwungkal"),
                     Village(code="33.18.17.2003", district_code="33.18.17",
                             name="Gulangpongge"),
                     Category(name="Kesehatan", slug="kesehatan")])
    user = User(name="Penanya", phone="+6281200000001", password_hash="x")
    session.add(user)
    session.flush()
    return user


def test_due_date_column_is_backfilled_from_status(empty_database_url):
    """7937d4b16148 adds `thread.due_on` and fills it: the verification date while baru,
    the answer date while diverifikasi or diproses, nothing otherwise."""
    from datetime import date

    from kim_app.models import Category, Thread, ThreadStatus

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        session = _db.session
        user = _an_asker_in_gulangpongge(session)
        verify, answer = date(2025, 3, 3), date(2025, 3, 17)
        for number, status in enumerate(ThreadStatus):
            session.add(Thread(code=f"TNY-25-AAA{number + 2}", author_id=user.id,
                               village_code="33.18.17.2003",
                               category_id=session.scalar(_db.select(Category.id)),
                               title="Judul", body="Isi", status=status,
                               verify_due_on=verify, answer_due_on=answer))
        session.commit()
        downgrade(revision="459269bca81c")
        upgrade()
        with _db.engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT status, due_on FROM thread")).all())
        expected = {"baru": verify, "diverifikasi": answer, "diproses": answer,
                    "dijawab": None, "selesai": None, "ditolak": None}
        assert {status: (date.fromisoformat(due) if isinstance(due, str) else due)
                for status, due in stored.items()} == expected
        session.remove()
        downgrade(revision="base")
        _db.engine.dispose()


def test_waiting_indexes_hold_the_statuses_the_lifecycle_says_wait(empty_database_url):
    """The migration writes the partial indexes' condition out; it must stay what
    `lifecycle.waiting_clause()` says (a status added to `AWAITING_OFFICER` needs a
    migration that rebuilds them, or the inbox's default view stops using them)."""
    import re

    from kim_app.threads import lifecycle

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with _db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes "
                                         "WHERE tablename = 'thread'")).all()
            else:
                rows = conn.execute(text("SELECT name, sql FROM sqlite_master "
                                         "WHERE type = 'index' AND tbl_name = 'thread'")).all()
        conditions = {name: sql.split(" WHERE ", 1)[1] for name, sql in rows
                      if name.startswith("ix_thread_waiting_")}
        assert set(conditions) == {index.name for index in lifecycle.WAITING_INDEXES}
        for condition in conditions.values():
            assert set(re.findall(r"'(\w+)'", condition)) == {
                status.value for status in lifecycle.AWAITING_OFFICER}
        _db.engine.dispose()


def test_statistics_rows_are_filled_from_the_threads(empty_database_url):
    """91757cc0136a creates `thread_figure` and `thread_figure_day` and fills them from the
    existing threads: the same rows the app keeps when it writes a thread."""
    from datetime import UTC, date, datetime, timedelta

    from kim_app.models import (
        Category,
        DayFigure,
        Thread,
        ThreadFigure,
        ThreadStatus,
    )

    def rows():
        with _db.engine.connect() as conn:
            figures = sorted(tuple(row) for row in conn.execute(
                _db.select(*ThreadFigure.__table__.c)))
            days = sorted((tuple(row) for row in conn.execute(_db.select(
                *(c for c in DayFigure.__table__.c if c.name != "id")))), key=repr)
        return figures, days

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        session = _db.session
        user = _an_asker_in_gulangpongge(session)
        asked = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)  # already 4 March in Pati
        for number, status in enumerate(ThreadStatus):
            answered = status in (ThreadStatus.DIJAWAB, ThreadStatus.SELESAI)
            session.add(Thread(
                code=f"TNY-25-AAA{number + 2}", author_id=user.id,
                village_code="33.18.17.2003", category_id=session.scalar(
                    _db.select(Category.id)), title="Judul", body="Isi", status=status,
                created_at=asked + timedelta(days=number), verify_due_on=date(2025, 3, 6),
                answer_due_on=date(2025, 3, 17), rating=number % 5 + 1 if answered else None,
                first_response_at=asked + timedelta(hours=number + 1),
                answered_at=asked + timedelta(days=number + 3) if answered else None))
        session.commit()
        kept = rows()
        assert len(kept[0]) == len(ThreadStatus) and kept[1]
        session.remove()
        downgrade(revision="3c6a1f0e9b27")
        upgrade()
        assert rows() == kept
        downgrade(revision="base")
        _db.engine.dispose()
