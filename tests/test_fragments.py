"""Regions of pages kept rendered (common/fragments.py): served again without their
queries, for the same reader only, stale after any committed write, never kept from an
error page."""

import re

import pytest

from kim_app.common import cache, fragments
from kim_app.config import Config
from kim_app.extensions import db as _db
from kim_app.kim import services as kim_services
from kim_app.models import KimStatus, Role, ThreadStatus, Visibility
from kim_app.models.base import utcnow
from tests import business_factories as biz
from tests.conftest import HX, app_with_empty_cache, count_queries, login, make_user
from tests.threads.conftest import advance, new_thread


@pytest.fixture
def kept_app(app_factory):
    yield from app_with_empty_cache(app_factory, FRAGMENT_CACHE_SECONDS=30)


def _answered_thread(asker=None, title="Lampu jalan Desa Sukoharjo mati"):
    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    return advance(new_thread(asker or make_user(name="Bu Asker"), title=title), officer,
                   ThreadStatus.DIJAWAB)


PAGES = ["/", "/tanya/", "/kim/", "/usaha/", "/info/", "/statistik"]
TOKENS = re.compile(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]+')


def _logged_in(app, person):
    """A client logged in as `person`, the "you are logged in" message already shown."""
    client = app.test_client()
    login(client, person)
    client.get("/akun/notifikasi")
    cache.store_for(app).clear()
    return client


def _same_page(response) -> str:
    """The page without its CSRF tokens (signed anew, with the time, on every request)."""
    return TOKENS.sub(r"\1…", response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_kept_page_runs_no_query_and_is_the_same(kept_app, path, htmx):
    _answered_thread()
    person = make_user(name="Sri Warga")
    client = _logged_in(kept_app, person)
    headers = HX if htmx else {}
    first = client.get(path, headers=headers)
    assert first.status_code == 200
    with count_queries(_db.engine) as statements:
        second = client.get(path, headers=headers)
    assert second.status_code == 200
    assert _same_page(second) == _same_page(first)
    # What is left is the person's own: their account and the bell's unread count.
    assert len(statements) <= 2, statements


def test_the_thread_page_is_kept_and_a_reply_shows_at_once(kept_app):
    person = make_user(name="Sri Warga")
    thread = _answered_thread(person)
    client = _logged_in(kept_app, person)
    path = f"/tanya/{thread.code}"
    first = client.get(path)
    assert first.status_code == 200
    with count_queries(_db.engine) as statements:
        assert _same_page(client.get(path)) == _same_page(first)
    assert len(statements) <= 2, statements  # the account and the bell: not the thread

    response = client.post(f"{path}/balas", data={"reply-body": "Di dusun kami juga mati."})
    assert response.status_code in (200, 302, 303)
    assert "Di dusun kami juga mati." in client.get(path).get_data(as_text=True)


def _thread_page():
    thread = _answered_thread()
    return f"/tanya/{thread.code}", thread


def _product_page():
    group = biz.business_group(biz.kim())
    item = biz.product(group, name="Keripik Tempe Renyah", price=17500)
    return f"/usaha/{group.slug}/{item.slug}", item


def _kim_page():
    group = biz.kim()
    return f"/kim/{group.slug}", group


def _hide(item):
    if hasattr(item, "status") and isinstance(item.status, KimStatus):
        item.status = KimStatus.NONAKTIF
    else:
        item.hidden_at = utcnow()
    _db.session.commit()


@pytest.mark.parametrize("page", [_thread_page, _product_page, _kim_page],
                         ids=["thread", "product", "kim"])
def test_a_kept_object_page_is_not_looked_up_until_a_write(kept_app, page):
    """A page kept whole (its name, preview and body) for this reader, with no write since
    to a table it read, shows a thread, product or KIM that was there and is unchanged: a
    guest's second visit runs no query at all. Once the object is hidden (a write), the
    page is looked up again and answers 404."""
    path, item = page()
    guest = kept_app.test_client()
    first = guest.get(path)
    assert first.status_code == 200
    for headers in ({}, HX):
        guest.get(path, headers=headers)
        with count_queries(_db.engine) as statements:
            again = guest.get(path, headers=headers)
        assert again.status_code == 200
        assert statements == []
    again = guest.get(path)
    assert again.get_data() == first.get_data()
    title = re.search(r"<title>(.*?)</title>", again.get_data(as_text=True), re.S).group(1)
    assert title.split(" · ")[0].strip() not in ("", "Portal KIM")
    assert '<meta name="description"' in again.get_data(as_text=True)

    _hide(item)
    assert guest.get(path).status_code == 404


def test_a_write_makes_every_kept_region_stale(kept_app):
    person = make_user(name="Sri Warga")
    client = _logged_in(kept_app, person)
    assert "Jembatan gantung" not in client.get("/tanya/").get_data(as_text=True)
    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    advance(new_thread(make_user(name="Bu Asker"), title="Jembatan gantung Dukuh Krajan putus"),
            officer, ThreadStatus.DIVERIFIKASI)
    assert "Jembatan gantung" in client.get("/tanya/").get_data(as_text=True)


def test_one_readers_region_is_never_anothers(kept_app):
    """The asker sees their own question waiting for verification; another person and a
    guest, asking the same URL after them, must not."""
    asker = make_user(name="Bu Asker")
    new_thread(asker, title="Sumur warga tercemar limbah", visibility=Visibility.PUBLIC)
    mine = _logged_in(kept_app, asker)
    assert "Sumur warga tercemar" in mine.get("/tanya/").get_data(as_text=True)
    assert "Sumur warga tercemar" in mine.get("/tanya/").get_data(as_text=True)

    other = _logged_in(kept_app, make_user(name="Pak Lain"))
    assert "Sumur warga tercemar" not in other.get("/tanya/").get_data(as_text=True)
    guest = kept_app.test_client()
    assert "Sumur warga tercemar" not in guest.get("/tanya/").get_data(as_text=True)
    assert "Bu Asker" not in guest.get("/").get_data(as_text=True)


def test_each_session_has_its_own_regions(kept_app):
    """A region may hold a form whose CSRF token belongs to one session."""
    from flask import session
    from flask_login import login_user

    person = make_user(name="Sri Warga")
    keys = []
    for token in ("token-of-the-phone", "token-of-the-laptop", "token-of-the-phone"):
        with kept_app.test_request_context("/tanya/"):
            session["csrf_token"] = token
            login_user(person)
            keys.append(fragments.key_for("threads.list"))
    assert keys[0] != keys[1] and keys[0] == keys[2]


def test_languages_are_kept_apart(kept_app):
    client = _logged_in(kept_app, make_user(name="Sri Warga"))
    indonesian = client.get("/tanya/").get_data(as_text=True)
    client.set_cookie(kept_app.config["LANGUAGE_COOKIE"], "en")
    person_english = client.post("/bahasa", data={"lang": "en", "next": "/tanya/"})
    assert person_english.status_code == 302
    english = client.get("/tanya/").get_data(as_text=True)
    assert "Ajukan pertanyaan" in indonesian
    assert "Ajukan pertanyaan" not in english


def test_an_error_page_leaves_nothing_kept(kept_app):
    client = _logged_in(kept_app, make_user(name="Sri Warga"))
    path = "/usaha/?setelah=bukan-kursor"
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 400
        assert "tidak dapat dibaca" in response.get_data(as_text=True)


def test_a_post_is_never_answered_from_kept_regions(kept_app):
    asker = make_user(name="Sri Warga")
    thread = _answered_thread(asker)
    client = _logged_in(kept_app, asker)
    client.get(f"/tanya/{thread.code}")
    response = client.post(f"/tanya/{thread.code}/balas", data={"reply-body": ""})
    assert response.status_code == 422
    assert 'id="reply-body-error"' in response.get_data(as_text=True)


def test_kept_pages_still_vary_on_save_data(kept_app):
    from tests import business_factories as bf

    bf.product(bf.business_group(bf.kim()), name="Batik tulis Bakaran", photos=1)
    client = _logged_in(kept_app, make_user(name="Sri Warga"))
    first = client.get("/usaha/")
    second = client.get("/usaha/")
    assert _same_page(second) == _same_page(first)
    assert "Save-Data" in first.headers.get("Vary", "")
    assert "Save-Data" in second.headers.get("Vary", "")
    saving = client.get("/usaha/", headers={"Save-Data": "on"})
    assert saving.get_data() != first.get_data()


def test_without_redis_workers_keep_no_regions(monkeypatch):
    """Workers without a shared cache would not see each other's writes: off by default."""
    monkeypatch.delenv("KIM_FRAGMENT_CACHE_SECONDS", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(Config, "REDIS_URL", None)
    assert Config().FRAGMENT_CACHE_SECONDS == 0
    monkeypatch.setattr(Config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert Config().FRAGMENT_CACHE_SECONDS == 60
    monkeypatch.setenv("KIM_FRAGMENT_CACHE_SECONDS", "0")
    assert Config().FRAGMENT_CACHE_SECONDS == 0


def test_deferred_stands_for_its_value():
    calls = []

    def load(n):
        calls.append(n)
        return [n, n + 1]

    value = fragments.Deferred(load, 4)
    assert calls == []
    assert list(value) == [4, 5] and len(value) == 2 and value[1] == 5 and 4 in value
    assert value == [4, 5] and bool(value)
    assert value.part(0) == 4 and int(value.part(1)) == 5 and str(value.part(0)) == "4"
    assert calls == [4]
    assert fragments.resolved(value) == [4, 5] and fragments.resolved(3) == 3


def test_a_boosted_page_and_an_htmx_fragment_are_kept_apart(kept_app):
    """The /info/ list sent to htmx carries the KIM filter out of band; the same list in a
    boosted (whole) page does not, and must not be served in its place."""
    client = _logged_in(kept_app, make_user(name="Sri Warga"))
    boosted = client.get("/info/", headers={**HX, "HX-Boosted": "true"})
    assert boosted.status_code == 200 and "hx-swap-oob" not in boosted.get_data(as_text=True)
    fragment = client.get("/info/", headers=HX)
    assert "hx-swap-oob" in fragment.get_data(as_text=True)


def test_a_write_during_a_request_leaves_its_regions_stale(kept_app, monkeypatch):
    """Another worker's write lands after this request read the KIM and before it looked
    for the kept page: what it read may be older than that write, so it is kept under the
    table generations the request began with, and rendered afresh on the next request."""
    from tests import business_factories as bf

    group = bf.kim()
    real = kim_services.get_by_slug
    writes = []

    def read_while_someone_writes(*args, **kwargs):
        found = real(*args, **kwargs)
        if not writes:
            writes.append(True)
            cache.bump_tables({"kim_group"})
        return found

    monkeypatch.setattr(kim_services, "get_by_slug", read_while_someone_writes)
    client = _logged_in(kept_app, make_user(name="Sri Warga"))
    client.get(f"/kim/{group.slug}")
    with count_queries(_db.engine) as statements:
        client.get(f"/kim/{group.slug}")
    assert any("membership" in statement for statement in statements)  # rendered again
    with count_queries(_db.engine) as statements:
        client.get(f"/kim/{group.slug}")
    assert not any("membership" in statement for statement in statements)  # now kept
