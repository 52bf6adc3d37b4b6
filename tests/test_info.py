"""Announcements, relays by KIMs, reach, and the home page (issue 6)."""

import io
import re
from datetime import timedelta
from functools import cache

import pytest
from PIL import Image
from sqlalchemy import func, select

from kim_app.auth.services import hash_password
from kim_app.extensions import db as _db
from kim_app.info import services
from kim_app.models import (
    Announcement,
    AnnouncementDelivery,
    Audience,
    AuditEvent,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Notification,
    NotificationPreference,
    Relay,
    Role,
    User,
    utcnow,
)
from tests.conftest import HX, PASSWORD, field_error, login, make_user

GUNUNGWUNGKAL = "33.18.17"  # three KIMs: Gulangpongge, Sumberejo, Gajihan


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


_numbers = iter(range(100_000, 999_999))


def person(name: str | None = None, village: str | None = "33.18.17.2003",
           role: Role = Role.WARGA) -> User:
    """Like `make_user`, without hashing a password each time (Argon2 is slow on purpose)."""
    number = next(_numbers)
    user = User(name=name or f"Warga {number}", phone=f"+6281300{number}",
                password_hash=_password_hash(), village_code=village, role=role)
    _db.session.add(user)
    _db.session.commit()
    return user


def group(db, slug: str) -> KimGroup:
    return db.session.scalar(select(KimGroup).where(KimGroup.slug == slug))


def join(db, user, kim: KimGroup, role: MemberRole = MemberRole.ANGGOTA) -> Membership:
    membership = Membership(user_id=user.id, group_id=kim.id, role=role,
                            status=MembershipStatus.ACTIVE, decided_at=utcnow())
    db.session.add(membership)
    db.session.commit()
    return membership


def district_of(kim: KimGroup) -> str:
    return kim.village.district_code


def publish(db, author, *, audience=Audience.KABUPATEN, districts=(), groups=(), title=None,
            expires_on=None, kim_group=None, when=None) -> Announcement:
    from flask import current_app

    with current_app.test_request_context("/"):
        announcement = services.publish(
            author, title=title or "Jadwal vaksinasi ternak", body="Isi **pengumuman** ini.",
            audience=audience, district_codes=list(districts), group_ids=list(groups),
            expires_on=expires_on, kim_group=kim_group,
        )
        if when is not None:
            announcement.published_at = when
        db.session.commit()
    return announcement


def relay(db, announcement, kim, user, note="", lang="id") -> Relay:
    from flask import current_app

    with current_app.test_request_context("/"):
        row = services.relay(announcement, kim, user, note, lang)
        db.session.commit()
    return row


@pytest.fixture
def world(app, db, petugas):
    """An officer, a kecamatan with three KIMs, pengurus and members here and elsewhere."""
    gulang = group(db, "gulangpongge")
    sumberejo = group(db, "sumberejo")
    kajen = group(db, "kajen")
    assert district_of(gulang) == district_of(sumberejo) == GUNUNGWUNGKAL
    assert district_of(kajen) != GUNUNGWUNGKAL
    people = {
        "ketua": person("Ketua Gulang"),
        "anggota": person("Anggota Gulang"),
        "anggota2": person("Anggota Gulang Dua"),
        "ketua_kajen": person("Ketua Kajen"),
        "anggota_kajen": person("Anggota Kajen"),
        "tetangga": person("Warga Gunungwungkal", village="33.18.17.2001"),
    }
    join(db, people["ketua"], gulang, MemberRole.KETUA)
    join(db, people["anggota"], gulang)
    join(db, people["anggota2"], gulang)
    join(db, people["ketua_kajen"], kajen, MemberRole.SEKRETARIS)
    join(db, people["anggota_kajen"], kajen)
    return dict(officer=petugas, gulang=gulang, sumberejo=sumberejo, kajen=kajen, **people)


def notifications_of(db, user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


# Who may publish ---------------------------------------------------------------------------

@pytest.mark.parametrize("who, expected", [
    ("guest", 302), ("warga", 403), ("anggota", 403), ("ketua", 200), ("officer", 200),
])
def test_who_may_open_the_publish_form(client, world, warga, who, expected):
    user = {"warga": warga}.get(who) or world.get(who)
    if user is not None:
        login(client, user)
    response = client.get("/info/baru")
    assert response.status_code == expected
    if expected == 302:
        assert response.location.startswith("/auth/masuk")


def _form(**overrides):
    data = {"title": "Jadwal posyandu bulan ini",
            "body": "Posyandu dibuka pukul 08.00 di balai desa.",
            "audience": "kabupaten", "submission_key": "k-" + str(id(overrides))}
    data.update(overrides)
    return data


def test_officer_publishes_to_chosen_kecamatan(client, db, world):
    login(client, world["officer"])
    response = client.post("/info/baru", data=_form(audience="kecamatan",
                                                    districts=[GUNUNGWUNGKAL, "33.18.13"]))
    assert response.status_code == 302
    announcement = db.session.scalar(select(Announcement))
    assert response.location == f"/info/{announcement.id}"
    assert announcement.audience == Audience.KECAMATAN
    assert sorted(d.code for d in announcement.districts) == ["33.18.13", GUNUNGWUNGKAL]
    assert db.session.scalar(select(AuditEvent.action)) == "announcement.publish"
    page = client.get(response.location).get_data(as_text=True)
    assert "Jadwal posyandu bulan ini" in page and "Gunungwungkal" in page


def test_officer_publishes_to_chosen_kims(client, db, world):
    login(client, world["officer"])
    response = client.post("/info/baru", data=_form(audience="kim",
                                                    groups=[world["kajen"].id]))
    assert response.status_code == 302
    announcement = db.session.scalar(select(Announcement))
    assert [g.slug for g in announcement.groups] == ["kajen"]


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": ""}, "title", "Judul wajib diisi."),
    ({"body": "pendek"}, "body", "Isi 10 sampai 10.000 karakter."),
    ({"audience": "kecamatan"}, "districts", "Pilih minimal satu kecamatan."),
    ({"audience": "kim"}, "groups", "Pilih minimal satu KIM."),
    ({"audience": "kecamatan", "districts": ["99.99.99"]}, "districts",
     "Kecamatan yang dipilih tidak dikenal."),
    ({"expires_on": "2020-01-01"}, "expires_on", "Tanggal berakhir tidak boleh sebelum hari ini."),
])
def test_bad_announcement_comes_back_with_the_error_and_the_text(client, db, world, overrides,
                                                                 field, message):
    login(client, world["officer"])
    response = client.post("/info/baru", data=_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if field in ("title", "body", "expires_on"):
        assert field_error(html, field) == message
    assert "Posyandu dibuka pukul 08.00" in html or overrides.get("body") == "pendek"
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0


def test_wrong_attachments_are_refused_with_a_message(client, db, world):
    login(client, world["officer"])
    not_pdf = (io.BytesIO(b"<html>bukan pdf</html>"), "surat.pdf")
    response = client.post("/info/baru", data=_form(document=not_pdf),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "document") == "Berkas ini bukan PDF."
    not_image = (io.BytesIO(b"GIF89a...."), "foto.jpg")
    response = client.post("/info/baru", data=_form(photo=not_image),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "bukan foto" in field_error(response.get_data(as_text=True), "photo")
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0


def test_photo_and_pdf_attachments_are_stored_and_the_pdf_is_a_download(client, db, world,
                                                                       app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login(client, world["officer"])
    image = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(image, "JPEG")
    image.seek(0)
    pdf = io.BytesIO(b"%PDF-1.4\n% surat edaran\n%%EOF\n")
    response = client.post("/info/baru", data=_form(photo=(image, "foto.jpg"),
                                                    document=(pdf, "Surat Edaran <1>.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    announcement = db.session.scalar(select(Announcement))
    assert announcement.photo.widths and announcement.document.filename == "Surat Edaran -1.pdf"
    html = client.get(response.location).get_data(as_text=True)
    link = re.search(r'href="(/info/lampiran/\w+\.pdf)"', html).group(1)
    assert "/media/" in html
    download = client.get(link)
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data.startswith(b"%PDF-")
    download.close()
    assert client.get("/info/lampiran/tidakada.pdf").status_code == 404


def test_a_double_submit_publishes_once(client, db, world):
    login(client, world["officer"])
    data = _form(submission_key="sama-persis")
    first = client.post("/info/baru", data=data)
    second = client.post("/info/baru", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 1


def test_pengurus_publishes_only_to_own_kim_and_members_are_told(client, db, world):
    login(client, world["ketua"])
    html = client.get("/info/baru").get_data(as_text=True)
    assert 'name="audience"' not in html and "KIM Gulangpongge" in html
    # An attempt to post for another KIM, or to the whole regency, stays with their own KIM.
    response = client.post("/info/baru", data=_form(kim=world["kajen"].id))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "kim") == "Pilih KIM yang Anda urus."
    response = client.post("/info/baru", data=_form(kim=world["gulang"].id, audience="kabupaten",
                                                    submission_key="lain"))
    assert response.status_code == 302
    announcement = db.session.scalar(select(Announcement))
    assert announcement.audience == Audience.KIM
    assert [g.id for g in announcement.groups] == [world["gulang"].id]
    assert announcement.kim_group_id == world["gulang"].id
    # Published by the pengurus means relayed to their members at once.
    assert len(notifications_of(db, world["anggota"])) == 1
    assert notifications_of(db, world["anggota_kajen"]) == []
    assert notifications_of(db, world["ketua"]) == []


def test_rate_limit_on_publishing(app_factory):
    app = app_factory(INFO_POST_LIMIT_PER_ACCOUNT="2 per hour")
    with app.app_context():
        officer = make_user(Role.PETUGAS, village=None)
        client = app.test_client()
        login(client, officer)
        for number in range(2):
            assert client.post("/info/baru", data=_form(submission_key=f"r{number}")).status_code \
                == 302
        response = client.post("/info/baru", data=_form(submission_key="r3"))
        assert response.status_code == 302
        html = client.get(response.location).get_data(as_text=True)
        assert "Terlalu banyak kiriman" in html


# Audience targeting and relays -------------------------------------------------------------

def test_audience_rule(db, world):
    kecamatan = publish(db, world["officer"], audience=Audience.KECAMATAN,
                        districts=[GUNUNGWUNGKAL])
    kims = publish(db, world["officer"], audience=Audience.KIM, groups=[world["kajen"].id])
    regency = publish(db, world["officer"])
    assert services.in_audience(kecamatan, world["gulang"])
    assert services.in_audience(kecamatan, world["sumberejo"])
    assert not services.in_audience(kecamatan, world["kajen"])
    assert services.in_audience(kims, world["kajen"])
    assert not services.in_audience(kims, world["gulang"])
    assert all(services.in_audience(regency, g) for g in (world["gulang"], world["kajen"]))
    assert [g.slug for g in services.targeted_groups(kecamatan)] == [
        "gajihan", "gulangpongge", "sumberejo"]
    assert len(services.targeted_groups(regency)) == 18


def test_relay_reaches_members_of_that_kim_only(client, db, world):
    announcement = publish(db, world["officer"], audience=Audience.KECAMATAN,
                           districts=[GUNUNGWUNGKAL])
    login(client, world["ketua"])
    response = client.post(f"/info/{announcement.id}/teruskan", data={
        "group": world["gulang"].id, "note": "Kumpul di balai desa jam 8.", "note_lang": "id"})
    assert response.status_code == 302
    assert response.location == f"/info/{announcement.id}"
    for member in ("anggota", "anggota2"):
        [notification] = notifications_of(db, world[member])
        assert notification.kind == "info.relay"
        assert notification.link == f"/info/{announcement.id}"
        assert notification.text == ("KIM Gulangpongge meneruskan pengumuman: "
                                     "Jadwal vaksinasi ternak")
    # Outside the audience, or outside the KIM, nobody is told.
    for outsider in ("ketua", "ketua_kajen", "anggota_kajen", "tetangga"):
        assert notifications_of(db, world[outsider]) == []
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "announcement.relay")) == "announcement.relay"


def test_a_kim_outside_the_audience_cannot_relay(client, db, world):
    announcement = publish(db, world["officer"], audience=Audience.KECAMATAN,
                           districts=[GUNUNGWUNGKAL])
    login(client, world["ketua_kajen"])
    page = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert "Teruskan sekarang" not in page
    response = client.post(f"/info/{announcement.id}/teruskan",
                           data={"group": world["kajen"].id, "note_lang": "id"})
    assert response.status_code == 403
    assert notifications_of(db, world["anggota_kajen"]) == []
    assert db.session.scalar(select(func.count()).select_from(Relay)) == 0


@pytest.mark.parametrize("who", ["anggota", "tetangga", "officer"])
def test_only_pengurus_of_the_kim_may_relay(client, db, world, who):
    announcement = publish(db, world["officer"])
    login(client, world[who])
    response = client.post(f"/info/{announcement.id}/teruskan",
                           data={"group": world["gulang"].id, "note_lang": "id"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Relay)) == 0


def test_pengurus_cannot_relay_for_a_kim_they_do_not_lead(client, db, world):
    announcement = publish(db, world["officer"])
    login(client, world["ketua"])
    response = client.post(f"/info/{announcement.id}/teruskan",
                           data={"group": world["kajen"].id, "note_lang": "id"})
    assert response.status_code == 422
    assert "Pilih KIM yang Anda urus." in response.get_data(as_text=True)
    assert notifications_of(db, world["anggota_kajen"]) == []


def test_relay_guest_and_unknown(client, db, world):
    announcement = publish(db, world["officer"])
    response = client.post(f"/info/{announcement.id}/teruskan", data={"note_lang": "id"})
    assert response.status_code == 302 and response.location.startswith("/auth/masuk")
    login(client, world["ketua"])
    assert client.post("/info/999999/teruskan", data={"note_lang": "id"}).status_code == 404
    assert client.get("/info/999999").status_code == 404


def test_relay_htmx_answers_the_panel_and_plain_redirects(client, db, world):
    announcement = publish(db, world["officer"])
    login(client, world["ketua"])
    page = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert f'hx-post="/info/{announcement.id}/teruskan"' in page
    response = client.post(f"/info/{announcement.id}/teruskan", headers=HX, data={
        "group": world["gulang"].id, "note": "Monggo sedaya rawuh.", "note_lang": "jv"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="relay-panel"' in html
    assert "sudah meneruskan pengumuman ini" in html
    assert "Teruskan sekarang" not in html
    # The ready WhatsApp text carries the KIM's note, the title and the link.
    text = re.search(r'<textarea id="share-text-\d+" readonly rows="8">([^<]*)</textarea>',
                     html).group(1)
    assert "Monggo sedaya rawuh." in text and "Jadwal vaksinasi ternak" in text
    assert f"/info/{announcement.id}" in text
    assert "https://wa.me/?text=Monggo%20sedaya%20rawuh." in html
    assert 'id="flash" hx-swap-oob="innerHTML"' in html


def test_relay_twice_and_after_expiry_are_refused_clearly(client, db, world):
    announcement = publish(db, world["officer"])
    relay(db, announcement, world["gulang"], world["ketua"])
    second_ketua = person()
    join(db, second_ketua, world["gulang"], MemberRole.SEKRETARIS)
    login(client, second_ketua)
    response = client.post(f"/info/{announcement.id}/teruskan", headers=HX,
                           data={"group": world["gulang"].id, "note": "Lagi", "note_lang": "id"})
    assert response.status_code == 422
    assert "sudah meneruskan pengumuman ini" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Relay)) == 1

    expired = publish(db, world["officer"], title="Sudah lewat")
    expired.expires_on = services.today() - timedelta(days=1)
    db.session.commit()
    response = client.post(f"/info/{expired.id}/teruskan",
                           data={"group": world["gulang"].id, "note_lang": "id"})
    assert response.status_code == 422
    assert "sudah berakhir" in response.get_data(as_text=True)


def test_relay_note_too_long_keeps_the_text(client, db, world):
    announcement = publish(db, world["officer"])
    login(client, world["ketua"])
    note = "catatan " * 130
    response = client.post(f"/info/{announcement.id}/teruskan", headers=HX,
                           data={"group": world["gulang"].id, "note": note, "note_lang": "id"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "note") == "Catatan paling banyak 1000 karakter."
    assert note.strip() in html


def test_a_member_of_two_relaying_kims_is_told_once(db, world):
    both = world["anggota"]
    join(db, both, world["sumberejo"])
    sumberejo_ketua = person()
    join(db, sumberejo_ketua, world["sumberejo"], MemberRole.KETUA)
    announcement = publish(db, world["officer"], audience=Audience.KECAMATAN,
                           districts=[GUNUNGWUNGKAL])
    relay(db, announcement, world["gulang"], world["ketua"])
    relay(db, announcement, world["sumberejo"], sumberejo_ketua)
    assert len(notifications_of(db, both)) == 1


def test_relay_note_language_is_marked_on_kim_and_announcement_pages(client, db, world):
    announcement = publish(db, world["officer"])
    relay(db, announcement, world["gulang"], world["ketua"], note="Sesuk esuk neng balai desa.",
          lang="jv")
    kim_page = client.get("/kim/gulangpongge").get_data(as_text=True)
    assert 'id="kim-relays"' in kim_page
    assert '<blockquote lang="jv">Sesuk esuk neng balai desa.</blockquote>' in kim_page
    assert "Jadwal vaksinasi ternak" in kim_page
    assert "Jadwal vaksinasi ternak" not in client.get("/kim/kajen").get_data(as_text=True)
    page = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert '<blockquote lang="jv">Sesuk esuk neng balai desa.</blockquote>' in page


def test_member_who_turned_off_announcements_is_not_told_nor_counted(db, world):
    db.session.add(NotificationPreference(user_id=world["anggota2"].id, category="info",
                                          in_app=False, email=False))
    db.session.commit()
    announcement = publish(db, world["officer"])
    relay(db, announcement, world["gulang"], world["ketua"])
    assert notifications_of(db, world["anggota2"]) == []
    assert len(notifications_of(db, world["anggota"])) == 1
    assert services.reach(announcement).notified == 1


# Reach -------------------------------------------------------------------------------------

def test_reach_figures(client, db, world):
    announcement = publish(db, world["officer"], audience=Audience.KECAMATAN,
                           districts=[GUNUNGWUNGKAL])
    relay(db, announcement, world["gulang"], world["ketua"])
    # A member opens it twice (counted once); a non-member opening it counts for nothing.
    login(client, world["anggota"])
    client.get(f"/info/{announcement.id}")
    client.get(f"/info/{announcement.id}")
    other = client.application.test_client()
    login(other, world["tetangga"])
    other.get(f"/info/{announcement.id}")

    figures = services.reach(announcement)
    assert [row.group.slug for row in figures.rows] == ["gajihan", "gulangpongge", "sumberejo"]
    assert figures.relayed == 1 and figures.notified == 2 and figures.opened == 1
    row = figures.rows[1]
    assert row.relay.relayed_by_id == world["ketua"].id
    assert (row.notified, row.opened) == (2, 1)
    opened = db.session.scalar(select(AnnouncementDelivery.opened_at).where(
        AnnouncementDelivery.user_id == world["anggota"].id))
    assert opened is not None

    officer = client.application.test_client()
    login(officer, world["officer"])
    html = officer.get(f"/info/{announcement.id}/jangkauan").get_data(as_text=True)
    assert re.search(r'id="reach-targeted">3<', html)
    assert re.search(r'id="reach-relayed">1<', html)
    assert re.search(r'id="reach-notified">2<', html)
    assert re.search(r'id="reach-opened">1<', html)
    gajihan = re.search(r'<tr id="reach-gajihan">(.*?)</tr>', html, re.S).group(1)
    assert "Belum" in gajihan
    gulang = re.search(r'<tr id="reach-gulangpongge">(.*?)</tr>', html, re.S).group(1)
    assert "Ketua Gulang" in gulang


def test_opening_the_announcement_marks_its_notification_read(client, db, world):
    announcement = publish(db, world["officer"])
    relay(db, announcement, world["gulang"], world["ketua"])
    login(client, world["anggota"])
    assert '<span class="bell-count">1</span>' in client.get("/").get_data(as_text=True)
    html = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert 'class="bell-count"' not in html
    [notification] = notifications_of(db, world["anggota"])
    assert notification.read_at is not None


@pytest.mark.parametrize("who, expected", [
    ("guest", 302), ("anggota", 403), ("ketua", 403), ("officer", 200), ("admin", 200),
])
def test_who_sees_reach(client, db, world, admin, who, expected):
    announcement = publish(db, world["officer"])
    user = {"admin": admin}.get(who) or world.get(who)
    if user is not None:
        login(client, user)
    assert client.get(f"/info/{announcement.id}/jangkauan").status_code == expected


def test_pengurus_author_sees_reach_of_own_announcement(client, db, world):
    announcement = publish(db, world["ketua"], kim_group=world["gulang"])
    login(client, world["ketua"])
    response = client.get(f"/info/{announcement.id}/jangkauan")
    assert response.status_code == 200
    assert re.search(r'id="reach-notified">2<', response.get_data(as_text=True))


def test_reach_queries_do_not_grow(client, db, world, query_counter):
    announcement = publish(db, world["officer"])
    relay(db, announcement, world["gulang"], world["ketua"])
    login(client, world["officer"])

    def count():
        with query_counter() as queries:
            assert client.get(f"/info/{announcement.id}/jangkauan").status_code == 200
        return len(queries)

    small = count()
    for kim in (world["kajen"], world["sumberejo"], group(db, "bermi")):
        leader = person()
        join(db, leader, kim, MemberRole.KETUA)
        for _ in range(3):
            join(db, person(), kim)
        relay(db, announcement, kim, leader)
    assert count() == small


# Lists, filters, pages ---------------------------------------------------------------------

def test_list_filters_by_kecamatan_and_kim(client, db, world):
    publish(db, world["officer"], title="Untuk seluruh kabupaten")
    publish(db, world["officer"], title="Untuk Gunungwungkal", audience=Audience.KECAMATAN,
            districts=[GUNUNGWUNGKAL])
    publish(db, world["officer"], title="Untuk KIM Kajen", audience=Audience.KIM,
            groups=[world["kajen"].id])
    every = client.get("/info/").get_data(as_text=True)
    assert all(t in every for t in ("Untuk seluruh kabupaten", "Untuk Gunungwungkal",
                                    "Untuk KIM Kajen"))
    by_district = client.get(f"/info/?kecamatan={GUNUNGWUNGKAL}").get_data(as_text=True)
    assert "Untuk Gunungwungkal" in by_district and "Untuk seluruh kabupaten" in by_district
    assert "Untuk KIM Kajen" not in by_district
    kajen_district = district_of(world["kajen"])
    by_kajen_district = client.get(f"/info/?kecamatan={kajen_district}").get_data(as_text=True)
    assert "Untuk KIM Kajen" in by_kajen_district and "Untuk Gunungwungkal" not in by_kajen_district
    by_kim = client.get("/info/?kim=kajen").get_data(as_text=True)
    assert "Untuk KIM Kajen" in by_kim and "Untuk Gunungwungkal" not in by_kim
    by_other_kim = client.get("/info/?kim=gulangpongge").get_data(as_text=True)
    assert "Untuk Gunungwungkal" in by_other_kim and "Untuk KIM Kajen" not in by_other_kim
    # Unknown filters are ignored, not errors.
    assert client.get("/info/?kecamatan=xx&kim=tidak-ada&sebelum=abc").status_code == 200


def _kim_options(html: str) -> list[str]:
    box = re.search(r'<div id="info-kim-filter".*?</div>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', box)


def test_the_kim_filter_lists_the_kims_of_the_chosen_kecamatan(client, db, world):
    """Hundreds of KIMs would outweigh the page: the KIM filter waits for a kecamatan and
    then lists its KIMs; htmx brings them with the list when the kecamatan changes."""
    publish(db, world["officer"], title="Untuk KIM Gulangpongge", audience=Audience.KIM,
            groups=[world["gulang"].id])
    every = client.get("/info/").get_data(as_text=True)
    assert _kim_options(every) == []
    assert "Pilih kecamatan untuk menyaring menurut KIM." in every
    page = client.get(f"/info/?kecamatan={GUNUNGWUNGKAL}").get_data(as_text=True)
    assert set(_kim_options(page)) == {"gulangpongge", "sumberejo", "gajihan"}
    fragment = client.get(f"/info/?kecamatan={GUNUNGWUNGKAL}", headers=HX).get_data(as_text=True)
    assert 'id="info-kim-filter" hx-swap-oob="true"' in fragment
    assert set(_kim_options(fragment)) == {"gulangpongge", "sumberejo", "gajihan"}
    assert "hx-swap-oob" not in page.split('id="info-kim-filter"')[1][:20]  # the page: in place
    # A KIM from a link brings its own kecamatan's KIMs, chosen.
    linked = client.get("/info/?kim=gulangpongge").get_data(as_text=True)
    assert set(_kim_options(linked)) == {"gulangpongge", "sumberejo", "gajihan"}
    assert '<option value="gulangpongge" selected>' in linked
    assert "Untuk KIM Gulangpongge" in linked
    # A KIM of another kecamatan than the one chosen is dropped: the kecamatan decides.
    other = client.get(f"/info/?kecamatan={district_of(world['kajen'])}&kim=gulangpongge")
    html = other.get_data(as_text=True)
    assert other.status_code == 200 and "kajen" in _kim_options(html)
    assert "gulangpongge" not in _kim_options(html)
    assert "Untuk KIM Gulangpongge" not in html


def test_list_searches_titles_and_text_by_stem(client, db, world):
    publish(db, world["officer"], title="Pemadaman listrik bergilir")
    publish(db, world["officer"], title="Jalan berlubang segera diperbaiki",
            audience=Audience.KIM, groups=[world["kajen"].id])
    publish(db, world["officer"], title="Jadwal vaksinasi ternak")

    page = client.get("/info/?q=lubang").get_data(as_text=True)
    assert "Jalan berlubang segera diperbaiki" in page
    assert "Pemadaman listrik" not in page and "Jadwal vaksinasi" not in page
    assert 'value="lubang"' in page
    fragment = client.get("/info/?q=listrik", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="info-list"')
    assert "Pemadaman listrik bergilir" in fragment and "Jalan berlubang" not in fragment
    # The text counts too ("Isi pengumuman ini."), and filters combine with the words.
    assert "Jadwal vaksinasi ternak" in client.get("/info/?q=pengumuman").get_data(as_text=True)
    by_other_kim = client.get("/info/?q=lubang&kim=gulangpongge").get_data(as_text=True)
    assert "Jalan berlubang" not in by_other_kim
    nothing = client.get("/info/?q=kapalselam").get_data(as_text=True)
    assert "Belum ada pengumuman yang berlaku untuk pilihan ini." in nothing


def test_list_search_keeps_its_words_when_loading_more(client, db, world):
    start = utcnow() - timedelta(days=40)
    for number in range(services.PAGE_SIZE + 2):
        publish(db, world["officer"], title=f"Lomba desa nomor {number:02d}",
                when=start + timedelta(hours=number))
    publish(db, world["officer"], title="Pemadaman listrik bergilir")
    first = client.get("/info/?q=lomba").get_data(as_text=True)
    more = re.search(r'hx-get="(/info/lagi\?[^"]+)"', first).group(1).replace("&amp;", "&")
    assert "q=lomba" in more
    rest = client.get(more, headers=HX).get_data(as_text=True)
    assert "Lomba desa nomor 00" in rest and "Pemadaman" not in rest


def test_list_htmx_fragment_and_full_page(client, db, world):
    publish(db, world["officer"], title="Pengumuman satu")
    full = client.get("/info/?kim=kajen")
    fragment = client.get("/info/?kim=kajen", headers=HX)
    assert "<html" in full.get_data(as_text=True)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<section id="info-list"')
    assert "Pengumuman satu" in html
    assert "HX-Request" in fragment.headers["Vary"]
    assert fragment.headers["Cache-Control"] == "no-store"


def test_list_pages_with_load_more(client, db, world):
    start = utcnow() - timedelta(days=40)
    for number in range(services.PAGE_SIZE + 3):
        publish(db, world["officer"], title=f"Pengumuman nomor {number:02d}",
                when=start + timedelta(hours=number))
    first = client.get("/info/").get_data(as_text=True)
    assert "Pengumuman nomor 22" in first and "Pengumuman nomor 03" in first
    assert "Pengumuman nomor 02" not in first
    more = re.search(r'hx-get="(/info/lagi\?sebelum=\d+)"', first).group(1)
    plain = re.search(r'href="(/info/\?sebelum=\d+)"', first).group(1)
    rest = client.get(more, headers=HX).get_data(as_text=True)
    assert "<html" not in rest and rest.lstrip().startswith("<li")
    assert all(f"Pengumuman nomor {n:02d}" in rest for n in (0, 1, 2))
    assert "Pengumuman nomor 03" not in rest and "Muat lebih banyak" not in rest
    page_two = client.get(plain).get_data(as_text=True)
    assert "<html" in page_two and "Pengumuman nomor 00" in page_two
    assert client.get(more).status_code == 302


def test_expired_announcements_leave_the_list_but_keep_their_page(client, db, world):
    gone = publish(db, world["officer"], title="Sudah berakhir kemarin")
    gone.expires_on = services.today() - timedelta(days=1)
    db.session.commit()
    publish(db, world["officer"], title="Masih berlaku", expires_on=services.today())
    html = client.get("/info/").get_data(as_text=True)
    assert "Masih berlaku" in html and "Sudah berakhir kemarin" not in html
    page = client.get(f"/info/{gone.id}").get_data(as_text=True)
    assert "sudah berakhir" in page


def test_list_queries_do_not_grow(client, db, world, query_counter):
    def count():
        with query_counter() as queries:
            assert client.get("/info/").status_code == 200
        return len(queries)

    publish(db, world["officer"], audience=Audience.KECAMATAN, districts=[GUNUNGWUNGKAL])
    small = count()
    for number in range(25):
        publish(db, world["officer"], title=f"Pengumuman {number}", audience=Audience.KIM,
                groups=[world["kajen"].id, world["gulang"].id])
    assert count() == small


def test_body_markdown_is_sanitised(client, db, world):
    with client.application.test_request_context("/"):
        announcement = services.publish(
            world["officer"], title="Uji markdown", audience=Audience.KABUPATEN,
            body="**Penting** <script>alert(1)</script> [tautan](javascript:alert(1))",
        )
        db.session.commit()
    html = client.get(f"/info/{announcement.id}").get_data(as_text=True)
    assert "<strong>Penting</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_home_shows_the_persons_kecamatan_and_kims_first(client, db, world):
    now = utcnow()
    publish(db, world["officer"], title="Untuk Gunungwungkal", audience=Audience.KECAMATAN,
            districts=[GUNUNGWUNGKAL], when=now - timedelta(days=3))
    publish(db, world["officer"], title="Untuk KIM Kajen", audience=Audience.KIM,
            groups=[world["kajen"].id], when=now - timedelta(days=2))
    publish(db, world["officer"], title="Untuk seluruh kabupaten", when=now - timedelta(days=1))
    guest = client.get("/").get_data(as_text=True)
    assert guest.index("Untuk seluruh kabupaten") < guest.index("Untuk Gunungwungkal")
    login(client, world["tetangga"])  # lives in Gunungwungkal
    html = client.get("/").get_data(as_text=True)
    assert html.index("Untuk Gunungwungkal") < html.index("Untuk seluruh kabupaten")
    member = client.application.test_client()
    login(member, world["anggota_kajen"])  # member of KIM Kajen
    html = member.get("/").get_data(as_text=True)
    assert html.index("Untuk KIM Kajen") < html.index("Untuk seluruh kabupaten")


def test_nav_has_info_link(client):
    nav = client.get("/").get_data(as_text=True).split('class="area-nav"')[1].split("</nav>")[0]
    assert re.search(r'<a href="/info/"[^>]*>(<svg .*?</svg>)?<span>Info</span></a>', nav)


def test_share_text_and_whatsapp_link(app, db, world):
    announcement = publish(db, world["officer"], title="Pasar murah & sembako")
    with app.test_request_context("/"):
        text = services.share_text(announcement)
        link = services.whatsapp_link(text)
    assert text.startswith("*Pasar murah & sembako*")
    assert "Isi pengumuman ini." in text and "**" not in text.split("\n", 1)[1]
    assert text.endswith(f"http://localhost/info/{announcement.id}")
    assert link.startswith("https://wa.me/?text=%2APasar%20murah%20%26%20sembako%2A")


def test_demo_loader_is_idempotent(app, db, petugas):
    from kim_app.info import demo

    with app.test_request_context("/"):
        first = demo.load()
        db.session.commit()
        second = demo.load()
        db.session.commit()
    assert "created" in first
    assert db.session.scalar(select(func.count()).select_from(Announcement)) >= 3
    assert db.session.scalar(select(func.count()).select_from(Relay)) >= 1
    assert first != second
