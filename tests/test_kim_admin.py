"""Admins create, edit, deactivate and reactivate KIM groups; pengurus edit the profile."""

import pytest
from sqlalchemy import select

from kim_app.models import AuditEvent, KimGroup, KimStatus, MemberRole
from tests.conftest import HX, field_error
from tests.membership_helpers import add_member, group, login_as, make_user

TLOGOREJO = "33.18.14.2003"


def test_admin_sees_the_create_button_and_form(client, admin):
    assert "Tambah KIM" not in client.get("/kim/").get_data(as_text=True)
    login_as(client, admin)
    assert 'href="/kim/baru"' in client.get("/kim/").get_data(as_text=True)
    html = client.get("/kim/baru").get_data(as_text=True)
    assert 'hx-get="/auth/desa"' in html and 'name="district"' in html
    assert 'name="choose_district"' in html  # the village list without JS


def test_admin_creates_a_group_by_village_code(client, db, admin):
    village = db.session.scalars(
        select(KimGroup.village_code).where(KimGroup.slug == "kajen")).one()
    district = village.rsplit(".", 1)[0]
    login_as(client, admin)
    response = client.post("/kim/baru", data={
        "name": "KIM Sido Makmur", "district": district, "village": village,
        "description": "Kelompok baru", "contact": "Balai desa", "founded_on": "2024-05-02"})
    assert response.status_code == 302 and response.location == "/kim/sido-makmur"
    created = db.session.scalar(select(KimGroup).where(KimGroup.slug == "sido-makmur"))
    assert created.village_code == village and created.status == KimStatus.AKTIF
    assert created.founded_on.isoformat() == "2024-05-02"
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.kim_group_id == created.id)) == "kim.create"
    html = client.get("/kim/sido-makmur").get_data(as_text=True)
    assert "KIM Sido Makmur dibuat" in html and "Kelompok baru" in html
    # the same name again gets its own slug
    client.post("/kim/baru", data={"name": "KIM Sido Makmur", "district": district,
                                   "village": village})
    assert db.session.scalar(select(KimGroup.id).where(KimGroup.slug == "sido-makmur-2"))


def test_a_group_named_like_a_page_does_not_take_its_path(client, db, admin):
    login_as(client, admin)
    response = client.post("/kim/baru", data={"name": "KIM Baru", "district": "33.18.16",
                                              "village": group("kajen").village_code})
    assert response.location == "/kim/baru-2"


def test_create_refuses_bad_input_and_keeps_it(client, db, admin):
    login_as(client, admin)
    before = db.session.scalar(select(KimGroup.id).order_by(KimGroup.id.desc()))
    response = client.post("/kim/baru", data={
        "name": "KIM Salah Tempat", "district": "33.18.01", "village": TLOGOREJO,
        "founded_on": "2999-01-01", "contact": "Pak RT"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "village") == "Desa/kelurahan ini tidak ada di kecamatan yang dipilih."
    assert field_error(html, "founded_on") == "Tanggal dibentuk tidak boleh di masa depan."
    assert 'value="KIM Salah Tempat"' in html and 'value="Pak RT"' in html
    response = client.post("/kim/baru", data={"name": "", "founded_on": "kemarin"})
    html = response.get_data(as_text=True)
    assert field_error(html, "name") == "Nama KIM wajib diisi."
    assert field_error(html, "district") == "Pilih kecamatan tempat KIM ini berada."
    assert field_error(html, "founded_on").startswith("Tanggal tidak valid")
    assert db.session.scalar(select(KimGroup.id).order_by(KimGroup.id.desc())) == before


def test_choosing_a_kecamatan_without_js_lists_its_villages(client, admin):
    login_as(client, admin)
    response = client.post("/kim/baru", data={"name": "KIM X", "district": "33.18.14",
                                              "choose_district": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{TLOGOREJO}"' in html
    assert field_error(html, "village") is None


def test_village_picker_fragment_is_shared_with_registration(client, admin):
    login_as(client, admin)
    html = client.get("/auth/desa?district=33.18.14", headers=HX).get_data(as_text=True)
    assert html.lstrip().startswith('<div id="village-field">')
    assert TLOGOREJO in html


def test_admin_edits_name_and_village(client, db, admin):
    login_as(client, admin)
    html = client.get("/kim/kajen/ubah").get_data(as_text=True)
    kajen = group("kajen")
    assert f'<option selected value="{kajen.village_code}">' in html
    response = client.post("/kim/kajen/ubah", data={
        "name": "KIM Kajen Raya", "district": "33.18.14", "village": TLOGOREJO,
        "description": "", "contact": ""})
    assert response.location == "/kim/kajen"
    db.session.expire_all()
    kim = group("kajen")
    assert kim.name == "KIM Kajen Raya" and kim.village_code == TLOGOREJO
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "kim.update"))
    assert detail["fields"] == ["name", "village_code"]


@pytest.mark.parametrize("role", [MemberRole.KETUA, MemberRole.BENDAHARA])
def test_pengurus_edit_the_profile(client, db, role):
    kajen = group("kajen")
    pengurus = make_user(name="Pengurus")
    add_member(pengurus, kajen, role)
    login_as(client, pengurus)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert 'href="/kim/kajen/ubah"' in html and 'href="/kim/kajen/anggota"' in html
    response = client.post("/kim/kajen/ubah", data={
        "description": "Kami <b>aktif</b>", "contact": "WA 0812", "founded_on": "2019-08-17"})
    assert response.location == "/kim/kajen"
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Profil KIM disimpan." in html
    assert "Kami &lt;b&gt;aktif&lt;/b&gt;" in html
    assert "17 Agustus 2019" in html
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Pengurus mengubah profil KIM (deskripsi, kontak, tanggal dibentuk)" in html


def test_profile_errors_come_back_with_the_text(client, db):
    kajen = group("kajen")
    ketua = make_user()
    add_member(ketua, kajen, MemberRole.KETUA)
    login_as(client, ketua)
    response = client.post("/kim/kajen/ubah", data={"description": "x" * 2001,
                                                    "contact": "Pak RT"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "description") == "Deskripsi paling banyak 2000 karakter."
    assert "x" * 2001 in html and 'value="Pak RT"' in html
    assert group("kajen").contact == ""


def test_admin_deactivates_and_reactivates(client, db, admin):
    login_as(client, admin)
    html = client.get("/kim/kajen/ubah").get_data(as_text=True)
    assert "Nonaktifkan KIM" in html
    response = client.post("/kim/kajen/status", data={"status": "nonaktif",
                                                      "reason": "Tidak ada kegiatan"})
    assert response.location == "/kim/kajen"
    assert group("kajen").status == KimStatus.NONAKTIF
    html = client.get("/kim/").get_data(as_text=True)
    assert "KIM Kajen" in html and "nonaktif" in html  # the admin still sees it
    client.post("/auth/keluar")
    assert "KIM Kajen" not in client.get("/kim/").get_data(as_text=True)
    login_as(client, admin)
    response = client.post("/kim/kajen/status", data={"status": "nonaktif"},
                           follow_redirects=True)
    assert "Status KIM sudah seperti itu" in response.get_data(as_text=True)
    client.post("/kim/kajen/status", data={"status": "aktif"})
    assert group("kajen").status == KimStatus.AKTIF
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "menonaktifkan KIM ini" in html and "Tidak ada kegiatan" in html
    assert "mengaktifkan kembali KIM ini" in html


def test_unknown_status_is_refused(client, db, admin):
    login_as(client, admin)
    response = client.post("/kim/kajen/status", data={"status": "dibubarkan"},
                           follow_redirects=True)
    assert "Status KIM tidak dikenal" in response.get_data(as_text=True)
    assert group("kajen").status == KimStatus.AKTIF


def test_unknown_group_answers_404_for_admin_pages(client, admin):
    login_as(client, admin)
    assert client.get("/kim/tidak-ada/ubah").status_code == 404
    assert client.post("/kim/tidak-ada/status", data={"status": "aktif"}).status_code == 404
