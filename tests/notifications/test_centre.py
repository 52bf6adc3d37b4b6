"""The notification centre: unread first, read marks, choices, the polling bell (issue 6)."""

import re
from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kim_app.models import Notification, NotificationPreference, utcnow
from kim_app.notifications.centre import unread_count
from kim_app.notifications.delivery import notify
from tests.conftest import HX, login, make_user


def add(db, user, text, read=False, minutes_ago=0, link=""):
    notification = Notification(user_id=user.id, kind="thread.answered", text=text, link=link,
                                created_at=utcnow() - timedelta(minutes=minutes_ago),
                                read_at=utcnow() if read else None)
    db.session.add(notification)
    db.session.commit()
    return notification


def test_unread_first_then_newest(client, db, warga):
    add(db, warga, "Lama belum dibaca", minutes_ago=50)
    add(db, warga, "Baru sudah dibaca", read=True, minutes_ago=1)
    add(db, warga, "Baru belum dibaca", minutes_ago=5)
    login(client, warga)
    html = client.get("/akun/notifikasi").get_data(as_text=True)
    order = [html.index(t) for t in ("Baru belum dibaca", "Lama belum dibaca",
                                     "Baru sudah dibaca")]
    assert order == sorted(order)
    assert "2 belum dibaca" in html


def test_mark_one_read_htmx_and_plain(client, db, warga):
    first = add(db, warga, "Pertama")
    second = add(db, warga, "Kedua")
    login(client, warga)
    response = client.post(f"/akun/notifikasi/{first.id}/baca", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "notifications-changed"
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="notification-{first.id}" class="read"' in html
    assert "Tandai dibaca" not in html
    assert unread_count(warga) == 1

    response = client.post(f"/akun/notifikasi/{second.id}/baca",
                           data={"next": "/akun/notifikasi?halaman=1"})
    assert response.status_code == 302 and response.location == "/akun/notifikasi?halaman=1"
    assert unread_count(warga) == 0
    # An outside address in `next` is never followed.
    response = client.post(f"/akun/notifikasi/{second.id}/baca",
                           data={"next": "https://contoh.invalid/"})
    assert response.location == "/akun/notifikasi"


def test_someone_elses_notification_is_not_found(client, db, warga):
    other = make_user()
    theirs = add(db, other, "Milik orang lain")
    login(client, warga)
    assert client.post(f"/akun/notifikasi/{theirs.id}/baca").status_code == 404
    assert client.post(f"/akun/notifikasi/{theirs.id}/baca", headers=HX).status_code == 404
    assert client.post("/akun/notifikasi/999999/baca").status_code == 404
    assert unread_count(other) == 1


def test_mark_all_read(client, db, warga):
    other = make_user()
    for number in range(3):
        add(db, warga, f"Notifikasi {number}")
    add(db, other, "Milik orang lain")
    login(client, warga)
    response = client.post("/akun/notifikasi/baca-semua", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "notifications-changed"
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="notification-centre"')
    assert "Tandai semua dibaca" not in html and "Semua notifikasi sudah ditandai dibaca." in html
    assert unread_count(warga) == 0 and unread_count(other) == 1
    response = client.post("/akun/notifikasi/baca-semua")
    assert response.status_code == 302
    assert "Tidak ada notifikasi yang belum dibaca." in client.get(
        response.location).get_data(as_text=True)


def test_login_required(client, db, warga):
    note = add(db, warga, "Rahasia")
    assert client.get("/akun/notifikasi").status_code == 302
    assert client.post(f"/akun/notifikasi/{note.id}/baca").status_code == 302
    assert client.post("/akun/notifikasi/baca-semua", headers=HX).status_code == 401
    assert unread_count(warga) == 1


def test_pages(client, db, warga, query_counter):
    login(client, warga)

    def count():
        with query_counter() as queries:
            assert client.get("/akun/notifikasi").status_code == 200
        return len(queries)

    add(db, warga, "Satu-satunya")
    small = count()
    for number in range(40):
        add(db, warga, f"Notifikasi nomor {number:02d}", read=number % 2 == 0, minutes_ago=number)
    assert count() == small
    first = client.get("/akun/notifikasi").get_data(as_text=True)
    assert "Lebih lama" in first and "Lebih baru" not in first
    second = client.get("/akun/notifikasi?halaman=2", headers=HX)
    html = second.get_data(as_text=True)
    assert "<html" not in html and "Lebih baru" in html
    assert len(re.findall(r'<li id="notification-', html)) == 41 - 30


def test_unread_counts(app, db, warga):
    assert unread_count(warga) == 0
    with app.test_request_context("/"):
        notify([warga], "thread.answered", _l("Notifikasi"))
        notify(warga, "membership.approved", _l("Notifikasi"))
        db.session.commit()
    assert unread_count(warga) == 2


class TestBell:
    def test_bell_polls_and_is_refreshed_by_events(self, client, warga):
        login(client, warga)
        html = client.get("/").get_data(as_text=True)
        bell = re.search(r'<a id="bell"[^>]*>', html, re.S).group(0)
        assert 'hx-get="/akun/notifikasi/bel"' in bell
        assert 'hx-trigger="every 60s, notifications-changed from:body"' in bell

    def test_unchanged_bell_answers_304(self, client, db, warga):
        login(client, warga)
        add(db, warga, "Satu")
        first = client.get("/akun/notifikasi/bel", headers=HX)
        assert first.status_code == 200
        assert '<span class="bell-count">1</span>' in first.get_data(as_text=True)
        etag = first.headers["ETag"]
        assert "no-cache" in first.headers["Cache-Control"]
        assert "private" in first.headers["Cache-Control"]
        again = client.get("/akun/notifikasi/bel", headers={**HX, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        # A new notification changes the answer ...
        add(db, warga, "Dua")
        changed = client.get("/akun/notifikasi/bel", headers={**HX, "If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
        assert '<span class="bell-count">2</span>' in changed.get_data(as_text=True)
        # ... and so does reading one.
        etag = changed.headers["ETag"]
        client.post("/akun/notifikasi/baca-semua")
        read = client.get("/akun/notifikasi/bel", headers={**HX, "If-None-Match": etag})
        assert read.status_code == 200 and "bell-count" not in read.get_data(as_text=True)

    def test_the_etag_is_per_person(self, app, db, warga):
        other = make_user()
        first, second = app.test_client(), app.test_client()
        login(first, warga)
        login(second, other)
        etag = first.get("/akun/notifikasi/bel").headers["ETag"]
        assert second.get("/akun/notifikasi/bel",
                          headers={"If-None-Match": etag}).status_code == 200

    def test_bell_queries(self, client, db, warga, query_counter):
        login(client, warga)
        for number in range(20):
            add(db, warga, f"N{number}")
        with query_counter() as queries:
            client.get("/akun/notifikasi/bel", headers=HX)
        assert len(queries) <= 2  # the session's user, then count and newest in one

    def test_ended_session_stops_polling(self, client):
        response = client.get("/akun/notifikasi/bel", headers=HX)
        assert response.status_code == 286
        assert response.data == b""


class TestPreferences:
    def test_choices_are_saved_and_respected(self, client, db, warga):
        login(client, warga)
        html = client.get("/akun/notifikasi/pengaturan").get_data(as_text=True)
        assert 'id="in-app-info"' in html and "checked" in html
        assert 'name="email"' not in html  # no SMTP configured: no email column
        response = client.post("/akun/notifikasi/pengaturan",
                               data={"in_app": ["membership", "info", "lainnya", "tidak-dikenal"]})
        assert response.status_code == 302
        stored = {p.category: p.in_app for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == warga.id))}
        assert stored["membership"] is True and stored["thread"] is False
        assert "tidak-dikenal" not in stored
        with client.application.test_request_context("/"):
            assert notify(warga, "thread.answered", _l("Notifikasi")) == []
            assert len(notify(warga, "membership.approved", _l("Notifikasi"))) == 1
            # Unknown areas fall under "other", still on by default.
            assert len(notify(warga, "survey.new", _l("Notifikasi"))) == 1
            db.session.commit()
        assert unread_count(warga) == 2

    def test_guest_is_sent_to_login(self, client):
        assert client.get("/akun/notifikasi/pengaturan").status_code == 302
        assert client.post("/akun/notifikasi/pengaturan").status_code == 302


@pytest.mark.parametrize("path", ["/akun/notifikasi", "/akun/notifikasi/pengaturan"])
def test_pages_render_in_english(client, warga, db, path):
    warga.locale = "en"
    db.session.commit()
    login(client, warga)
    html = client.get(path).get_data(as_text=True)
    assert "Notifications" in html
