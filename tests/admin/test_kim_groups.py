"""Admins create, edit, deactivate and reactivate KIM groups (/admin/kim)."""

import re

from sqlalchemy import func, select

from kim_app.admin import kim_groups
from kim_app.models import AuditEvent, KimGroup, KimStatus, MemberRole, Membership
from tests.conftest import HX, field_error
from tests.membership_helpers import add_member, group, login_as, make_user

TLOGOREJO = "33.18.14.2003"


def test_admin_sees_the_create_button_and_form(client, admin):
    assert "Tambah KIM" not in client.get("/kim/").get_data(as_text=True)
    login_as(client, admin)
    assert 'href="/admin/kim/baru"' in client.get("/kim/").get_data(as_text=True)
    html = client.get("/admin/kim/baru").get_data(as_text=True)
    assert 'hx-get="/auth/desa"' in html and 'name="district"' in html
    assert 'name="choose_district"' in html  # the village list without JS


def test_admin_creates_a_group_by_village_code(client, db, admin):
    village = db.session.scalars(
        select(KimGroup.village_code).where(KimGroup.slug == "kajen")).one()
    district = village.rsplit(".", 1)[0]
    login_as(client, admin)
    response = client.post("/admin/kim/baru", data={
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
    client.post("/admin/kim/baru", data={"name": "KIM Sido Makmur", "district": district,
                                   "village": village})
    assert db.session.scalar(select(KimGroup.id).where(KimGroup.slug == "sido-makmur-2"))


def test_a_group_named_like_a_page_does_not_take_its_path(client, db, admin):
    login_as(client, admin)
    response = client.post("/admin/kim/baru", data={"name": "KIM Baru", "district": "33.18.16",
                                              "village": group("kajen").village_code})
    assert response.location == "/kim/baru-2"


def test_create_refuses_bad_input_and_keeps_it(client, db, admin):
    login_as(client, admin)
    before = db.session.scalar(select(KimGroup.id).order_by(KimGroup.id.desc()))
    response = client.post("/admin/kim/baru", data={
        "name": "KIM Salah Tempat", "district": "33.18.01", "village": TLOGOREJO,
        "founded_on": "2999-01-01", "contact": "Pak RT"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "village") == "Desa/kelurahan ini tidak ada di kecamatan yang dipilih."
    assert field_error(html, "founded_on") == "Tanggal dibentuk tidak boleh di masa depan."
    assert 'value="KIM Salah Tempat"' in html and 'value="Pak RT"' in html
    response = client.post("/admin/kim/baru", data={"name": "", "founded_on": "kemarin"})
    html = response.get_data(as_text=True)
    assert field_error(html, "name") == "Nama KIM wajib diisi."
    assert field_error(html, "district") == "Pilih kecamatan tempat KIM ini berada."
    assert field_error(html, "founded_on").startswith("Tanggal tidak valid")
    assert db.session.scalar(select(KimGroup.id).order_by(KimGroup.id.desc())) == before


def test_choosing_a_kecamatan_without_js_lists_its_villages(client, admin):
    login_as(client, admin)
    response = client.post("/admin/kim/baru", data={"name": "KIM X", "district": "33.18.14",
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
    html = client.get("/admin/kim/kajen").get_data(as_text=True)
    kajen = group("kajen")
    assert f'<option selected value="{kajen.village_code}">' in html
    response = client.post("/admin/kim/kajen", data={
        "name": "KIM Kajen Raya", "district": "33.18.14", "village": TLOGOREJO,
        "description": "", "contact": ""})
    assert response.location == "/kim/kajen"
    db.session.expire_all()
    kim = group("kajen")
    assert kim.name == "KIM Kajen Raya" and kim.village_code == TLOGOREJO
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "kim.update"))
    assert detail["fields"] == ["name", "village_code"]


def test_admin_deactivates_and_reactivates(client, db, admin):
    login_as(client, admin)
    html = client.get("/admin/kim/kajen").get_data(as_text=True)
    assert "Nonaktifkan KIM" in html
    response = client.post("/admin/kim/kajen/status", data={"status": "nonaktif",
                                                      "reason": "Tidak ada kegiatan"})
    assert response.location == "/kim/kajen"
    assert group("kajen").status == KimStatus.NONAKTIF
    html = client.get("/kim/").get_data(as_text=True)
    assert "KIM Kajen" in html and "nonaktif" in html  # the admin still sees it
    client.post("/auth/keluar")
    assert "KIM Kajen" not in client.get("/kim/").get_data(as_text=True)
    login_as(client, admin)
    response = client.post("/admin/kim/kajen/status", data={"status": "nonaktif"},
                           follow_redirects=True)
    assert "Status KIM sudah seperti itu" in response.get_data(as_text=True)
    client.post("/admin/kim/kajen/status", data={"status": "aktif"})
    assert group("kajen").status == KimStatus.AKTIF
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "menonaktifkan \u201cKIM Kajen\u201d" in html and "Tidak ada kegiatan" in html
    assert "mengaktifkan kembali \u201cKIM Kajen\u201d" in html


def test_unknown_status_is_refused(client, db, admin):
    login_as(client, admin)
    response = client.post("/admin/kim/kajen/status", data={"status": "dibubarkan"},
                           follow_redirects=True)
    assert "Status KIM tidak dikenal" in response.get_data(as_text=True)
    assert group("kajen").status == KimStatus.AKTIF


def test_unknown_group_answers_404_for_admin_pages(client, admin):
    login_as(client, admin)
    assert client.get("/kim/tidak-ada/ubah").status_code == 404
    assert client.get("/admin/kim/tidak-ada").status_code == 404
    assert client.post("/admin/kim/tidak-ada/status", data={"status": "aktif"}).status_code == 404


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/kim/[^"]+">([^<]+)</a>', html)


def test_the_list_shows_every_group_with_its_status_and_members(client, db, admin):
    kajen = group("kajen")
    kajen.status = KimStatus.NONAKTIF
    db.session.commit()
    add_member(make_user(), group("bermi"))
    login_as(client, admin)
    html = client.get("/admin/kim").get_data(as_text=True)
    assert len(_names(html)) == 18
    row = re.search(rf'<tr id="kim-{kajen.id}" class="inactive">(.*?)</tr>', html, re.S)
    assert row and "Nonaktif" in row.group(1)
    bermi = re.search(rf'<tr id="kim-{group("bermi").id}">(.*?)</tr>', html, re.S).group(1)
    assert "<td>1</td>" in bermi and "Aktif" in bermi


def test_the_list_searches_and_filters(client, db, admin):
    login_as(client, admin)
    assert _names(client.get("/admin/kim?q=KAJEN").get_data(as_text=True)) == ["KIM Kajen"]
    kajen = group("kajen")
    district = kajen.village.district_code
    in_district = _names(client.get(f"/admin/kim?kecamatan={district}").get_data(as_text=True))
    assert "KIM Kajen" in in_district and len(in_district) < 18
    kajen.status = KimStatus.NONAKTIF
    db.session.commit()
    assert _names(client.get("/admin/kim?status=nonaktif").get_data(as_text=True)) == [
        "KIM Kajen"]
    assert len(_names(client.get("/admin/kim?status=aktif").get_data(as_text=True))) == 17
    # unknown filter values are ignored, not errors
    response = client.get("/admin/kim?status=bubar&kecamatan=99.99")
    assert response.status_code == 200 and len(_names(response.get_data(as_text=True))) == 18
    html = client.get("/admin/kim?q=tidak-ada-kim").get_data(as_text=True)
    assert "Tidak ada KIM yang cocok dengan “tidak-ada-kim”." in html


def test_the_list_is_paged_by_cursor_with_a_fragment(client, db, admin, monkeypatch):
    monkeypatch.setattr(kim_groups, "PAGE_SIZE", 5)
    login_as(client, admin)
    everything = []
    url = "/admin/kim?status=aktif"
    pages = 0
    while url:
        response = client.get(url, headers=HX)
        html = response.get_data(as_text=True)
        assert "<html" not in html and html.lstrip().startswith('<section id="admin-kim-list"')
        assert "HX-Request" in response.headers["Vary"]
        names = _names(html)
        assert len(names) <= 5
        everything += names
        pages += 1
        following = re.search(r'href="(/admin/kim\?[^"]*setelah=\d+[^"]*)"', html)
        url = following.group(1).replace("&amp;", "&") if following else None
        if url:
            assert "status=aktif" in url  # the filter travels with the cursor
    assert pages == 4 and len(everything) == 18 == len(set(everything))
    plain = client.get("/admin/kim").get_data(as_text=True)
    assert "<html" in plain and 'hx-push-url="true"' in plain


def test_the_list_queries_do_not_grow_with_the_groups(client, db, admin, query_counter):
    login_as(client, admin)
    client.get("/admin/kim?q=kajen")
    with query_counter() as one:
        client.get("/admin/kim?q=kajen")
    with query_counter() as all_of_them:
        client.get("/admin/kim")
    assert len(all_of_them) == len(one)


def test_the_edit_page_keeps_bad_input(client, db, admin):
    login_as(client, admin)
    response = client.post("/admin/kim/kajen", data={
        "name": "KI", "district": "33.18.16", "village": group("kajen").village_code,
        "contact": "Balai desa"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "name") == "Nama KIM 3 sampai 120 karakter."
    assert 'value="Balai desa"' in html
    assert group("kajen").name == "KIM Kajen"


def test_a_rename_keeps_the_address_and_an_unchanged_save_records_nothing(client, db, admin):
    login_as(client, admin)
    kajen = group("kajen")
    fields = {"district": kajen.village.district_code, "village": kajen.village_code,
              "description": kajen.description, "contact": kajen.contact}
    response = client.post("/admin/kim/kajen", data={**fields, "name": "KIM Kajen"},
                           follow_redirects=True)
    assert "Tidak ada yang berubah." in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "kim.update")) is None
    client.post("/admin/kim/kajen", data={**fields, "name": "KIM Kajen Baru"})
    assert client.get("/kim/kajen").status_code == 200
    assert group("kajen").name == "KIM Kajen Baru"


def test_status_through_htmx_swaps_the_status_box(client, db, admin):
    login_as(client, admin)
    response = client.post("/admin/kim/kajen/status", headers=HX,
                           data={"status": "nonaktif", "reason": "Vakum"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<article class="narrow" id="kim-status">')
    assert "Aktifkan kembali" in html and 'value="aktif"' in html
    assert "dinonaktifkan" in html  # the flash, out of band
    assert group("kajen").status == KimStatus.NONAKTIF
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kim.deactivate"))
    assert event.reason == "Vakum" and event.actor_id == admin.id
    bad = client.post("/admin/kim/kajen/status", headers=HX,
                      data={"status": "aktif", "reason": "x" * 501})
    assert bad.status_code == 422
    assert field_error(bad.get_data(as_text=True), "reason") == "Alasan paling banyak 500 karakter."
    unknown = client.post("/admin/kim/kajen/status", headers=HX, data={"status": "bubar"})
    assert unknown.status_code == 422 and "Status KIM tidak dikenal." in unknown.get_data(
        as_text=True)
    assert group("kajen").status == KimStatus.NONAKTIF


def test_an_inactive_group_stays_out_of_the_public_lists(client, db, admin):
    login_as(client, admin)
    client.post("/admin/kim/kajen/status", data={"status": "nonaktif"})
    client.post("/auth/keluar")
    assert client.get("/kim/kajen").status_code == 404
    assert "KIM Kajen" not in client.get("/kim/").get_data(as_text=True)
    user = make_user()
    login_as(client, user)
    client.post("/kim/kajen/gabung", data={})
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


def test_the_profile_page_links_admins_to_the_admin_page(client, db, admin):
    ketua = make_user(name="Ketua")
    add_member(ketua, group("kajen"), MemberRole.KETUA)
    login_as(client, admin)
    html = client.get("/kim/kajen/ubah").get_data(as_text=True)
    assert 'name="name"' not in html and 'href="/admin/kim/kajen"' in html
    assert 'href="/admin/kim/kajen"' in client.get("/kim/kajen").get_data(as_text=True)
    login_as(client, ketua)
    assert "/admin/" not in client.get("/kim/kajen/ubah").get_data(as_text=True)
    assert "/admin/" not in client.get("/kim/kajen").get_data(as_text=True)
