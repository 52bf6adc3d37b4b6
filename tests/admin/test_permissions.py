"""Who may use the admin area: every route and action × every role, through HTTP.

Today's rules: KIM groups, categories and agencies are the admins' alone (a petugas uses
the lists but does not change them, and opens the admin area for its moderation queue); a
guest is sent to log in; nobody else changes anything. The header shows "Admin" to exactly
the people the area opens for.
"""

import pytest
from sqlalchemy import func, select

from kim_app.models import Agency, AuditEvent, Category, KimGroup, KimStatus, MemberRole
from tests.conftest import HX
from tests.membership_helpers import group, login_as, person_with_role

ROLES = ["guest", "warga", "pengurus", "petugas", "admin"]


@pytest.fixture
def people(warga, petugas, admin):
    return {"warga": warga, "petugas": petugas, "admin": admin,
            "pengurus": person_with_role(group("kajen"), MemberRole.KETUA, "Ketua Kajen")}


def _actions(db) -> dict:
    kajen = group("kajen")
    category = db.session.scalar(select(Category).where(Category.slug == "kesehatan"))
    agency = db.session.scalar(select(Agency).where(Agency.slug == "dinkes"))
    new_group = {"name": "KIM Sido Makmur", "district": "33.18.16",
                 "village": kajen.village_code}
    return {
        "index": ("get", "/admin/", None, 200),
        "categories": ("get", "/admin/kategori", None, 200),
        "add_category": ("post", "/admin/kategori", {"new-name": "Pariwisata"}, 302),
        "edit_category": ("post", f"/admin/kategori/{category.id}",
                          {f"r{category.id}-name": "Kesehatan dan gizi",
                           f"r{category.id}-active": "y"}, 302),
        "agencies": ("get", "/admin/instansi", None, 200),
        "add_agency": ("post", "/admin/instansi", {"new-name": "Dinas Pariwisata"}, 302),
        "edit_agency": ("post", f"/admin/instansi/{agency.id}",
                        {f"r{agency.id}-name": "Dinas Kesehatan Kabupaten",
                         f"r{agency.id}-active": "y"}, 302),
        "kim_list": ("get", "/admin/kim", None, 200),
        "kim_new": ("get", "/admin/kim/baru", None, 200),
        "kim_create": ("post", "/admin/kim/baru", new_group, 302),
        "kim_page": ("get", "/admin/kim/kajen", None, 200),
        "kim_edit": ("post", "/admin/kim/kajen", {**new_group, "name": "KIM Kajen Raya",
                                                   "village": kajen.village_code}, 302),
        "kim_status": ("post", "/admin/kim/kajen/status", {"status": "nonaktif"}, 302),
    }


ACTIONS = ["index", "categories", "add_category", "edit_category", "agencies", "add_agency",
           "edit_agency", "kim_list", "kim_new", "kim_create", "kim_page", "kim_edit",
           "kim_status"]


def _state(db):
    db.session.expire_all()
    kajen = group("kajen")
    return (
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(KimGroup)),
        tuple(db.session.scalars(select(Category.name).order_by(Category.id))),
        tuple(db.session.scalars(select(Agency.name).order_by(Agency.id))),
        (kajen.name, kajen.status),
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(client, db, people, role, action):
    method, url, data, allowed_status = _actions(db)[action]
    if role != "guest":
        login_as(client, people[role])
    before = _state(db)
    response = getattr(client, method)(url, data=data)
    after = _state(db)
    if role == "guest":
        assert response.status_code == 302
        assert response.location.startswith("/auth/masuk?next=")
        assert after == before
    elif role == "petugas" and action == "index":  # the moderation queue is theirs
        assert response.status_code == 200
    elif role != "admin":
        assert response.status_code == 403, response.get_data(as_text=True)[:300]
        assert after == before
    else:
        assert response.status_code == allowed_status, response.get_data(as_text=True)[:500]
        if method == "post":
            assert after != before
            assert after[0] == before[0] + 1  # exactly one audit event per change


@pytest.mark.parametrize("role", ROLES)
def test_htmx_requests_get_the_same_answers(client, db, people, role):
    if role != "guest":
        login_as(client, people[role])
    response = client.get("/admin/kim", headers=HX)
    expected = {"guest": 401, "admin": 200}.get(role, 403)
    assert response.status_code == expected
    if role == "guest":
        assert response.headers["HX-Redirect"].startswith("/auth/masuk?next=/admin/kim")
    elif role != "admin":
        assert response.headers["HX-Retarget"] == "#flash"
        assert "<html" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_admin_link_in_the_header_only_for_those_it_opens_for(client, people, role):
    if role != "guest":
        login_as(client, people[role])
    html = client.get("/").get_data(as_text=True)
    assert ('href="/admin/"' in html) == (role in ("admin", "petugas"))


def test_index_lists_the_sections(client, admin):
    login_as(client, admin)
    html = client.get("/admin/").get_data(as_text=True)
    for href, title in (("/admin/kim", "Kelompok KIM"), ("/admin/kategori", "Kategori pertanyaan"),
                        ("/admin/instansi", "Instansi (OPD)")):
        assert f'href="{href}"' in html and title in html


def test_a_deactivated_group_still_opens_for_admins(client, db, admin):
    kajen = group("kajen")
    kajen.status = KimStatus.NONAKTIF
    db.session.commit()
    login_as(client, admin)
    assert client.get("/admin/kim/kajen").status_code == 200
