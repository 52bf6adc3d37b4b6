"""Announcements corrected and withdrawn, answers promoted to announcements, dissemination
reports and the offline reach (issue 16, items 7 and 8)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kim_app.common.workdays import local_date
from kim_app.models import (
    Announcement,
    AnnouncementVersion,
    Audience,
    AuditEvent,
    DisseminationReport,
    MemberRole,
    Notification,
    ThreadStatus,
    utcnow,
)
from tests.conftest import field_error, login, make_user
from tests.loop_helpers import ROLES, as_role
from tests.test_info import group, join, person, publish, relay
from tests.test_uploads import image_bytes, upload
from tests.threads.conftest import advance, new_thread


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")


def today() -> str:
    return local_date(utcnow()).isoformat()


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def relayed(db, petugas):
    """An announcement for Gunungwungkal, relayed by Gulangpongge to two members."""
    gulang = group(db, "gulangpongge")
    ketua = person("Bu Ketua Gulang")
    join(db, ketua, gulang, MemberRole.KETUA)
    members = [person(f"Anggota {n}") for n in range(2)]
    for user in members:
        join(db, user, gulang)
    announcement = publish(db, petugas, audience=Audience.KECAMATAN, districts=["33.18.17"])
    relay(db, announcement, gulang, ketua, note="Di balai desa jam 8")
    return announcement, gulang, ketua, members


# --- correcting -------------------------------------------------------------------------------

def test_an_officer_corrects_and_earlier_versions_are_kept(client, db, petugas):
    announcement = publish(db, petugas, title="Jadwal vaksinasi ternak")
    login(client, petugas)
    page = client.get(f"/info/{announcement.id}/ubah").get_data(as_text=True)
    assert "Jadwal vaksinasi ternak" in page
    response = client.post(f"/info/{announcement.id}/ubah",
                           data={"title": "Jadwal vaksinasi ternak (diralat)",
                                 "body": "Vaksinasi dipindah ke hari Kamis.", "expires_on": ""})
    assert response.status_code == 302
    db.session.refresh(announcement)
    assert announcement.title == "Jadwal vaksinasi ternak (diralat)"
    assert announcement.updated_at is not None
    version = db.session.scalar(select(AnnouncementVersion))
    assert version.title == "Jadwal vaksinasi ternak" and version.body == "Isi **pengumuman** ini."
    assert count(db, AuditEvent, AuditEvent.action == "announcement.edit") == 1
    shown = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert "Diperbarui" in shown and f"/info/{announcement.id}/versi" in shown
    versions = client.get(f"/info/{announcement.id}/versi").get_data(as_text=True)
    assert "Jadwal vaksinasi ternak</h2>" in versions
    # A villager sees "diperbarui" but not the earlier versions.
    client.post("/auth/keluar")
    public = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert "Diperbarui" in public and "/versi" not in public
    assert client.get(f"/info/{announcement.id}/versi").status_code == 302  # login first
    login(client, make_user())
    assert client.get(f"/info/{announcement.id}/versi").status_code == 403


def test_a_correction_with_bad_input_comes_back_with_the_text(client, db, petugas):
    announcement = publish(db, petugas)
    login(client, petugas)
    response = client.post(f"/info/{announcement.id}/ubah",
                           data={"title": "Ok", "body": "Teks baru yang cukup panjang."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "title") and "Teks baru yang cukup panjang." in html
    assert count(db, AnnouncementVersion) == 0


def test_the_pengurus_author_corrects_their_own_but_not_anothers(client, db, petugas):
    gulang = group(db, "gulangpongge")
    ketua, other_ketua = person("Ketua A"), person("Ketua B")
    join(db, ketua, gulang, MemberRole.KETUA)
    join(db, other_ketua, gulang, MemberRole.SEKRETARIS)
    own = publish(db, ketua, kim_group=gulang, title="Kerja bakti Minggu pagi")
    login(client, other_ketua)
    assert client.get(f"/info/{own.id}/ubah").status_code == 403
    client.post("/auth/keluar")
    login(client, ketua)
    assert client.post(f"/info/{own.id}/ubah",
                       data={"title": "Kerja bakti Minggu siang",
                             "body": "Isi **pengumuman** ini."}).status_code == 302


EDIT_ALLOWED = {"agency": 200, "other_agency": 200, "diskominfo": 200, "pengurus": 403,
                "warga": 403, "guest": 302}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_correct_and_withdraw(client, db, petugas, role):
    announcement = publish(db, petugas)
    as_role(client, role)
    assert client.get(f"/info/{announcement.id}/ubah").status_code == EDIT_ALLOWED[role]
    assert client.get(f"/info/{announcement.id}/versi").status_code == EDIT_ALLOWED[role]
    response = client.post(f"/info/{announcement.id}/tarik",
                           data={"withdraw-reason": "Salah tanggal"})
    assert response.status_code == (302 if EDIT_ALLOWED[role] in (200, 302) else 403)
    db.session.refresh(announcement)
    assert (announcement.withdrawn_at is not None) == (EDIT_ALLOWED[role] == 200)


# --- withdrawing ------------------------------------------------------------------------------

def test_withdrawing_hides_it_everywhere_and_tells_those_notified(client, db, petugas, relayed):
    announcement, gulang, ketua, members = relayed
    before = count(db, Notification)
    login(client, petugas)
    response = client.post(f"/info/{announcement.id}/tarik",
                           data={"withdraw-reason": "Jadwal dibatalkan dinas"})
    assert response.status_code == 302
    told = list(db.session.scalars(select(Notification).order_by(Notification.id)
                                   .offset(before)))
    assert sorted(n.user_id for n in told) == sorted([ketua.id, *(m.id for m in members)])
    assert all(n.kind == "info.withdrawn" and "Jadwal dibatalkan dinas" in n.text
               for n in told)
    client.post("/auth/keluar")
    assert announcement.title not in client.get("/info/").get_data(as_text=True)
    assert announcement.title not in client.get("/").get_data(as_text=True)
    kim_page = client.get(f"/kim/{gulang.slug}").get_data(as_text=True)
    assert announcement.title not in kim_page
    page = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert "ditarik" in page and "Jadwal dibatalkan dinas" in page
    assert "Di balai desa jam 8" not in page  # relays hidden
    # No more relays, corrections or second withdrawals.
    sumberejo = group(db, "sumberejo")
    other_ketua = person("Ketua Sumberejo")
    join(db, other_ketua, sumberejo, MemberRole.KETUA)
    login(client, other_ketua)
    assert client.post(f"/info/{announcement.id}/teruskan",
                       data={"group": sumberejo.id, "note": "", "note_lang": "id"}
                       ).status_code == 422
    client.post("/auth/keluar")
    login(client, petugas)
    assert client.post(f"/info/{announcement.id}/tarik",
                       data={"withdraw-reason": "lagi"}).status_code == 403
    assert count(db, AuditEvent, AuditEvent.action == "announcement.withdraw") == 1


def test_withdrawing_needs_a_reason(client, db, petugas):
    announcement = publish(db, petugas)
    login(client, petugas)
    response = client.post(f"/info/{announcement.id}/tarik", data={"withdraw-reason": " "})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "withdraw-reason")
    db.session.refresh(announcement)
    assert announcement.withdrawn_at is None


def test_unknown_announcements_answer_404(client, petugas):
    login(client, petugas)
    for path in ("/info/999999/ubah", "/info/999999/versi"):
        assert client.get(path).status_code == 404
    assert client.post("/info/999999/tarik", data={"withdraw-reason": "x"}).status_code == 404
    assert client.post("/info/999999/laporan").status_code == 404


# --- promoting an answer ----------------------------------------------------------------------

def _answered(db, petugas):
    asker = make_user(name="Penanya Posyandu")
    return advance(new_thread(asker, title="Jadwal posyandu bulan ini"), petugas,
                   ThreadStatus.DIJAWAB)


def test_an_officer_promotes_an_answer_to_an_announcement(client, db, petugas):
    thread = _answered(db, petugas)
    login(client, petugas)
    page = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert f'href="/info/baru?dari={thread.code}"' in page
    form = client.get(f"/info/baru?dari={thread.code}").get_data(as_text=True)
    assert "Jawaban: Jadwal posyandu bulan ini" in form
    assert "Posyandu buka lagi mulai Senin depan." in form
    assert f'value="{thread.code}"' in form
    response = client.post("/info/baru", data={
        "title": "Jawaban: Jadwal posyandu bulan ini", "source": thread.code,
        "body": f"Posyandu buka lagi mulai Senin depan.\n\nDari [{thread.code}]",
        "audience": "kecamatan", "districts": ["33.18.17"], "submission_key": "promosi-1"})
    assert response.status_code == 302
    announcement = db.session.scalar(select(Announcement))
    assert announcement.source_thread_id == thread.id
    assert announcement.audience == Audience.KECAMATAN
    shown = client.get(response.location).get_data(as_text=True)
    assert f'href="/tanya/{thread.code}"' in shown
    assert f'/info/{announcement.id}"' in client.get(f"/tanya/{thread.code}").get_data(
        as_text=True)


def test_only_answered_public_questions_are_promoted(client, db, petugas):
    waiting = advance(new_thread(make_user()), petugas, ThreadStatus.DIPROSES)
    login(client, petugas)
    assert client.get(f"/info/baru?dari={waiting.code}").status_code == 403
    assert client.get("/info/baru?dari=TNY-26-ZZZZ").status_code == 404
    assert client.post("/info/baru", data={"source": waiting.code, "title": "Judul cukup",
                                           "body": "Isi yang cukup panjang"}).status_code == 403


PROMOTE_ALLOWED = {"agency": 200, "other_agency": 403, "diskominfo": 200, "pengurus": 403,
                   "warga": 403, "guest": 302}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_promote(client, db, petugas, role):
    thread = _answered(db, petugas)  # assigned to Dinkes
    as_role(client, role)
    assert client.get(f"/info/baru?dari={thread.code}").status_code == PROMOTE_ALLOWED[role]


# --- dissemination reports and reach ----------------------------------------------------------

def test_a_pengurus_reports_dissemination_and_reach_adds_it(client, db, petugas, relayed):
    announcement, gulang, ketua, _members = relayed
    login(client, ketua)
    page = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert f'action="/info/{announcement.id}/laporan"' in page
    for venue, people in (("balai_desa", 40), ("whatsapp", 85)):
        response = client.post(f"/info/{announcement.id}/laporan", data={
            "group": gulang.id, "held_on": today(), "venue": venue, "people": people,
            "note": "Disampaikan setelah rapat RT",
            "photo": upload(image_bytes(), "foto.jpg")},
            content_type="multipart/form-data")
        assert response.status_code == 302
    assert count(db, DisseminationReport) == 2
    assert count(db, AuditEvent, AuditEvent.action == "announcement.dissemination") == 2
    client.post("/auth/keluar")
    login(client, petugas)
    reach = client.get(f"/info/{announcement.id}/jangkauan").get_data(as_text=True)
    assert 'id="reach-offline">125<' in reach
    row = reach.split(f'id="reach-{gulang.slug}"')[1].split("</tr>")[0]
    assert '<td class="reach-offline">125</td>' in row
    assert "Balai desa" in reach and "Grup WhatsApp" in reach and "Bu Ketua Gulang" in reach


@pytest.mark.parametrize("data, field, message", [
    ({"held_on": "", "venue": "posyandu", "people": "10"}, "held_on", "Isi tanggal"),
    ({"venue": "posyandu", "people": "10", "future": True}, "held_on", "setelah hari ini"),
    ({"venue": "posyandu", "people": "10", "past": True}, "held_on", "sebelum pengumuman"),
    ({"venue": "pasar", "people": "10"}, "venue", None),
    ({"venue": "posyandu", "people": "0"}, "people", "1 sampai"),
    ({"venue": "posyandu", "people": "banyak"}, "people", None),
])
def test_bad_dissemination_reports_are_refused(client, db, relayed, data, field, message):
    announcement, gulang, ketua, _members = relayed
    when = local_date(utcnow())
    if data.pop("future", False):
        when += timedelta(days=2)
    if data.pop("past", False):
        when -= timedelta(days=30)
    data.setdefault("held_on", when.isoformat())
    login(client, ketua)
    response = client.post(f"/info/{announcement.id}/laporan",
                           data={"group": gulang.id, "note": "catatan saya", **data})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = field_error(html, field)
    assert error and (message is None or message in error)
    assert "catatan saya" in html
    assert count(db, DisseminationReport) == 0


REPORT_ALLOWED = {"agency": 403, "other_agency": 403, "diskominfo": 403, "pengurus": 302,
                  "warga": 403, "guest": 302}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_report_dissemination(client, db, petugas, role):
    gulang = group(db, "gulangpongge")
    announcement = publish(db, petugas, audience=Audience.KECAMATAN, districts=["33.18.17"])
    as_role(client, role)  # the pengurus leads Gulangpongge
    other = person("Ketua Lain")
    join(db, other, gulang, MemberRole.KETUA)
    relay(db, announcement, gulang, other)
    response = client.post(f"/info/{announcement.id}/laporan", data={
        "group": gulang.id, "held_on": today(), "venue": "posyandu", "people": "12"})
    assert response.status_code == REPORT_ALLOWED[role]
    if role == "guest":
        assert "/auth/masuk" in response.location
    assert count(db, DisseminationReport) == (1 if role == "pengurus" else 0)


def test_a_pengurus_of_a_kim_that_did_not_relay_may_not_report(client, db, relayed):
    announcement, _gulang, _ketua, _members = relayed
    sumberejo = group(db, "sumberejo")
    other_ketua = person("Ketua Sumberejo")
    join(db, other_ketua, sumberejo, MemberRole.KETUA)
    login(client, other_ketua)
    assert client.post(f"/info/{announcement.id}/laporan", data={
        "group": sumberejo.id, "held_on": today(), "venue": "posyandu",
        "people": "12"}).status_code == 403


def test_the_reach_page_costs_the_same_queries_however_many_reports(client, db, petugas,
                                                                    relayed, query_counter):
    announcement, gulang, ketua, _members = relayed
    login(client, ketua)

    def report(people):
        assert client.post(f"/info/{announcement.id}/laporan", data={
            "group": gulang.id, "held_on": today(), "venue": "pengajian", "people": people,
            "photo": upload(image_bytes(), "foto.jpg")},
            content_type="multipart/form-data").status_code == 302

    report(10)
    client.post("/auth/keluar")
    login(client, petugas)
    with query_counter() as few:
        assert client.get(f"/info/{announcement.id}/jangkauan").status_code == 200
    client.post("/auth/keluar")
    login(client, ketua)
    for people in (20, 30, 40):
        report(people)
    client.post("/auth/keluar")
    login(client, petugas)
    with query_counter() as more:
        html = client.get(f"/info/{announcement.id}/jangkauan").get_data(as_text=True)
    assert 'id="reach-offline">100<' in html
    assert len(more) == len(few)
