"""`/tanya/<code>`: posts, due dates, replies by htmx append, follow, query counts."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kim_app.models import Notification, Post, PostKind, ThreadFollow, ThreadStatus, utcnow
from tests.conftest import HX, field_error, login
from tests.threads.conftest import advance, new_thread


def test_thread_page_full_and_fragment(client, db, asker):
    thread = new_thread(asker)
    login(client, asker)  # a new question: its asker sees it, with the verification date
    page = client.get(f"/tanya/{thread.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert "Posyandu tutup sejak bulan lalu" in html and "Sumarni Penanya" in html
    assert "Batas verifikasi:" in html
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get(f"/tanya/{thread.code}", headers=HX)
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="thread"') and "<html" not in html
    # A code typed in lower case finds the thread (read aloud, typed on a phone).
    response = client.get(f"/tanya/{thread.code.lower()}")
    assert response.status_code == 301 and response.location.endswith(thread.code)


def test_overdue_is_marked(client, db, asker):
    thread = new_thread(asker)
    thread.verify_due_on = date.today() - timedelta(days=2)
    db.session.commit()
    login(client, asker)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "badge-overdue" in html and "Terlambat" in html


def test_answered_thread_shows_no_due_date(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, ThreadStatus.DIJAWAB)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Batas" not in html and "Jawaban resmi" in html


def test_asker_replies_by_htmx_append(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, ThreadStatus.DIPROSES)
    login(client, asker)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert 'hx-target="#posts" hx-swap="beforeend"' in html
    response = client.post(f"/tanya/{thread.code}/balas",
                           data={"reply-body": "Masih tutup sampai hari ini."}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<li id="post-')
    assert "Masih tutup sampai hari ini." in html
    assert '<form id="reply-form"' in html and 'hx-swap-oob="true"' in html
    assert "<html" not in html
    post = db.session.scalar(select(Post).where(Post.kind == PostKind.REPLY))
    assert post.author_id == asker.id
    # The assigned officer hears about it.
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == petugas.id)) == 1


def test_reply_without_js_redirects_to_the_post(client, db, asker):
    thread = new_thread(asker)
    login(client, asker)
    response = client.post(f"/tanya/{thread.code}/balas", data={"reply-body": "Tambahan info."})
    post = db.session.scalar(select(Post))
    assert response.status_code == 302
    assert response.location == f"/tanya/{thread.code}#post-{post.id}"


def test_empty_reply_is_retargeted_to_the_form(client, db, asker):
    thread = new_thread(asker)
    login(client, asker)
    response = client.post(f"/tanya/{thread.code}/balas", data={"reply-body": "  "}, headers=HX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form"
    html = response.get_data(as_text=True)
    assert field_error(html, "reply-body") == "Balasan tidak boleh kosong."
    response = client.post(f"/tanya/{thread.code}/balas", data={"reply-body": "y" * 5001})
    assert response.status_code == 422
    assert "y" * 5001 in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


@pytest.mark.parametrize("role, expected", [("guest", 302), ("other", 403), ("asker", 302),
                                            ("petugas", 302)])
def test_who_may_reply(client, db, asker, other, petugas, role, expected):
    thread = new_thread(asker, verified=True)
    people = {"other": other, "asker": asker, "petugas": petugas}
    if role != "guest":
        login(client, people[role])
    response = client.post(f"/tanya/{thread.code}/balas", data={"reply-body": "Balasan"})
    assert response.status_code == expected
    if role == "guest":
        assert "/auth/masuk" in response.location
    count = db.session.scalar(select(func.count()).select_from(Post))
    assert count == (1 if role in ("asker", "petugas") else 0)


@pytest.mark.parametrize("status", [ThreadStatus.SELESAI, ThreadStatus.DITOLAK])
def test_closed_threads_take_no_replies(client, db, asker, petugas, status):
    thread = advance(new_thread(asker), petugas, status)
    login(client, asker)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert 'id="reply-form"' not in html
    response = client.post(f"/tanya/{thread.code}/balas", data={"reply-body": "Halo lagi"},
                           headers=HX)
    assert response.status_code == 409
    assert "sudah ditutup" in response.get_data(as_text=True)


def test_replies_are_rate_limited_per_account(app, client, db, asker):
    app.config["REPLY_LIMIT_PER_ACCOUNT"] = "2 per minute"
    thread = new_thread(asker)
    login(client, asker)
    for number in range(2):
        client.post(f"/tanya/{thread.code}/balas", data={"reply-body": f"Balasan {number}"},
                    headers=HX)
    response = client.post(f"/tanya/{thread.code}/balas",
                           data={"reply-body": "Balasan ketiga yang tertahan"}, headers=HX)
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#reply-form"
    assert "Balasan ketiga yang tertahan" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2


def test_follow_and_unfollow(client, db, asker, other):
    thread = new_thread(asker, verified=True)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert 'id="follow"' not in html  # guests are offered a login instead
    login(client, other)
    response = client.post(f"/tanya/{thread.code}/ikuti", data={"follow": "1"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<form id="follow"')
    assert "Berhenti mengikuti" in html and "1 pengikut" in html
    client.post(f"/tanya/{thread.code}/ikuti", data={"follow": "1"}, headers=HX)  # double click
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow)) == 1
    response = client.post(f"/tanya/{thread.code}/ikuti", data={"follow": "0"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow)) == 0
    assert "Anda berhenti mengikuti" in client.get(response.location).get_data(as_text=True)


def test_follow_needs_login(client, db, asker):
    thread = new_thread(asker)
    response = client.post(f"/tanya/{thread.code}/ikuti", data={"follow": "1"}, headers=HX)
    assert response.status_code == 401 and "HX-Redirect" in response.headers


def add_posts(db, thread, author, count):
    now = utcnow()
    for number in range(count):
        db.session.add(Post(thread_id=thread.id, author_id=author.id, kind=PostKind.REPLY,
                            body=f"Balasan nomor {number}", created_at=now))
    db.session.commit()


@pytest.mark.parametrize("viewer", ["guest", "asker", "petugas"])
def test_thread_page_queries_do_not_grow_with_posts(client, db, asker, petugas, other,
                                                    query_counter, viewer):
    thread = advance(new_thread(asker), petugas, ThreadStatus.DIJAWAB)
    # More than the posts shown already: a thread shown whole reads its answer from them.
    add_posts(db, thread, other, 60)
    if viewer != "guest":
        login(client, asker if viewer == "asker" else petugas)
    with query_counter() as few:
        assert client.get(f"/tanya/{thread.code}").status_code == 200
    add_posts(db, thread, petugas, 190)
    with query_counter() as many:
        html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Balasan nomor 189" in html
    assert len(many) == len(few), (len(few), len(many))
