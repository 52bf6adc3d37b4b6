"""Admins edit question categories and agencies (/admin/kategori, /admin/instansi); the seed
keeps their edits."""

import pytest
from sqlalchemy import func, select

from kim_app.models import Agency, AuditEvent, Category
from tests.conftest import HX, field_error, login
from tests.threads.conftest import agency, category


@pytest.mark.parametrize("kind", ["kategori", "instansi"])
@pytest.mark.parametrize("role, expected", [("guest", 302), ("warga", 403), ("petugas", 403),
                                            ("admin", 200)])
def test_only_admins_manage_the_lists(client, warga, petugas, admin, kind, role, expected):
    people = {"warga": warga, "petugas": petugas, "admin": admin}
    if role != "guest":
        login(client, people[role])
    assert client.get(f"/admin/{kind}").status_code == expected
    response = client.post(f"/admin/{kind}", data={"new-name": "Baru"})
    assert response.status_code == (302 if role in ("guest", "admin") else expected)


def test_admin_adds_renames_and_switches_off_a_category(client, db, admin):
    login(client, admin)
    html = client.get("/admin/kategori").get_data(as_text=True)
    assert "Administrasi kependudukan" in html and "Kesehatan" in html
    response = client.post("/admin/kategori", data={
        "new-name": "Pariwisata dan budaya", "new-description": "Objek wisata, event",
        "new-position": "5", "new-active": "y"})
    assert response.status_code == 302
    created = db.session.scalar(select(Category).where(Category.slug == "pariwisata-dan-budaya"))
    assert created.active and created.position == 5
    health = category("kesehatan")
    response = client.post(f"/admin/kategori/{health.id}", data={
        f"r{health.id}-name": "Kesehatan dan gizi", f"r{health.id}-position": "1"})
    assert response.status_code == 302
    db.session.refresh(health)
    assert (health.name, health.active) == ("Kesehatan dan gizi", False)
    client.get("/admin/kategori")  # the flash message is shown there
    ask_html = client.get("/tanya/baru").get_data(as_text=True)
    assert "Kesehatan dan gizi" not in ask_html  # switched off: not offered to askers
    assert "Pariwisata dan budaya" in ask_html
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_admin_form_errors_keep_the_input(client, db, admin):
    login(client, admin)
    response = client.post("/admin/instansi", data={"new-short_name": "DINAS-X"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "new-name") == "Nama wajib diisi."
    assert 'value="DINAS-X"' in html
    dinkes = agency()
    response = client.post(f"/admin/instansi/{dinkes.id}", data={
        f"r{dinkes.id}-name": "x" * 200})
    assert response.status_code == 422
    assert client.post("/admin/instansi/99999", data={}).status_code == 404
    assert client.get("/admin/lainnya").status_code == 404


def test_an_inactive_agency_cannot_be_assigned(client, db, admin):
    dinkes = agency()
    login(client, admin)
    client.post(f"/admin/instansi/{dinkes.id}", data={
        f"r{dinkes.id}-name": dinkes.name, f"r{dinkes.id}-short_name": "Dinkes"})
    db.session.refresh(dinkes)
    assert dinkes.active is False
    from tests.threads.conftest import new_thread

    thread = new_thread(admin)
    client.post(f"/tanya/{thread.code}/verifikasi", data={})
    response = client.post(f"/tanya/{thread.code}/tugaskan", data={"assign-agency": dinkes.id})
    assert response.status_code == 422


def test_seeded_lists_are_realistic_and_the_seed_keeps_admin_edits(runner, db):
    assert db.session.scalar(select(func.count()).select_from(Category)) >= 15
    slugs = set(db.session.scalars(select(Agency.slug)))
    assert {"diskominfo", "disdukcapil", "dinkes", "dpupr", "dispertan"} <= slugs
    health = category("kesehatan")
    health.name = "Kesehatan masyarakat"
    health.active = False
    db.session.delete(agency("bpbd"))
    db.session.commit()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0 and "agency created: 1" in result.output
    db.session.expire_all()
    assert (category("kesehatan").name, category("kesehatan").active) == (
        "Kesehatan masyarakat", False)
    assert "nothing to change" in runner.invoke(args=["seed"]).output


def test_the_list_has_a_fragment_shape(client, admin):
    login(client, admin)
    page = client.get("/admin/instansi")
    fragment = client.get("/admin/instansi", headers=HX)
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert "<html" in page.get_data(as_text=True)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="reference">')
    assert 'hx-post="/admin/instansi"' in html


def test_htmx_add_returns_the_list_with_the_new_row(client, db, admin):
    login(client, admin)
    response = client.post("/admin/kategori", data={"new-name": "Pariwisata"}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    created = db.session.scalar(select(Category).where(Category.slug == "pariwisata"))
    assert f'<li id="kategori-{created.id}"' in html and "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html and "ditambahkan" in html
    assert 'value="Pariwisata"' not in html.split('id="reference-rows"')[0]  # a fresh form
    bad = client.post("/admin/kategori", data={"new-description": "Tanpa nama"}, headers=HX)
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert field_error(html, "new-name") == "Nama wajib diisi."
    assert 'value="Tanpa nama"' in html and "<html" not in html


def test_htmx_edit_returns_the_row(client, db, admin):
    dinkes = agency()
    login(client, admin)
    prefix = f"r{dinkes.id}"
    response = client.post(f"/admin/instansi/{dinkes.id}", headers=HX, data={
        f"{prefix}-name": "Dinas Kesehatan Kabupaten Pati", f"{prefix}-short_name": "Dinkes",
        f"{prefix}-active": "y"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="instansi-{dinkes.id}"')
    assert "Dinas Kesehatan Kabupaten Pati" in html and "disimpan" in html
    detail = db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "agency.updated"))
    assert detail["fields"] == ["name"] and detail["active"] is True
    bad = client.post(f"/admin/instansi/{dinkes.id}", headers=HX, data={
        f"{prefix}-name": "", f"{prefix}-short_name": "x" * 41})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "<details open>" in html and field_error(html, f"{prefix}-name") == "Nama wajib diisi."
    assert field_error(html, f"{prefix}-short_name")
    db.session.refresh(dinkes)
    assert dinkes.name == "Dinas Kesehatan Kabupaten Pati"


def test_an_edit_that_changes_nothing_records_nothing(client, db, admin):
    health = category("kesehatan")
    login(client, admin)
    prefix = f"r{health.id}"
    response = client.post(f"/admin/kategori/{health.id}", data={
        f"{prefix}-name": health.name, f"{prefix}-description": health.description,
        f"{prefix}-position": str(health.position), f"{prefix}-active": "y"},
        follow_redirects=True)
    assert "Tidak ada yang berubah." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_officers_still_reach_the_lists_from_the_inbox_as_admins(client, admin):
    login(client, admin)
    html = client.get("/petugas/").get_data(as_text=True)
    assert 'href="/admin/kategori"' in html and 'href="/admin/instansi"' in html
