"""Business groups: who creates them, who manages them, joining, the group and KIM pages."""

import pytest
from sqlalchemy import select

from kim_app.models import (
    AuditEvent,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    MemberRole,
    MembershipStatus,
    Notification,
    Role,
)
from tests import business_factories as bf
from tests.conftest import HX, field_error

GROUP_FORM = {"name": "Batik Tulis Bakaran", "sector": "batik",
              "description": "Batik tulis motif Pati.", "whatsapp": "0812-3456-7890"}


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def test_pengurus_creates_a_business_group(client, db, upload_dir):
    home = bf.kim()
    ketua = bf.person("Pak Ketua", home, MemberRole.KETUA)
    bf.login_as(client, ketua)
    assert client.get(f"/usaha/baru/{home.slug}").status_code == 200
    response = client.post(f"/usaha/baru/{home.slug}", data={
        **GROUP_FORM, "logo": bf.upload(bf.image_bytes("PNG", (400, 400)), "logo.png")})
    group = db.session.scalar(select(BusinessGroup))
    assert response.status_code == 302
    assert response.location == f"/usaha/{group.slug}/kelola"
    assert group.slug == "batik-tulis-bakaran"
    assert group.whatsapp == "+6281234567890"
    assert group.kim_group_id == home.id
    assert group.logo.widths == [320, 400]
    assert db.session.scalar(select(AuditEvent.action)) == "business.create"
    page = client.get(f"/usaha/{group.slug}").get_data(as_text=True)
    assert "Batik Tulis Bakaran" in page and home.name in page
    assert "https://wa.me/6281234567890" in page


@pytest.mark.parametrize(("who", "expected"), [
    ("guest", 302), ("warga", 403), ("anggota", 403), ("pengurus_other", 403),
    ("petugas", 403), ("pengurus", 302), ("admin", 302),
])
def test_who_may_create_a_business_group(client, db, who, expected):
    home = bf.kim()
    users = {
        "warga": lambda: bf.person("Warga"),
        "anggota": lambda: bf.person("Anggota", home),
        "pengurus_other": lambda: bf.person("Ketua lain", bf.other_kim(home), MemberRole.KETUA),
        "petugas": lambda: bf.person("Petugas", account_role=Role.PETUGAS),
        "pengurus": lambda: bf.person("Sekretaris", home, MemberRole.SEKRETARIS),
        "admin": lambda: bf.person("Admin", account_role=Role.ADMIN),
    }
    if who != "guest":
        bf.login_as(client, users[who]())
    response = client.post(f"/usaha/baru/{home.slug}", data=GROUP_FORM)
    assert response.status_code == expected
    created = db.session.scalar(select(BusinessGroup)) is not None
    assert created == (who in ("pengurus", "admin"))
    if who == "guest":
        assert response.location.startswith("/auth/masuk")


def test_bad_group_form_comes_back_with_text_and_errors(client, db):
    home = bf.kim()
    bf.login_as(client, bf.person("Pak Ketua", home, MemberRole.KETUA))
    response = client.post(f"/usaha/baru/{home.slug}", data={
        **GROUP_FORM, "whatsapp": "12345", "name": "X" * 121, "sector": "senjata"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nomor WhatsApp tidak valid" in field_error(html, "whatsapp")
    assert field_error(html, "name") == "Nama 3 sampai 120 karakter."
    assert field_error(html, "sector") == "Pilih bidang usaha."
    assert "Batik tulis motif Pati." in html
    assert db.session.scalar(select(BusinessGroup)) is None


def test_bad_logo_is_refused_with_a_message(client, db, upload_dir):
    home = bf.kim()
    bf.login_as(client, bf.person("Pak Ketua", home, MemberRole.KETUA))
    response = client.post(f"/usaha/baru/{home.slug}", data={
        **GROUP_FORM, "logo": bf.upload(b"%PDF-1.4 bukan", "logo.pdf")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "bukan foto" in field_error(html, "logo")
    assert "Batik Tulis Bakaran" in html
    assert db.session.scalar(select(BusinessGroup)) is None
    assert not upload_dir.exists() or not any(upload_dir.rglob("*.webp"))


def test_group_slugs_stay_unique_and_avoid_reserved_words(app, db):
    from kim_app.business import slugs

    home = bf.kim()
    first = bf.business_group(home, "Kue Bu Sri")
    second = bf.business_group(home, "Kue  Bu Sri!")
    third = bf.business_group(bf.other_kim(home), "kue bu sri")
    assert [first.slug, second.slug, third.slug] == ["kue-bu-sri", "kue-bu-sri-2", "kue-bu-sri-3"]
    assert slugs.group_slug_for("Baru") == "baru-2"
    assert slugs.group_slug_for("!!!") == "usaha"
    assert slugs.slugify("Gethuk Lindri Ñyamleng") == "gethuk-lindri-nyamleng"


def test_editing_the_group_keeps_its_slug_and_replaces_the_logo(client, db, upload_dir):
    home = bf.kim()
    group = bf.business_group(home)
    manager = bf.manager_of(group)
    bf.login_as(client, manager)
    client.post(f"/usaha/{group.slug}/ubah", data={
        **GROUP_FORM, "logo": bf.upload(bf.image_bytes(), "a.jpg")})
    first_files = set(upload_dir.rglob("*.webp"))
    assert len(first_files) == 2
    response = client.post(f"/usaha/{group.slug}/ubah", data={
        **GROUP_FORM, "name": "Nama Baru", "logo": bf.upload(bf.image_bytes(), "b.jpg")})
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.name == "Nama Baru" and group.slug == "keripik-tempe-sumber-rejeki"
    files = set(upload_dir.rglob("*.webp"))
    assert len(files) == 2 and not files & first_files  # the old logo's files are gone


@pytest.mark.parametrize(("who", "expected"), [
    ("anggota", 403), ("manager_other", 403), ("pengurus_other", 403), ("manager", 200),
    ("pengurus", 200), ("admin", 200),
])
def test_who_may_open_the_manage_page(client, db, who, expected):
    home = bf.kim()
    group = bf.business_group(home)
    other = bf.business_group(home, "Gula Aren")
    users = {
        "anggota": lambda: bf.person("Anggota", home),
        "manager_other": lambda: bf.manager_of(other, "Pengelola B"),
        "pengurus_other": lambda: bf.person("Ketua lain", bf.other_kim(home), MemberRole.KETUA),
        "manager": lambda: bf.manager_of(group),
        "pengurus": lambda: bf.person("Ketua", home, MemberRole.KETUA),
        "admin": lambda: bf.person("Admin", account_role=Role.ADMIN),
    }
    bf.login_as(client, users[who]())
    assert client.get(f"/usaha/{group.slug}/kelola").status_code == expected


def test_pengurus_appoints_a_manager_from_active_kim_members(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    ketua = bf.person("Pak Ketua", home, MemberRole.KETUA)
    anggota = bf.person("Bu Anggota", home)
    outsider = bf.person("Orang Luar", bf.other_kim(home))
    bf.login_as(client, ketua)
    page = client.get(f"/usaha/{group.slug}/kelola").get_data(as_text=True)
    assert "Bu Anggota" in page and "Orang Luar" not in page
    response = client.post(f"/usaha/{group.slug}/pengelola", data={"user_id": anggota.id},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<section id="business-members"' in html and "<html" not in html
    assert "Bu Anggota" in html and "Berhentikan sebagai pengelola" in html
    member = db.session.scalar(select(BusinessMember))
    assert member.is_manager and member.decided_by_id == ketua.id
    notice = db.session.scalar(select(Notification).where(Notification.user_id == anggota.id))
    assert "pengelola" in notice.text
    # Someone outside the KIM cannot be appointed, even by crafting the form.
    response = client.post(f"/usaha/{group.slug}/pengelola", data={"user_id": outsider.id})
    assert response.status_code == 302
    assert "anggota aktif" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(select(BusinessMember).where(
        BusinessMember.user_id == outsider.id)) is None
    # An empty choice is a form error, not a crash.
    response = client.post(f"/usaha/{group.slug}/pengelola", data={"user_id": ""})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "user_id")


@pytest.mark.parametrize("who", ["manager", "anggota", "pengurus_other"])
def test_only_pengurus_appoint_or_dismiss_managers(client, db, who):
    home = bf.kim()
    group = bf.business_group(home)
    manager = bf.manager_of(group, "Pengelola Lama")
    target = bf.person("Calon", home)
    users = {
        "manager": manager,
        "anggota": bf.person("Anggota", home),
        "pengurus_other": bf.person("Ketua lain", bf.other_kim(home), MemberRole.KETUA),
    }
    bf.login_as(client, users[who])
    assert client.post(f"/usaha/{group.slug}/pengelola",
                       data={"user_id": target.id}).status_code == 403
    member = db.session.scalar(select(BusinessMember).where(BusinessMember.user_id == manager.id))
    assert client.post(f"/usaha/{group.slug}/anggota/{member.id}/berhenti").status_code == 403
    db.session.refresh(member)
    assert member.is_manager


def test_dismissed_manager_loses_access_to_products(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    manager = bf.manager_of(group)
    ketua = bf.person("Ketua", home, MemberRole.KETUA)
    item = bf.product(group)
    bf.login_as(client, manager)
    assert client.get(f"/usaha/{group.slug}/produk/baru").status_code == 200
    member = db.session.scalar(select(BusinessMember))
    bf.login_as(client, ketua)
    assert client.post(f"/usaha/{group.slug}/anggota/{member.id}/berhenti").status_code == 302
    db.session.refresh(member)
    assert member.role == BusinessRole.ANGGOTA and member.status == BusinessMemberStatus.ACTIVE
    bf.login_as(client, manager)
    assert client.get(f"/usaha/{group.slug}/produk/baru").status_code == 403
    assert client.post(f"/usaha/{group.slug}/{item.slug}/ketersediaan",
                       data={"availability": "habis"}).status_code == 403


@pytest.mark.parametrize("how", [MembershipStatus.LEFT, MembershipStatus.REMOVED])
def test_manager_who_leaves_the_kim_loses_access(client, db, how):
    home = bf.kim()
    group = bf.business_group(home)
    manager = bf.manager_of(group)
    item = bf.product(group)
    bf.login_as(client, manager)
    assert client.get(f"/usaha/{group.slug}/kelola").status_code == 200
    membership = db.session.scalar(select(bf.Membership))
    membership.status = how
    db.session.commit()
    assert client.get(f"/usaha/{group.slug}/kelola").status_code == 403
    assert client.post(f"/usaha/{group.slug}/{item.slug}/hapus").status_code == 403
    assert db.session.get(bf.Product, item.id) is not None


def test_kim_member_asks_to_join_and_a_manager_decides(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    manager = bf.manager_of(group)
    anggota = bf.person("Bu Anggota", home)
    bf.login_as(client, anggota)
    page = client.get(f"/usaha/{group.slug}").get_data(as_text=True)
    assert "Bergabung dengan kelompok usaha ini" in page
    response = client.post(f"/usaha/{group.slug}/gabung", data={"message": "Saya bisa menggoreng"},
                           headers=HX)
    assert response.status_code == 200
    assert "menunggu keputusan" in response.get_data(as_text=True)
    request = db.session.scalar(select(BusinessMember).where(
        BusinessMember.user_id == anggota.id))
    assert request.status == BusinessMemberStatus.PENDING
    assert db.session.scalar(select(Notification).where(Notification.user_id == manager.id))
    # Asking twice is refused with a message.
    again = client.post(f"/usaha/{group.slug}/gabung", data={}, headers=HX)
    assert again.status_code == 403 and again.headers["HX-Retarget"] == "#flash"

    bf.login_as(client, manager)
    page = client.get(f"/usaha/{group.slug}/kelola").get_data(as_text=True)
    assert "Saya bisa menggoreng" in page
    response = client.post(f"/usaha/{group.slug}/anggota/{request.id}/terima", headers=HX)
    assert response.status_code == 200 and "business-members" in response.get_data(as_text=True)
    db.session.refresh(request)
    assert request.status == BusinessMemberStatus.ACTIVE and request.role == BusinessRole.ANGGOTA
    # A decided request cannot be decided again.
    response = client.post(f"/usaha/{group.slug}/anggota/{request.id}/tolak")
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == BusinessMemberStatus.ACTIVE
    # A plain member cannot manage products.
    bf.login_as(client, anggota)
    assert client.get(f"/usaha/{group.slug}/produk/baru").status_code == 403


def test_outsiders_cannot_join_and_other_managers_cannot_decide(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    other = bf.business_group(home, "Gula Aren")
    outsider = bf.person("Orang Luar", bf.other_kim(home))
    bf.login_as(client, outsider)
    assert "Bergabung dengan" not in client.get(f"/usaha/{group.slug}").get_data(as_text=True)
    response = client.post(f"/usaha/{group.slug}/gabung", data={})
    assert response.status_code == 302
    assert db.session.scalar(select(BusinessMember)) is None
    request = bf.appoint(bf.person("Bu Anggota", home), group, BusinessRole.ANGGOTA,
                         BusinessMemberStatus.PENDING)
    bf.login_as(client, bf.manager_of(other, "Pengelola B"))
    assert client.post(f"/usaha/{group.slug}/anggota/{request.id}/terima").status_code == 403
    # The id of group A's request through group B's URL is unknown there.
    assert client.post(f"/usaha/{other.slug}/anggota/{request.id}/terima").status_code == 404
    db.session.refresh(request)
    assert request.status == BusinessMemberStatus.PENDING


def test_join_message_too_long_comes_back(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    bf.login_as(client, bf.person("Bu Anggota", home))
    response = client.post(f"/usaha/{group.slug}/gabung", data={"message": "x" * 501})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "message")


def test_kim_page_lists_its_business_groups(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    bf.product(group)
    bf.product(group, "Tersembunyi", published=False)
    bf.business_group(bf.other_kim(home), "Usaha KIM Lain")
    html = client.get(f"/kim/{home.slug}").get_data(as_text=True)
    assert group.name in html and f'href="/usaha/{group.slug}"' in html
    assert "1 produk" in html
    assert "Usaha KIM Lain" not in html
    assert "Buat kelompok usaha" not in html
    bf.login_as(client, bf.person("Ketua", home, MemberRole.KETUA))
    assert "Buat kelompok usaha" in client.get(f"/kim/{home.slug}").get_data(as_text=True)


def test_kim_page_after_a_refused_join_still_lists_its_business_groups(client, db):
    home = bf.kim()
    group = bf.business_group(home)
    bf.product(group)
    bf.login_as(client, bf.person("Warga Baru"))
    response = client.post(f"/kim/{home.slug}/gabung", data={"message": "x" * 501})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and field_error(html, "message")
    assert group.name in html and "1 produk" in html
    assert 'id="kim-relays"' in html and "Buat kelompok usaha" not in html


def test_group_page_shows_only_published_products(client, db):
    group = bf.business_group(bf.kim())
    bf.product(group, "Keripik Tampil")
    bf.product(group, "Keripik Rahasia", published=False)
    html = client.get(f"/usaha/{group.slug}").get_data(as_text=True)
    assert "Keripik Tampil" in html and "Keripik Rahasia" not in html
    assert client.get("/usaha/tidak-ada").status_code == 404


def test_groups_of_an_inactive_kim_are_hidden(client, db):
    from kim_app.models import KimStatus

    home = bf.kim()
    group = bf.business_group(home)
    bf.product(group)
    home.status = KimStatus.NONAKTIF
    db.session.commit()
    assert client.get(f"/usaha/{group.slug}").status_code == 404
    assert "Keripik Tempe" not in client.get("/usaha/").get_data(as_text=True)
