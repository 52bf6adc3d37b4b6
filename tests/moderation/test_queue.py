"""The moderation queue: who may open it and decide (guest, warga, author, pengurus,
petugas, admin), each decision's effect, its audit event and the author's notification."""

import re

import pytest
from sqlalchemy import select

from kim_app.models import AuditEvent, MemberRole, Notification, Report, ReportOutcome
from kim_app.moderation import queue
from tests.conftest import HX, field_error, login
from tests.moderation.conftest import PHONE_IN_REPLY, report_via_http, reporters, trusted
from tests.threads.conftest import kim, member


@pytest.fixture
def reported(client, db, answered):
    """The reply, reported by three villagers: hidden until a moderator decides."""
    _thread, post = answered
    for person in reporters(3):
        report_via_http(client, post, person, "data_pribadi")
    client.post("/auth/keluar")
    db.session.refresh(post)
    assert post.hidden_at is not None
    return post


@pytest.fixture
def roles(app, db, author, petugas, admin):
    pengurus = member(kim(), MemberRole.KETUA, name="Ketua Pengurus")
    return {"guest": None, "warga": trusted(name="Warga Lain"), "author": author,
            "pengurus": pengurus, "petugas": petugas, "admin": admin}


def as_role(client, roles, role):
    client.post("/auth/keluar")
    if roles[role] is not None:
        login(client, roles[role])


def decide(client, post, decision, reason="Nomor HP pribadi", headers=None):
    return client.post(f"/admin/moderasi/post/{post.id}/{decision}", headers=headers or {},
                       data={f"post-{post.id}-reason": reason})


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("author", 403), ("pengurus", 403), ("petugas", 200),
    ("admin", 200),
])
def test_who_opens_the_queue(client, db, reported, roles, role, expected):
    as_role(client, roles, role)
    response = client.get("/admin/moderasi")
    assert response.status_code == expected
    if expected == 200:
        html = response.get_data(as_text=True)
        assert PHONE_IN_REPLY in html and "Disembunyikan" in html
        assert html.count("Membuka data pribadi") == 3  # the three reports, with reasons


@pytest.mark.parametrize("decision", ["tampilkan", "sembunyikan", "sunting",
                                      "nonaktifkan-penulis"])
@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("author", 403), ("pengurus", 403),
])
def test_who_may_not_decide(client, db, reported, roles, role, expected, decision):
    as_role(client, roles, role)
    response = client.post(f"/admin/moderasi/post/{reported.id}/{decision}",
                           data={f"post-{reported.id}-reason": "x",
                                 f"post-{reported.id}-sunting-reason": "x",
                                 f"post-{reported.id}-sunting-part": "0812"})
    assert response.status_code == expected
    db.session.refresh(reported)
    assert reported.hidden_at is not None and "0812" in reported.body
    assert db.session.scalar(select(Report).where(Report.resolved_at.is_not(None))) is None


@pytest.mark.parametrize("role", ["petugas", "admin"])
def test_restore_shows_it_again_and_empties_the_queue(client, db, reported, roles, role):
    as_role(client, roles, role)
    response = decide(client, reported, "tampilkan", "Bukan data pribadi", headers=HX)
    assert response.status_code == 200
    assert "tampil kembali" in response.get_data(as_text=True)
    db.session.refresh(reported)
    assert reported.hidden_at is None
    outcomes = set(db.session.scalars(select(Report.outcome)))
    assert outcomes == {ReportOutcome.RESTORED}
    assert "Tidak ada laporan yang menunggu" in client.get("/admin/moderasi").get_data(
        as_text=True)
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "moderation.restore"))
    assert event.actor_id == roles[role].id and event.reason == "Bukan data pribadi"
    client.post("/auth/keluar")
    assert PHONE_IN_REPLY in client.get(f"/tanya/{reported.thread.code}").get_data(as_text=True)


def test_hide_keeps_it_hidden_and_tells_the_author(client, db, reported, petugas, author):
    login(client, petugas)
    response = decide(client, reported, "sembunyikan", "Membuka nomor HP")
    assert response.status_code == 302 and response.location == "/admin/moderasi"
    db.session.refresh(reported)
    assert reported.hidden_at is not None
    assert set(db.session.scalars(select(Report.outcome))) == {ReportOutcome.HIDDEN}
    texts = list(db.session.scalars(select(Notification.text).where(
        Notification.user_id == author.id, Notification.kind == "moderation.decision")))
    assert len(texts) == 1 and "Membuka nomor HP" in texts[0]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.hide"))
    # The author still sees it, marked hidden; the queue is empty.
    client.post("/auth/keluar")
    login(client, author)
    html = client.get(f"/tanya/{reported.thread.code}").get_data(as_text=True)
    assert PHONE_IN_REPLY in html and "Disembunyikan" in html


def test_dismiss_is_for_visible_items(client, db, answered, petugas):
    _thread, post = answered
    report_via_http(client, post, trusted(), "hoaks")
    client.post("/auth/keluar")
    login(client, petugas)
    assert decide(client, post, "tampilkan", headers=HX).status_code == 409  # not hidden
    response = decide(client, post, "abaikan", "Tidak melanggar", headers=HX)
    assert response.status_code == 200
    assert set(db.session.scalars(select(Report.outcome))) == {ReportOutcome.DISMISSED}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.dismiss"))


def test_a_decision_needs_a_reason(client, db, reported, petugas):
    login(client, petugas)
    response = decide(client, reported, "tampilkan", "", headers=HX)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), f"post-{reported.id}-reason")
    db.session.refresh(reported)
    assert reported.hidden_at is not None


def test_unknown_items_and_decisions_are_404(client, db, reported, petugas):
    login(client, petugas)
    assert decide(client, reported, "hapus").status_code == 404
    assert client.post("/admin/moderasi/post/999999/tampilkan",
                       data={"post-999999-reason": "x"}).status_code == 404
    assert client.post("/admin/moderasi/bogus/1/tampilkan").status_code == 404
    assert client.post("/admin/moderasi/post/99999999999/tampilkan").status_code == 404


def test_redact_replaces_the_part_keeps_the_original_for_moderators(client, db, reported,
                                                                   petugas, author):
    login(client, petugas)
    prefix = f"post-{reported.id}-sunting"
    bad = client.post(f"/admin/moderasi/post/{reported.id}/sunting", headers=HX,
                      data={f"{prefix}-part": "tidak ada di teks", f"{prefix}-reason": "HP"})
    assert bad.status_code == 422
    assert field_error(bad.get_data(as_text=True), f"{prefix}-part")
    response = client.post(f"/admin/moderasi/post/{reported.id}/sunting", headers=HX,
                           data={f"{prefix}-part": "0812 3456 7890",
                                 f"{prefix}-reason": "Nomor HP pribadi"})
    assert response.status_code == 200
    db.session.refresh(reported)
    assert reported.body == "Hubungi saya di [disunting petugas] ya"
    assert reported.redacted_original == PHONE_IN_REPLY and reported.hidden_at is None
    officer_view = client.get(f"/tanya/{reported.thread.code}").get_data(as_text=True)
    assert PHONE_IN_REPLY in officer_view  # the original, for moderators
    for viewer in (None, author):
        client.post("/auth/keluar")
        if viewer:
            login(client, viewer)
        html = client.get(f"/tanya/{reported.thread.code}").get_data(as_text=True)
        assert "[disunting petugas]" in html and "0812 3456 7890" not in html
    texts = list(db.session.scalars(select(Notification.text).where(
        Notification.user_id == author.id, Notification.kind == "moderation.decision")))
    assert texts and "Nomor HP pribadi" in texts[0]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.redact"))


def test_only_admins_deactivate_the_author(client, db, reported, petugas, admin, author):
    login(client, petugas)
    html = client.get("/admin/moderasi").get_data(as_text=True)
    assert "Nonaktifkan penulis" not in html
    assert decide(client, reported, "nonaktifkan-penulis").status_code == 403
    client.post("/auth/keluar")
    login(client, admin)
    assert "Nonaktifkan penulis" in client.get("/admin/moderasi").get_data(as_text=True)
    response = decide(client, reported, "nonaktifkan-penulis", "Menyebar nomor orang")
    assert response.status_code == 302
    db.session.refresh(author)
    assert not author.active
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate",
                                                      AuditEvent.object_id == author.id))


def test_the_queue_is_oldest_first_and_its_queries_do_not_grow(client, db, answered, petugas,
                                                                query_counter):
    from kim_app.threads import lifecycle

    thread, post = answered
    first, second = reporters(2)
    report_via_http(client, post, first)
    later = lifecycle.reply(thread, thread.author, "Balasan kedua yang dilaporkan")
    db.session.commit()
    report_via_http(client, later, second)
    client.post("/auth/keluar")
    login(client, petugas)
    with query_counter() as few:
        html = client.get("/admin/moderasi").get_data(as_text=True)
    assert html.index(PHONE_IN_REPLY) < html.index("Balasan kedua yang dilaporkan")
    for number in range(4):
        extra = lifecycle.reply(thread, thread.author, f"Balasan tambahan {number}")
        db.session.commit()
        report_via_http(client, extra, make_reporter(number))
    client.post("/auth/keluar")
    login(client, petugas)
    with query_counter() as many:
        html = client.get("/admin/moderasi").get_data(as_text=True)
    assert len(re.findall(r'class="card moderation-case"', html)) == 6
    assert len(many) == len(few)
    cases, total = queue.open_cases()
    assert total == 6 and cases[0].item.id == post.id


def make_reporter(number):
    return trusted(name=f"Pelapor Tambahan {number}")
