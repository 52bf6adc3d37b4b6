"""UU PDP rights: the privacy notice accepted at registration, the data export, deletion."""

import io
import json
import zipfile

import pytest
from sqlalchemy import String, Text, cast, func, select
from sqlalchemy.types import JSON
from werkzeug.datastructures import FileStorage

from kim_app.common import privacy
from kim_app.common.uploads import store_photo
from kim_app.extensions import db as _db
from kim_app.models import (
    Announcement,
    Audience,
    AuditEvent,
    MemberRole,
    Membership,
    MembershipStatus,
    Notification,
    NotificationPreference,
    OutgoingEmail,
    Post,
    PostKind,
    ProductPhoto,
    Relay,
    Role,
    Thread,
    ThreadFollow,
    ThreadPhoto,
    ThreadStatus,
    User,
    Visibility,
)
from kim_app.threads import lifecycle
from tests.business_factories import appoint, business_group, image_bytes, product
from tests.conftest import PASSWORD, login, make_user
from tests.threads.conftest import advance, kim, member, new_thread

NAME = "Wulandari Sukmawati"
EMAIL = "wulan.sukma@contoh.id"


def test_privacy_notice_in_both_languages(client):
    html = client.get("/privasi").get_data(as_text=True)
    assert "Pemberitahuan privasi" in html
    assert privacy.NOTICE_VERSION in html
    assert "Pengguna terhapus" in html and "/akun/data" not in html  # links only when logged in
    client.post("/bahasa", data={"lang": "en"})
    html = client.get("/privasi").get_data(as_text=True)
    assert "Privacy notice" in html
    assert "What we store" in html and "How long" in html and "Your rights" in html


def test_registration_links_the_notice_and_stores_its_acceptance(client, db):
    html = client.get("/auth/daftar").get_data(as_text=True)
    assert 'href="/privasi"' in html and 'name="accept_privacy"' in html
    data = {"name": "Sri Rahayu", "phone": "0812-3456-7000", "password": "padi-menguning-99",
            "password_confirm": "padi-menguning-99", "district": "33.18.17",
            "village": "33.18.17.2003"}
    response = client.post("/auth/daftar", data=data)
    assert response.status_code == 422
    assert "Setujui pemberitahuan privasi" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    response = client.post("/auth/daftar", data={**data, "accept_privacy": "y"})
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.privacy_version == privacy.NOTICE_VERSION
    assert user.privacy_accepted_at is not None


def _upload(user):
    return store_photo(FileStorage(io.BytesIO(image_bytes()), "foto.jpg", "image/jpeg"),
                       uploaded_by=user)


@pytest.fixture
def person(app, tmp_path, monkeypatch):
    """Someone with a trace in every part of the portal."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    user = make_user(name=NAME, email=EMAIL)
    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    neighbour = make_user(name="Joko Tetangga")
    group = kim("gulangpongge")
    ketua = member(group, MemberRole.KETUA, name="Bu Ketua")
    _db.session.add(Membership(user_id=user.id, group_id=group.id, role=MemberRole.SEKRETARIS,
                               status=MembershipStatus.ACTIVE))
    _db.session.add(Membership(user_id=user.id, group_id=kim("kajen").id,
                               status=MembershipStatus.PENDING,
                               message="Saya ingin ikut KIM Kajen."))
    # Other people's notifications were rendered with her name in them.
    _db.session.add(Notification(user_id=ketua.id, kind="membership.requested",
                                 text=f"{NAME} minta bergabung dengan KIM Gulangpongge."))
    _db.session.add(AuditEvent(actor_id=user.id, action="membership.request",
                               object_type="membership", object_id=1))
    public = new_thread(user, title="Jalan desa berlubang di RT 02")
    public.photos.append(ThreadPhoto(photo=_upload(user), position=0))
    private = new_thread(user, title="Bantuan sosial keluarga saya", visibility=Visibility.PRIVATE)
    private.photos.append(ThreadPhoto(photo=_upload(user), position=0))
    anonymous = new_thread(user, title="Pungutan liar di balai desa",
                           visibility=Visibility.ANONYMOUS)
    _db.session.commit()
    advance(public, officer, ThreadStatus.SELESAI)  # answered, then closed and rated by her
    theirs = new_thread(neighbour, title="Lampu jalan mati di perempatan")
    lifecycle.reply(anonymous, user, "Sudah terjadi tiga kali bulan ini.")
    _db.session.add(ThreadFollow(user_id=user.id, thread_id=theirs.id))
    _db.session.add(Notification(user_id=user.id, kind="thread.answered",
                                 text="Pertanyaan Anda sudah dijawab.", link="/tanya/x"))
    _db.session.add(NotificationPreference(user_id=user.id, category="thread", in_app=True,
                                           email=True))
    usaha = business_group(group, name="Batik Tulis Wulan", creator=user)
    appoint(user, usaha)
    item = product(usaha, name="Batik Tulis Motif Kopi")
    item.photos.append(ProductPhoto(photo=_upload(user), position=0))
    announcement = Announcement(author_id=user.id, kim_group_id=group.id,
                                title="Kerja bakti Minggu pagi", body="Kumpul di balai desa.",
                                audience=Audience.KIM)
    _db.session.add(announcement)
    _db.session.flush()
    _db.session.add(Relay(announcement_id=announcement.id, group_id=group.id,
                          relayed_by_id=user.id, note="Mohon hadir semua."))
    _db.session.commit()
    return {"user": user, "public": public, "private": private, "anonymous": anonymous,
            "theirs": theirs, "usaha": usaha, "product": item, "officer": officer,
            "ketua": ketua, "neighbour": neighbour}


def test_export_holds_everything_made_for_the_person(client, person):
    user = person["user"]
    login(client, user)
    response = client.get("/akun/data")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["name"] == NAME and data["account"]["email"] == EMAIL
    assert data["account"]["phone"] == user.phone
    assert data["account"]["village"] == "Gulangpongge, Kecamatan Gunungwungkal"
    assert {(m["kim_slug"], m["role"], m["status"]) for m in data["kim_memberships"]} == {
        ("gulangpongge", "sekretaris", "active"), ("kajen", "anggota", "pending")}
    assert any(m["message"] == "Saya ingin ikut KIM Kajen." for m in data["kim_memberships"])
    codes = {q["code"]: q for q in data["questions"]}
    for key in ("public", "private", "anonymous"):
        assert person[key].code in codes
    assert codes[person["public"].code]["rating"] == 5
    assert codes[person["public"].code]["rating_comment"] == "Terima kasih"
    assert codes[person["private"].code]["visibility"] == "private"
    assert {"thread": person["anonymous"].code, "kind": "reply",
            "body": "Sudah terjadi tiga kali bulan ini."}.items() <= next(
        p for p in data["posts"] if p["thread"] == person["anonymous"].code).items()
    assert person["theirs"].code in [f["thread"] for f in data["follows"]]
    assert {"category": "thread", "in_app": True, "email": True} in data["notification_choices"]
    assert any(n["kind"] == "thread.answered" and n["text"] == "Pertanyaan Anda sudah dijawab."
               for n in data["notifications"])
    assert data["announcements"][0]["title"] == "Kerja bakti Minggu pagi"
    assert data["relays"][0]["note"] == "Mohon hadir semua."
    usaha = data["managed_business_groups"][0]
    assert usaha["name"] == "Batik Tulis Wulan"
    assert usaha["products"][0]["name"] == "Batik Tulis Motif Kopi"
    assert any(a["action"] == "membership.request" for a in data["actions"])
    assert len(data["photos"]) == 3
    names = set(archive.namelist())
    for photo in data["photos"]:
        assert photo in names
        assert archive.read(photo)[:4] == b"RIFF"
    assert codes[person["public"].code]["photos"][0] in names
    assert usaha["products"][0]["photos"][0] in names


def test_export_needs_login(client):
    response = client.get("/akun/data")
    assert response.status_code == 302 and "/auth/masuk" in response.headers["Location"]


def _text_columns():
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                yield table, column


def _holders(value: str) -> list[str]:
    found = []
    for table, column in _text_columns():
        expression = cast(column, Text) if isinstance(column.type, JSON) else column
        hits = _db.session.scalar(select(func.count()).select_from(table).where(
            func.lower(expression).contains(value.lower(), autoescape=True)))
        if hits:
            found.append(f"{table.name}.{column.name}")
    return found


def test_after_deletion_no_table_holds_name_phone_or_email(client, person, db):
    user = person["user"]
    phone, local_phone = user.phone, "0" + user.phone[3:]
    private_id, private_code = person["private"].id, person["private"].code
    # Her email waits in the queue, and the ketua's notification named her.
    db.session.add(OutgoingEmail(user_id=user.id, to_address=EMAIL, subject="Portal KIM",
                                 body=f"Halo {NAME}"))
    db.session.commit()
    assert _holders(NAME) and _holders(phone) and _holders(EMAIL)
    login(client, user)
    page = client.get("/akun/hapus").get_data(as_text=True)
    assert "Pengguna terhapus" in page and 'name="current_password"' in page
    response = client.post("/akun/hapus", data={"current_password": "salah-sekali-1"})
    assert response.status_code == 422
    response = client.post("/akun/hapus", data={"current_password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    for value in (NAME, phone, local_phone, EMAIL):
        assert _holders(value) == [], value
    gone = db.session.get(User, user.id)
    assert gone.name == "Pengguna terhapus" and gone.deleted_at is not None
    assert not gone.active and gone.email is None and gone.village_code is None
    # Public and anonymous questions stay, without her name; the private one is gone.
    assert db.session.get(Thread, person["public"].id) is not None
    assert db.session.get(Thread, person["anonymous"].id) is not None
    assert db.session.get(Thread, private_id) is None
    html = client.get(f"/tanya/{person['public'].code}").get_data(as_text=True)
    assert "Pengguna terhapus" in html and NAME not in html
    assert client.get(f"/tanya/{private_code}").status_code == 404
    # Her reply in her anonymous question stays too.
    assert db.session.scalar(select(func.count()).select_from(Post).where(
        Post.author_id == user.id, Post.kind == PostKind.REPLY)) == 1
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    assert {m.status for m in memberships} == {MembershipStatus.LEFT}
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(ThreadFollow).where(
        ThreadFollow.user_id == user.id)) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.delete"))
    assert event.object_id == user.id
    # The old session is over and the account cannot log in again.
    assert client.get("/akun").status_code == 302
    assert client.post("/auth/masuk", data={"identifier": phone,
                                            "password": PASSWORD}).status_code == 422


def test_last_ketua_hands_over_first(client, db):
    user = make_user(name="Bu Ketua Tunggal")
    group = kim("bermi")
    db.session.add(Membership(user_id=user.id, group_id=group.id, role=MemberRole.KETUA,
                              status=MembershipStatus.ACTIVE))
    db.session.commit()
    login(client, user)
    page = client.get("/akun/hapus").get_data(as_text=True)
    assert "ketua terakhir KIM Bermi" in page
    assert 'name="current_password"' not in page
    response = client.post("/akun/hapus", data={"current_password": PASSWORD})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, user.id).deleted_at is None
    member(group, MemberRole.KETUA, name="Pak Penerus")
    assert client.post("/akun/hapus", data={"current_password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).deleted_at is not None


def test_an_officer_with_official_answers_is_deactivated_not_deleted(client, db):
    officer = make_user(Role.PETUGAS, name="Pak Penjawab", village=None)
    asker = make_user(name="Bu Penanya")
    thread = advance(new_thread(asker), officer, ThreadStatus.DIJAWAB)
    login(client, officer)
    assert "dinonaktifkan, bukan dihapus" in client.get("/akun/hapus").get_data(as_text=True)
    assert client.post("/akun/hapus", data={"current_password": PASSWORD}).status_code == 302
    db.session.expire_all()
    kept = db.session.get(User, officer.id)
    assert kept.name == "Pak Penjawab" and not kept.active and kept.deleted_at is None
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Posyandu buka lagi mulai Senin depan." in html
    assert client.post("/auth/masuk", data={"identifier": officer.phone,
                                            "password": PASSWORD}).status_code == 422
