"""Admins edit question categories and agencies; the seed keeps their edits."""

import pytest
from sqlalchemy import func, select

from kim_app.models import Agency, AuditEvent, Category
from tests.conftest import field_error, login
from tests.threads.conftest import agency, category


@pytest.mark.parametrize("kind", ["kategori", "instansi"])
@pytest.mark.parametrize("role, expected", [("guest", 302), ("warga", 403), ("petugas", 403),
                                            ("admin", 200)])
def test_only_admins_manage_the_lists(client, warga, petugas, admin, kind, role, expected):
    people = {"warga": warga, "petugas": petugas, "admin": admin}
    if role != "guest":
        login(client, people[role])
    assert client.get(f"/tanya/kelola/{kind}").status_code == expected
    response = client.post(f"/tanya/kelola/{kind}", data={"new-name": "Baru"})
    assert response.status_code == (302 if role in ("guest", "admin") else expected)


def test_admin_adds_renames_and_switches_off_a_category(client, db, admin):
    login(client, admin)
    html = client.get("/tanya/kelola/kategori").get_data(as_text=True)
    assert "Administrasi kependudukan" in html and "Kesehatan" in html
    response = client.post("/tanya/kelola/kategori", data={
        "new-name": "Pariwisata dan budaya", "new-description": "Objek wisata, event",
        "new-position": "5", "new-active": "y"})
    assert response.status_code == 302
    created = db.session.scalar(select(Category).where(Category.slug == "pariwisata-dan-budaya"))
    assert created.active and created.position == 5
    health = category("kesehatan")
    response = client.post(f"/tanya/kelola/kategori/{health.id}", data={
        f"r{health.id}-name": "Kesehatan dan gizi", f"r{health.id}-position": "1"})
    assert response.status_code == 302
    db.session.refresh(health)
    assert (health.name, health.active) == ("Kesehatan dan gizi", False)
    client.get("/tanya/kelola/kategori")  # the flash message is shown there
    ask_html = client.get("/tanya/baru").get_data(as_text=True)
    assert "Kesehatan dan gizi" not in ask_html  # switched off: not offered to askers
    assert "Pariwisata dan budaya" in ask_html
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_admin_form_errors_keep_the_input(client, db, admin):
    login(client, admin)
    response = client.post("/tanya/kelola/instansi", data={"new-short_name": "DINAS-X"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "new-name") == "Nama wajib diisi."
    assert 'value="DINAS-X"' in html
    dinkes = agency()
    response = client.post(f"/tanya/kelola/instansi/{dinkes.id}", data={
        f"r{dinkes.id}-name": "x" * 200})
    assert response.status_code == 422
    assert client.post("/tanya/kelola/instansi/99999", data={}).status_code == 404
    assert client.get("/tanya/kelola/lainnya").status_code == 404


def test_an_inactive_agency_cannot_be_assigned(client, db, admin):
    dinkes = agency()
    login(client, admin)
    client.post(f"/tanya/kelola/instansi/{dinkes.id}", data={
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
