"""The admin pages' old addresses answer with a permanent redirect to the new ones.

A GET gets 301; a POST gets 308 (method and body kept), so a form left open in a tab
still arrives, and is checked by the new route."""

import pytest
from sqlalchemy import select

from kim_app.models import Category, KimStatus
from tests.conftest import login
from tests.membership_helpers import group


@pytest.mark.parametrize("old, new", [
    ("/tanya/kelola/kategori", "/admin/kategori"),
    ("/tanya/kelola/instansi", "/admin/instansi"),
    ("/kim/baru", "/admin/kim/baru"),
    ("/kim/baru?x=1", "/admin/kim/baru?x=1"),
])
def test_old_pages_answer_301(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.location == new


@pytest.mark.parametrize("old, new", [
    ("/tanya/kelola/kategori", "/admin/kategori"),
    ("/tanya/kelola/instansi/7", "/admin/instansi/7"),
    ("/kim/baru", "/admin/kim/baru"),
    ("/kim/kajen/status", "/admin/kim/kajen/status"),
])
def test_old_form_addresses_answer_308(client, old, new):
    response = client.post(old, data={})
    assert response.status_code == 308
    assert response.location == new


def test_a_redirected_form_still_arrives_and_is_checked(client, db, warga, admin):
    login(client, warga)
    response = client.post("/kim/kajen/status", data={"status": "nonaktif"},
                           follow_redirects=True)
    assert response.status_code == 403
    assert group("kajen").status == KimStatus.AKTIF
    client.post("/auth/keluar")
    login(client, admin)
    client.post("/kim/kajen/status", data={"status": "nonaktif"}, follow_redirects=True)
    assert group("kajen").status == KimStatus.NONAKTIF
    client.post("/tanya/kelola/kategori", data={"new-name": "Pariwisata"},
                follow_redirects=True)
    assert db.session.scalar(select(Category.id).where(Category.name == "Pariwisata"))
    page = client.get("/kim/baru", follow_redirects=True)
    assert page.status_code == 200 and 'name="village"' in page.get_data(as_text=True)

