"""The thread lifecycle over HTTP: every step, every illegal transition, every role."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kim_app.common.workdays import add_working_days, local_date
from kim_app.models import (
    AuditEvent,
    Notification,
    Post,
    PostKind,
    RejectReason,
    Role,
    ThreadFollow,
    ThreadStatus,
    utcnow,
)
from kim_app.threads import lifecycle
from tests.conftest import HX, login, make_user
from tests.threads.conftest import advance, agency, new_thread

S = ThreadStatus


def status_posts(db, thread):
    return list(db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.kind == PostKind.STATUS_CHANGE)
        .order_by(Post.id)))


def action_data(action, thread=None, officer=None):
    """Valid form data for each action endpoint."""
    return {
        "verifikasi": {"verify-note": "Jelas"},
        "tolak": {"reject-reason": "spam", "reject-note": "Iklan"},
        "tugaskan": {"assign-agency": str(agency().id),
                     "assign-assignee": str(officer.id) if officer else ""},
        "jawab": {"answer-body": "Jawaban resmi dari dinas."},
        "selesai": {"close-rating": "4", "close-comment": "Cukup jelas"},
        "buka-kembali": {"reopen-reason": "Belum terjawab"},
        "catatan": {"note-body": "Sudah ditelepon."},
        "nilai": {"rate-rating": "5"},
    }[action]


def test_whole_lifecycle_over_http(client, db, asker, petugas):
    thread = new_thread(asker)
    code = thread.code
    today = local_date(utcnow())
    assert thread.status == S.BARU
    assert thread.verify_due_on == add_working_days(today, 3)

    login(client, petugas)
    response = client.post(f"/tanya/{code}/verifikasi", data={"verify-note": "Jelas, diteruskan"})
    assert response.status_code == 302 and response.location == f"/tanya/{code}"
    db.session.refresh(thread)
    assert thread.status == S.DIVERIFIKASI
    assert thread.verified_at is not None and thread.first_response_at is not None
    assert thread.answer_due_on == add_working_days(today, 10)

    response = client.post(f"/tanya/{code}/tugaskan",
                           data={"assign-agency": agency().id, "assign-assignee": petugas.id,
                                 "assign-note": "Mohon ditindaklanjuti"})
    assert response.status_code == 302
    db.session.refresh(thread)
    assert (thread.status, thread.agency_id, thread.assignee_id) == (
        S.DIPROSES, agency().id, petugas.id)

    client.post(f"/tanya/{code}/catatan", data={"note-body": "Koordinasi dengan puskesmas"})
    response = client.post(f"/tanya/{code}/jawab",
                           data={"answer-body": "Posyandu buka lagi **Senin**."})
    assert response.status_code == 302
    db.session.refresh(thread)
    assert thread.status == S.DIJAWAB and thread.answered_at is not None

    client.post("/auth/keluar")
    login(client, asker)
    html = client.get(f"/tanya/{code}").get_data(as_text=True)
    assert 'id="official-answer"' in html
    assert "Posyandu buka lagi <strong>Senin</strong>." in html
    assert "Dinas Kesehatan" in html
    assert "Koordinasi dengan puskesmas" not in html  # internal note hidden from the asker
    response = client.post(f"/tanya/{code}/selesai",
                           data={"close-rating": "5", "close-comment": "Terima kasih"})
    assert response.status_code == 302
    db.session.refresh(thread)
    assert thread.status == S.SELESAI and thread.closed_at is not None
    assert (thread.rating, thread.rating_comment) == (5, "Terima kasih")

    history = [(p.from_status, p.to_status) for p in status_posts(db, thread)]
    assert history == [(S.BARU, S.DIVERIFIKASI), (S.DIVERIFIKASI, S.DIPROSES),
                       (S.DIPROSES, S.DIJAWAB), (S.DIJAWAB, S.SELESAI)]
    posts = status_posts(db, thread)
    assert [p.author_id for p in posts] == [petugas.id, petugas.id, petugas.id, asker.id]
    assert posts[0].reason == "Jelas, diteruskan"
    assert posts[1].reason == "Mohon ditindaklanjuti"
    events = set(db.session.scalars(select(AuditEvent.action)))
    assert {"thread.diverifikasi", "thread.diproses", "thread.dijawab", "thread.selesai"} <= events
    html = client.get(f"/tanya/{code}").get_data(as_text=True)
    assert "mengubah status dari \u201cDijawab\u201d menjadi \u201cSelesai\u201d" in html
    assert "5/5" in html


def test_actions_over_htmx_answer_the_thread_fragment(client, db, asker, petugas):
    thread = new_thread(asker)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/verifikasi", data={}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith("<div id=\"thread\"")
    assert 'id="thread-status">Diverifikasi<' in html
    assert "diverifikasi" in html  # the flash travels out of band
    assert 'id="flash" hx-swap-oob' in html


def test_reject_as_duplicate_links_the_original_and_tells_the_asker(client, db, asker, other,
                                                                    petugas):
    original = new_thread(other, title="Posyandu tutup, mohon dibuka")
    duplicate = new_thread(asker)
    # A follower who may not see a rejected question is not told about it (it would link
    # to a page that answers 404); the asker is.
    db.session.add(ThreadFollow(user_id=other.id, thread_id=duplicate.id))
    db.session.commit()
    login(client, petugas)
    response = client.post(f"/tanya/{duplicate.code}/tolak",
                           data={"reject-reason": "duplikat",
                                 "reject-duplicate_code": original.code.lower()})
    assert response.status_code == 302
    db.session.refresh(duplicate)
    assert duplicate.status == S.DITOLAK
    assert duplicate.reject_reason == RejectReason.DUPLIKAT
    assert duplicate.duplicate_of_id == original.id
    client.post("/auth/keluar")
    assert client.get(f"/tanya/{duplicate.code}").status_code == 404
    login(client, asker)
    html = client.get(f"/tanya/{duplicate.code}").get_data(as_text=True)
    assert f'href="/tanya/{original.code}"' in html
    assert "Duplikat pertanyaan lain" in html
    texts = set(db.session.scalars(select(Notification.text).where(
        Notification.user_id == asker.id)))
    assert any(duplicate.code in t and "Ditolak" in t for t in texts)
    assert not [t for t in db.session.scalars(select(Notification.text).where(
        Notification.user_id == other.id)) if duplicate.code in t]


@pytest.mark.parametrize("data, field", [
    ({"reject-reason": "duplikat"}, "reject-duplicate_code"),
    ({"reject-reason": "duplikat", "reject-duplicate_code": "TNY-26-ZZZZ"},
     "reject-duplicate_code"),
    ({}, "reject-reason"),
])
def test_reject_needs_a_reason_and_a_real_original(client, db, asker, petugas, data, field):
    thread = new_thread(asker)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/tolak", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    db.session.refresh(thread)
    assert thread.status == S.BARU


def test_a_thread_cannot_duplicate_itself(client, db, asker, petugas):
    thread = new_thread(asker)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/tolak", headers=HX, data={
        "reject-reason": "duplikat", "reject-duplicate_code": thread.code})
    assert response.status_code == 422
    assert "dirinya sendiri" in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.status == S.BARU


# Every action against every status: the table of legal moves, and refusals for the rest.
ACTION_FROM = {
    "verifikasi": {S.BARU},
    "tolak": {S.BARU},
    "tugaskan": {S.DIVERIFIKASI, S.DIPROSES},
    "jawab": {S.DIPROSES},
    "buka-kembali": {S.DIJAWAB, S.SELESAI},
}


@pytest.mark.parametrize("action", sorted(ACTION_FROM))
@pytest.mark.parametrize("status", list(S))
def test_officer_transition_table(client, db, asker, petugas, action, status):
    thread = advance(new_thread(asker), petugas, status)
    posts_before = len(status_posts(db, thread))
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/{action}",
                           data=action_data(action, officer=petugas), headers=HX)
    db.session.refresh(thread)
    if status in ACTION_FROM[action]:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert len(status_posts(db, thread)) == posts_before + 1
    else:
        assert response.status_code == 409
        assert response.headers["HX-Retarget"] == "#flash"
        assert "tidak bisa dilakukan" in response.get_data(as_text=True)
        assert thread.status == status
        assert len(status_posts(db, thread)) == posts_before


@pytest.mark.parametrize("status", [s for s in S if s != S.DIJAWAB])
def test_asker_cannot_close_outside_dijawab(client, db, asker, petugas, status):
    thread = advance(new_thread(asker), petugas, status)
    login(client, asker)
    response = client.post(f"/tanya/{thread.code}/selesai", data={})
    assert response.status_code == 302
    db.session.refresh(thread)
    assert thread.status == status
    assert "tidak bisa dilakukan" in client.get(f"/tanya/{thread.code}").get_data(as_text=True)


def test_illegal_transition_without_htmx_redirects_with_a_message(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.SELESAI)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/verifikasi", data={}, follow_redirects=True)
    assert response.status_code == 200
    assert "tidak bisa dilakukan pada pertanyaan berstatus \u201cSelesai\u201d" in (
        response.get_data(as_text=True))


# Who may do what: guest → login, warga (not the asker) → 403 (404 while the question is
# new: it is not public before verification), asker → 403 on officer steps, officers and
# admins → allowed.
OFFICER_ACTIONS = [("verifikasi", S.BARU), ("tolak", S.BARU), ("tugaskan", S.DIVERIFIKASI),
                   ("jawab", S.DIPROSES), ("catatan", S.BARU)]


@pytest.mark.parametrize("action, status", OFFICER_ACTIONS)
@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("other", 403), ("asker", 403), ("petugas", 200), ("admin", 200),
])
def test_roles_on_officer_actions(client, db, asker, other, petugas, admin, action, status,
                                  role, expected):
    thread = advance(new_thread(asker), petugas, status)
    people = {"other": other, "asker": asker, "petugas": petugas, "admin": admin}
    if role != "guest":
        login(client, people[role])
    response = client.post(f"/tanya/{thread.code}/{action}",
                           data=action_data(action, officer=petugas), headers=HX)
    if role == "guest":
        assert response.status_code == 401
        assert response.headers["HX-Redirect"].startswith("/auth/masuk")
    else:
        if role == "other" and status == S.BARU:
            expected = 404
        assert response.status_code == expected, response.get_data(as_text=True)
    db.session.refresh(thread)
    notes = db.session.scalar(select(func.count()).select_from(Post).where(
        Post.thread_id == thread.id, Post.kind == PostKind.INTERNAL_NOTE))
    assert (thread.status != status or notes == 1) == (expected == 200)


@pytest.mark.parametrize("action, status", [("selesai", S.DIJAWAB), ("buka-kembali", S.DIJAWAB),
                                            ("nilai", S.SELESAI)])
@pytest.mark.parametrize("role, expected", [("other", 403), ("asker", 302)])
def test_roles_on_asker_actions(client, db, asker, other, petugas, action, status, role,
                                expected):
    thread = advance(new_thread(asker), petugas, status)
    login(client, asker if role == "asker" else other)
    response = client.post(f"/tanya/{thread.code}/{action}", data=action_data(action))
    assert response.status_code == expected
    db.session.refresh(thread)
    if role == "other":
        assert thread.status == status and thread.rating in (None, 5)


def test_officer_cannot_close_for_the_asker(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIJAWAB)
    login(client, petugas)
    assert client.post(f"/tanya/{thread.code}/selesai", data={}).status_code == 403


def test_assign_checks_agency_and_officer(client, db, asker, petugas, other):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/tugaskan", data={"assign-agency": "99999"})
    assert response.status_code == 422
    assert 'id="assign-agency-error"' in response.get_data(as_text=True)
    response = client.post(f"/tanya/{thread.code}/tugaskan",
                           data={"assign-agency": agency().id, "assign-assignee": other.id})
    assert response.status_code == 422
    assert 'id="assign-assignee-error"' in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.status == S.DIVERIFIKASI


def test_reassigning_while_diproses_is_a_recorded_disposition(client, db, asker, petugas,
                                                              officer2):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/tugaskan", data={
        "assign-agency": agency("rsud-soewondo").id, "assign-assignee": officer2.id,
        "assign-note": "Lebih tepat ke RSUD"})
    assert response.status_code == 302
    db.session.refresh(thread)
    assert thread.agency.slug == "rsud-soewondo" and thread.assignee_id == officer2.id
    last = status_posts(db, thread)[-1]
    assert (last.from_status, last.to_status, last.reason) == (S.DIPROSES, S.DIPROSES,
                                                               "Lebih tepat ke RSUD")
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == officer2.id, Notification.kind == "thread_assigned")) == 1


def test_empty_answer_comes_back_with_the_error(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/jawab", data={"answer-body": "  "},
                           headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="answer-body-error"' in html and "<html" not in html
    response = client.post(f"/tanya/{thread.code}/jawab", data={"answer-body": "x" * 5001})
    assert response.status_code == 422
    assert "x" * 5001 in response.get_data(as_text=True)  # the text is kept


def test_internal_notes_are_for_officers_only(client, db, asker, other, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    lifecycle.add_note(thread, petugas, "Nomor HP kader: rahasia")
    db.session.commit()
    for viewer in (None, asker, other):
        client.post("/auth/keluar")
        if viewer:
            login(client, viewer)
        assert "rahasia" not in client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    client.post("/auth/keluar")
    login(client, petugas)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Nomor HP kader: rahasia" in html and "Catatan internal (hanya petugas)" in html


def test_notifications_go_to_asker_and_followers_not_the_actor(client, db, asker, other,
                                                               petugas):
    thread = new_thread(asker)
    db.session.add(ThreadFollow(user_id=other.id, thread_id=thread.id))
    db.session.commit()
    login(client, petugas)
    client.post(f"/tanya/{thread.code}/verifikasi", data={})
    client.post(f"/tanya/{thread.code}/tugaskan",
                data={"assign-agency": agency().id, "assign-assignee": petugas.id})
    client.post(f"/tanya/{thread.code}/jawab", data={"answer-body": "Sudah dijawab."})

    def texts(user):
        return list(db.session.scalars(select(Notification.text).where(
            Notification.user_id == user.id).order_by(Notification.id)))

    for person in (asker, other):
        received = texts(person)
        assert len(received) == 3
        assert all(thread.code in text for text in received)
        assert "Dijawab" in received[-1]
    assert texts(petugas) == []  # the actor is not told about their own step
    link = db.session.scalar(select(Notification.link).where(Notification.user_id == asker.id))
    assert link == f"/tanya/{thread.code}"


def test_asker_reopens_once_within_the_window(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIJAWAB)
    login(client, asker)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Buka kembali" in html
    response = client.post(f"/tanya/{thread.code}/buka-kembali", data={"reopen-reason": ""})
    assert response.status_code == 422
    assert 'id="reopen-reason-error"' in response.get_data(as_text=True)
    response = client.post(f"/tanya/{thread.code}/buka-kembali",
                           data={"reopen-reason": "Posyandu masih tutup"})
    assert response.status_code == 302
    db.session.refresh(thread)
    assert (thread.status, thread.reopen_count) == (S.DIPROSES, 1)
    assert status_posts(db, thread)[-1].reason == "Posyandu masih tutup"
    lifecycle.answer(thread, petugas, "Jawaban kedua.")
    db.session.commit()
    response = client.post(f"/tanya/{thread.code}/buka-kembali",
                           data={"reopen-reason": "Lagi"}, follow_redirects=True)
    assert "hanya bisa dibuka kembali satu kali" in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.status == S.DIJAWAB


def test_asker_cannot_reopen_after_the_window_or_once_closed(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIJAWAB)
    thread.answered_at = utcnow() - timedelta(days=15)
    db.session.commit()
    login(client, asker)
    assert "Buka kembali" not in client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    response = client.post(f"/tanya/{thread.code}/buka-kembali",
                           data={"reopen-reason": "Terlambat"}, follow_redirects=True)
    assert "Batas waktu" in response.get_data(as_text=True)
    closed = advance(new_thread(asker, title="Pertanyaan kedua yang sudah selesai"), petugas,
                     S.SELESAI)
    response = client.post(f"/tanya/{closed.code}/buka-kembali",
                           data={"reopen-reason": "Ternyata belum"}, follow_redirects=True)
    assert "sudah selesai tidak bisa dibuka kembali" in response.get_data(as_text=True)
    db.session.refresh(closed)
    assert closed.status == S.SELESAI


def test_officer_reopens_a_closed_thread(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.SELESAI)
    login(client, petugas)
    client.post(f"/tanya/{thread.code}/buka-kembali", data={"reopen-reason": "Data keliru"})
    db.session.refresh(thread)
    assert thread.status == S.DIPROSES and thread.closed_at is None


def test_rating_rules(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIJAWAB)
    login(client, asker)
    response = client.post(f"/tanya/{thread.code}/selesai", data={"close-rating": "9"})
    assert response.status_code == 422
    db.session.refresh(thread)
    assert thread.status == S.DIJAWAB
    client.post(f"/tanya/{thread.code}/selesai", data={})  # closing without a rating is fine
    db.session.refresh(thread)
    assert thread.status == S.SELESAI and thread.rating is None
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Nilai jawaban" in html
    response = client.post(f"/tanya/{thread.code}/nilai", data={}, headers=HX)
    assert response.status_code == 422
    assert 'id="rate-rating-error"' in response.get_data(as_text=True)
    response = client.post(f"/tanya/{thread.code}/nilai",
                           data={"rate-rating": "3", "rate-comment": "Lambat"}, headers=HX)
    assert response.status_code == 200
    db.session.refresh(thread)
    assert (thread.rating, thread.rating_comment) == (3, "Lambat")
    assert thread.rated_at is not None


def test_rejected_thread_cannot_be_rated(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DITOLAK)
    login(client, asker)
    response = client.post(f"/tanya/{thread.code}/nilai", data={"rate-rating": "1"},
                           follow_redirects=True)
    assert "setelah pertanyaan selesai" in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.rating is None


def test_unknown_thread_is_404_for_every_action(client, petugas):
    login(client, petugas)
    for action in ("verifikasi", "tolak", "tugaskan", "jawab", "catatan", "selesai", "nilai",
                   "buka-kembali", "balas", "ikuti"):
        assert client.post(f"/tanya/TNY-26-ZZZZ/{action}", data={}).status_code == 404
    assert client.get("/tanya/TNY-26-ZZZZ").status_code == 404
    assert client.get("/tanya/bukan-kode").status_code == 404


def test_close_stale_is_idempotent(app, db, runner, asker, petugas):
    stale = advance(new_thread(asker), petugas, S.DIJAWAB)
    fresh = advance(new_thread(asker, title="Pertanyaan yang baru dijawab"), petugas, S.DIJAWAB)
    active = advance(new_thread(asker, title="Dijawab lama tapi masih dibalas"), petugas,
                     S.DIJAWAB)
    long_ago = utcnow() - timedelta(days=15)
    stale.answered_at = stale.last_activity_at = long_ago
    active.answered_at = long_ago
    db.session.commit()
    result = runner.invoke(args=["close-stale"])
    assert result.exit_code == 0 and "1 thread(s) closed" in result.output
    for thread in (stale, fresh, active):
        db.session.refresh(thread)
    assert stale.status == S.SELESAI and stale.closed_at is not None
    assert fresh.status == S.DIJAWAB and active.status == S.DIJAWAB
    last = status_posts(db, stale)[-1]
    assert last.author_id is None and last.to_status == S.SELESAI
    assert "0 thread(s) closed" in runner.invoke(args=["close-stale"]).output
    assert len(status_posts(db, stale)) == 4
    text = db.session.scalars(select(Notification.text).where(
        Notification.user_id == asker.id).order_by(Notification.id.desc())).first()
    assert stale.code in text and "Selesai" in text
    html = app.test_client().get(f"/tanya/{stale.code}").get_data(as_text=True)
    assert "Ditutup otomatis" in html


def test_officers_are_told_of_threads_assigned_to_them(db, asker, petugas, officer2):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    from flask import current_app

    with current_app.test_request_context():
        lifecycle.assign(thread, petugas, agency(), officer2)
    db.session.commit()
    note = db.session.scalar(select(Notification).where(Notification.user_id == officer2.id))
    assert thread.code in note.text and "Dinkes" in note.text


def test_first_response_is_the_first_officer_step(db, asker, petugas):
    thread = new_thread(asker)
    assert thread.first_response_at is None
    lifecycle.add_note(thread, petugas, "Catatan")
    assert thread.first_response_at is None  # internal notes are not seen by the asker
    lifecycle.reply(thread, petugas, "Kami cek dulu.")
    assert thread.first_response_at is not None


def test_a_warga_account_cannot_be_assigned(db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    with pytest.raises(lifecycle.ThreadError):
        lifecycle.assign(thread, petugas, agency(), make_user(Role.WARGA))
