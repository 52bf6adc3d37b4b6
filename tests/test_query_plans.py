"""Pages are planned once by PostgreSQL, not at every request (kim_app/database.py).

A request that wrote nothing ends its transaction with COMMIT, so psycopg keeps the
connection's prepared statements; LIMIT and OFFSET are written into the statement, so the
generic plan of a page's query is as good as a custom one and PostgreSQL stops planning.
"""

import pytest
from sqlalchemy import select, text

from kim_app.extensions import db
from kim_app.models import Category, Thread


def _needs_postgresql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements and their plans are PostgreSQL's")


def _prepared() -> list[tuple[str, int]]:
    return [(statement, int(generic)) for statement, generic in db.session.execute(text(
        "SELECT statement, generic_plans FROM pg_prepared_statements"))]


def test_the_home_page_is_planned_once_not_at_every_request(app, client):
    _needs_postgresql()
    for _ in range(15):
        assert client.get("/").status_code == 200
    threads = [generic for statement, generic in _prepared()
               if statement.lstrip().startswith("SELECT thread.id")]
    assert threads, "the thread list of the home page is not kept prepared"
    assert max(threads) > 0, "PostgreSQL plans the thread list at every request"


def test_limit_is_written_into_the_statement_on_postgresql(app):
    _needs_postgresql()
    compiled = select(Thread.id).limit(31).offset(60).compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    assert "LIMIT 31 OFFSET 60" in " ".join(str(compiled).split())


def test_a_request_that_wrote_and_did_not_commit_is_rolled_back(app_factory):
    """Only a transaction without writes ends with COMMIT: rows a request flushed and did
    not commit (a failed form) are never kept, on either database."""
    app = app_factory(KIM_TEST_WRITE_ROUTE=True)

    @app.get("/_uji/tulis")
    def write_without_commit():
        db.session.add(Category(name="Sementara", slug="sementara-uji"))
        db.session.flush()
        return "ditulis"

    with app.app_context():
        client = app.test_client()
        assert client.get("/_uji/tulis").get_data(as_text=True) == "ditulis"
        assert db.session.scalar(select(Category).where(Category.slug == "sementara-uji")) is None
