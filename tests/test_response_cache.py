"""Guests' pages: no session cookie, served from the shared response cache, made stale by
any committed write."""

import pytest

from kim_app.common import cache
from kim_app.extensions import db as _db
from kim_app.models import Role, ThreadStatus
from tests.conftest import HX, app_with_empty_cache, count_queries, login, make_user
from tests.threads.conftest import new_thread


@pytest.fixture
def cached_app(app_factory):
    yield from app_with_empty_cache(app_factory, RESPONSE_CACHE_SECONDS=30)


def test_guest_home_sets_no_cookie_and_comes_from_the_cache(cached_app):
    client = cached_app.test_client()
    first = client.get("/")
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    assert first.headers["X-Cache"] == "miss"
    assert first.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    with count_queries(_db.engine) as statements:
        second = client.get("/")
    assert second.headers["X-Cache"] == "hit"
    assert statements == []
    assert second.get_data() == first.get_data()
    assert "Set-Cookie" not in second.headers


@pytest.mark.parametrize("path", ["/kim/", "/tanya/", "/usaha/", "/info/", "/statistik"])
def test_public_pages_are_cached_for_guests(cached_app, path):
    client = cached_app.test_client()
    first = client.get(path, follow_redirects=True)
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert client.get(path, follow_redirects=True).headers["X-Cache"] == "hit"


def test_guest_kim_and_thread_pages_make_no_session(cached_app):
    """Pages with forms for members (join, reply) build no form, so no token, for guests."""
    from tests import business_factories as bf
    from tests.threads.conftest import advance

    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    thread = advance(new_thread(make_user(name="Bu Asker")), officer, ThreadStatus.DIJAWAB)
    client = cached_app.test_client()
    for path in (f"/kim/{bf.kim().slug}", f"/tanya/{thread.code}"):
        first = client.get(path)
        assert first.status_code == 200 and "Set-Cookie" not in first.headers, path
        assert "X-CSRFToken" not in first.get_data(as_text=True)
        assert client.get(path).headers["X-Cache"] == "hit"


def test_the_fragment_and_the_page_are_kept_apart(cached_app):
    client = cached_app.test_client()
    page = client.get("/tanya/").get_data(as_text=True)
    fragment = client.get("/tanya/", headers=HX)
    assert fragment.headers["X-Cache"] == "miss"
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "<html" in page and "<html" not in fragment.get_data(as_text=True)
    assert client.get("/tanya/", headers=HX).headers["X-Cache"] == "hit"


def test_a_verified_thread_shows_on_the_list_at_once(cached_app):
    asker = make_user(name="Bu Asker")
    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    thread = new_thread(asker, title="Jembatan gantung Dukuh Krajan putus")
    code = thread.code
    guest = cached_app.test_client()
    # Unverified, the question is either left out or shown as new.
    assert "status-diverifikasi" not in guest.get("/tanya/").get_data(as_text=True)
    assert guest.get("/tanya/").headers["X-Cache"] == "hit"

    staff = cached_app.test_client()
    login(staff, officer)
    assert staff.post(f"/tanya/{code}/verifikasi", data={"verify-note": "Jelas"}).status_code == 302

    after = guest.get("/tanya/")
    assert after.headers["X-Cache"] == "miss"
    html = after.get_data(as_text=True)
    assert "Jembatan gantung" in html and "status-diverifikasi" in html


def test_logged_in_pages_and_form_sessions_bypass_the_cache(cached_app):
    person = make_user(name="Sri Warga")
    client = cached_app.test_client()
    client.get("/")
    login(client, person)
    response = client.get("/")
    assert "X-Cache" not in response.headers
    assert "Sri Warga" in response.get_data(as_text=True)
    assert "public" not in response.headers.get("Cache-Control", "")

    guest = cached_app.test_client()
    guest.get("/")
    guest.get("/auth/masuk")  # opening a form may start a session
    if guest.get_cookie(cached_app.config["SESSION_COOKIE_NAME"]):
        assert "X-Cache" not in guest.get("/").headers


def test_guest_language_switch_uses_its_own_cookie(cached_app):
    client = cached_app.test_client()
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
    response = client.get("/bahasa?lang=en&next=/")
    assert response.status_code == 302 and response.location == "/"
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("kim_lang=en;")
    english = client.get("/")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert english.headers["X-Cache"] == "miss"  # a language has pages of its own
    assert "Set-Cookie" not in english.headers
    assert '<html lang="id">' in cached_app.test_client().get("/").get_data(as_text=True)


def test_guest_language_switch_refuses_unknown_and_offsite(cached_app):
    response = cached_app.test_client().get("/bahasa?lang=xx&next=https://evil.example")
    assert response.location == "/"
    assert "Set-Cookie" not in response.headers


def test_the_redis_store_keeps_and_expires(cached_app, monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at localhost:6379")
    store = cache.RedisStore("redis://127.0.0.1:6379/0", 0.2)
    monkeypatch.setitem(cached_app.extensions, "kim_cache", store)
    store.clear()
    client = cached_app.test_client()
    assert client.get("/").headers["X-Cache"] == "miss"
    assert client.get("/").headers["X-Cache"] == "hit"
    cache.bump_tables({"thread"})  # a write in this process: its own copies end at once
    assert client.get("/").headers["X-Cache"] == "miss"
    assert client.get("/").headers["X-Cache"] == "hit"
    assert client.get("/").headers["X-Cache"] == "hit"  # from this process's copy
    # Another process's write reaches this one's copies when they expire (a second).
    store.incr_counters(cache.cache_key(cache.TABLES), ["thread"])
    assert client.get("/").headers["X-Cache"] == "hit"
    from kim_app import response_cache

    monkeypatch.setattr(response_cache, "LOCAL_SECONDS", 0)
    cached_app.wsgi_app._local.clear()
    assert client.get("/").headers["X-Cache"] == "miss"
    store.clear()


def test_a_page_kept_by_an_older_release_is_a_miss(cached_app):
    """Entries written before the table generations (a whole-site counter) are stale, not
    an error, after an upgrade."""
    import json

    client = cached_app.test_client()
    assert client.get("/").headers["X-Cache"] == "miss"
    store = cache.store_for(cached_app)
    [key] = [key for key in store._entries if ":page:" in key]
    old = json.dumps({"generation": "0", "status": "200 OK", "headers": []}).encode()
    store.set(key, old + b"\nlama", 30)
    again = client.get("/")
    assert again.status_code == 200 and again.headers["X-Cache"] == "miss"
    assert client.get("/").headers["X-Cache"] == "hit"


def test_an_unreachable_redis_is_a_miss_not_an_error(cached_app, monkeypatch):
    store = cache.RedisStore("redis://127.0.0.1:1/0", 0.05)
    monkeypatch.setitem(cached_app.extensions, "kim_cache", store)
    client = cached_app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/").headers["X-Cache"] == "miss"


def test_data_saver_pages_are_kept_apart(cached_app):
    from tests import business_factories as bf

    group = bf.business_group(bf.kim())
    item = bf.product(group, photos=1)
    path = f"/usaha/{group.slug}/{item.slug}"
    guest = cached_app.test_client()
    assert 'class="photo-tap"' not in guest.get(path).get_data(as_text=True)
    saver = guest.get(path, headers={"Save-Data": "on"})
    assert saver.headers["X-Cache"] == "miss"
    assert 'class="photo-tap"' in saver.get_data(as_text=True)
    assert guest.get(path, headers={"Save-Data": "on"}).headers["X-Cache"] == "hit"
    plain = guest.get(path, headers={"Save-Data": "off"})
    assert plain.headers["X-Cache"] == "hit" and 'class="photo-tap"' not in plain.get_data(
        as_text=True)
