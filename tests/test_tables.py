"""Which tables a statement reads or writes (common/tables.py), and what that means for the
kept pages and regions: a write makes stale what read its tables, and only that."""

import pytest

from kim_app.common import cache, tables
from kim_app.extensions import db as _db
from kim_app.models import Notification, Role, ThreadStatus
from tests.conftest import HX, app_with_empty_cache, login, make_user
from tests.threads.conftest import advance, new_thread


@pytest.fixture
def names(app):
    return tables.Tables(_db.metadata, {"fts_thread": "thread"})


def test_a_select_reads_the_tables_it_names_and_no_alias_or_column(names):
    writes, read = names.of(
        "SELECT thread.id, thread.category_id, thread_1.post FROM thread JOIN user_account "
        "AS user_account_1 ON user_account_1.id = thread.author_id JOIN thread AS thread_1 "
        "ON thread_1.id = thread.duplicate_of_id WHERE thread.code = ?")
    assert not writes
    # Neither `category` (in a column's name) nor `post` (a column) nor the aliases.
    assert read == {"thread", "user_account"}


def test_a_write_also_names_what_the_database_changes_with_it(names):
    writes, written = names.of("DELETE FROM thread WHERE thread.id = ?")
    assert writes
    # The thread's statistics row (ON DELETE CASCADE) goes with it.
    assert {"thread", "thread_figure"} <= written
    # A product's permits go with it (CASCADE), its recorded sales keep no product (SET NULL).
    assert {"product", "product_permit", "sale"} <= names.of("DELETE FROM product WHERE id = ?")[1]
    assert names.of('UPDATE "thread" SET title=? WHERE id=?')[1] >= {"thread"}
    assert names.of("SELECT thread.id FROM thread FOR UPDATE")[0] is False


def test_the_full_text_table_counts_as_the_table_it_indexes(names):
    assert names.of("SELECT rowid FROM fts_thread WHERE fts_thread MATCH ?") == (
        False, frozenset({"thread"}))


@pytest.fixture
def cached_app(app_factory):
    yield from app_with_empty_cache(app_factory, RESPONSE_CACHE_SECONDS=30,
                                    FRAGMENT_CACHE_SECONDS=30)


def _answered(title: str):
    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    return advance(new_thread(make_user(name="Bu Asker"), title=title), officer,
                   ThreadStatus.DIJAWAB)


def test_a_write_elsewhere_leaves_a_guests_page_kept_and_one_to_its_tables_does_not(
        cached_app):
    _answered("Lampu jalan Desa Sukoharjo mati")
    person = make_user(name="Sri Warga")
    guest = cached_app.test_client()
    assert guest.get("/tanya/").headers["X-Cache"] == "miss"
    assert guest.get("/tanya/").headers["X-Cache"] == "hit"
    # A notification for someone: the public question list did not read that table.
    _db.session.add(Notification(user_id=person.id, kind="info", text="Halo",
                                 link="/tanya/"))
    _db.session.commit()
    written = cache.generations()
    assert b"notification" in written
    assert guest.get("/tanya/").headers["X-Cache"] == "hit"
    # A new verified question is a write to `thread`, which the list read.
    _answered("Jembatan gantung Dukuh Krajan putus")
    page = guest.get("/tanya/")
    assert page.headers["X-Cache"] == "miss"
    assert "Jembatan gantung" in page.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_kept_region_outlives_a_write_to_a_table_it_did_not_read(cached_app, htmx):
    from tests.conftest import count_queries

    _answered("Lampu jalan Desa Sukoharjo mati")
    person = make_user(name="Sri Warga")
    client = cached_app.test_client()
    login(client, person)
    headers = HX if htmx else {}
    client.get("/tanya/", headers=headers)
    other = make_user(name="Pak Lain")  # a write to user_account: the list read it too
    client.get("/tanya/", headers=headers)
    _db.session.add(Notification(user_id=other.id, kind="info", text="Halo", link="/"))
    _db.session.commit()
    with count_queries(_db.engine) as statements:
        page = client.get("/tanya/", headers=headers)
    assert page.status_code == 200 and "Lampu jalan" in page.get_data(as_text=True)
    assert not any("FROM thread" in statement for statement in statements), statements
    _answered("Jembatan gantung Dukuh Krajan putus")
    assert "Jembatan gantung" in client.get("/tanya/", headers=headers).get_data(as_text=True)
