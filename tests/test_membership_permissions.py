"""Who may do what to KIM Kajen: every role × every action, through HTTP.

A role that may not act gets 403 (a guest is sent to log in) and nothing changes; a role that
may act changes exactly what the action says.
"""

import pytest
from sqlalchemy import select

from kim_app.models import KimGroup, KimStatus, MemberRole, Membership, MembershipStatus, Role
from tests.membership_helpers import add_member, group, login_as, make_user, membership_of

ROLES = ["guest", "warga", "anggota", "ketua", "sekretaris", "pengurus_lain", "admin"]
PENGURUS = {"ketua", "sekretaris", "admin"}

ALLOWED = {
    "request": {"warga", "pengurus_lain", "admin"},  # members already belong
    "view_members": PENGURUS,
    "view_history": PENGURUS,
    "approve": PENGURUS,
    "reject": PENGURUS,
    "change_role": {"ketua", "admin"},  # only a ketua appoints pengurus
    "remove": PENGURUS,
    "remove_pengurus": {"ketua", "admin"},
    "edit": PENGURUS,
    "create_group": {"admin"},
    "set_status": {"admin"},
}


@pytest.fixture
def world(db):
    kajen, bermi = group("kajen"), group("bermi")
    people = {
        "warga": make_user(name="Warga Biasa"),
        "anggota": make_user(name="Anggota Kajen"),
        "ketua": make_user(name="Ketua Kajen"),
        "sekretaris": make_user(name="Sekretaris Kajen"),
        "pengurus_lain": make_user(name="Ketua Bermi"),
        "admin": make_user(Role.ADMIN, name="Admin"),
    }
    add_member(people["anggota"], kajen)
    add_member(people["ketua"], kajen, MemberRole.KETUA)
    add_member(people["sekretaris"], kajen, MemberRole.SEKRETARIS)
    add_member(people["pengurus_lain"], bermi, MemberRole.KETUA)
    target = add_member(make_user(name="Anggota Sasaran"), kajen)
    bendahara = add_member(make_user(name="Bendahara Kajen"), kajen, MemberRole.BENDAHARA)
    applicant = add_member(make_user(name="Pemohon"), kajen, status=MembershipStatus.PENDING)
    return {"kajen": kajen, "people": people, "target": target.id,
            "bendahara": bendahara.id, "applicant": applicant.id}


def _status(db, membership_id):
    db.session.expire_all()
    membership = db.session.get(Membership, membership_id)
    return membership.status, membership.role


def _kajen(db):
    db.session.expire_all()
    kim = db.session.scalar(select(KimGroup).where(KimGroup.slug == "kajen"))
    return kim.contact, kim.status


def _act(client, action, w):
    """Do the action; return the response."""
    urls = {
        "request": ("post", "/kim/kajen/gabung", {"message": "Halo"}),
        "view_members": ("get", "/kim/kajen/anggota", None),
        "view_history": ("get", "/kim/kajen/riwayat", None),
        "approve": ("post", f"/kim/kajen/anggota/{w['applicant']}/setujui", {}),
        "reject": ("post", f"/kim/kajen/anggota/{w['applicant']}/tolak", {}),
        "change_role": ("post", f"/kim/kajen/anggota/{w['target']}/peran",
                        {"role": "sekretaris"}),
        "remove": ("post", f"/kim/kajen/anggota/{w['target']}/keluarkan", {}),
        "remove_pengurus": ("post", f"/kim/kajen/anggota/{w['bendahara']}/keluarkan", {}),
        "edit": ("post", "/kim/kajen/ubah", {"contact": "Kontak baru", "description": "",
                                               "name": "KIM Kajen", "district": "33.18.16",
                                               "village": w["kajen"].village_code}),
        "create_group": ("post", "/admin/kim/baru", {"name": "KIM Baru Sekali",
                                                     "district": "33.18.16",
                                                     "village": w["kajen"].village_code}),
        "set_status": ("post", "/admin/kim/kajen/status", {"status": "nonaktif"}),
    }
    method, url, data = urls[action]
    return getattr(client, method)(url, data=data)


def _snapshot(db, action, w):
    if action in ("approve", "reject"):
        return _status(db, w["applicant"])
    if action in ("change_role", "remove"):
        return _status(db, w["target"])
    if action == "remove_pengurus":
        return _status(db, w["bendahara"])
    if action in ("edit", "set_status"):
        return _kajen(db)
    if action == "create_group":
        return db.session.scalar(select(KimGroup.id).where(KimGroup.name == "KIM Baru Sekali"))
    return None


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(client, db, world, role, action):
    if role != "guest":
        login_as(client, world["people"][role])
    before = _snapshot(db, action, world)
    response = _act(client, action, world)
    after = _snapshot(db, action, world)
    allowed = role in ALLOWED[action]

    if role == "guest":
        assert response.status_code == 302
        assert response.location.startswith("/auth/masuk")
        assert after == before
        if action == "request":
            assert db.session.scalar(select(Membership.id).where(
                Membership.message == "Halo")) is None
        return

    if action == "request":
        user = world["people"][role]
        membership = membership_of(user, world["kajen"])
        if allowed:
            assert response.status_code == 302
            assert membership.status == MembershipStatus.PENDING
        else:  # already a member: refused with a message, nothing added
            assert response.status_code == 302
            assert membership.status == MembershipStatus.ACTIVE
            html = client.get(response.location).get_data(as_text=True)
            assert "Anda sudah menjadi anggota KIM ini." in html
        return

    if not allowed:
        assert response.status_code == 403, response.get_data(as_text=True)[:300]
        assert after == before
        return

    assert response.status_code in (200, 302)
    if action.startswith("view_"):
        assert response.status_code == 200
        return
    expected = {
        "approve": (MembershipStatus.ACTIVE, MemberRole.ANGGOTA),
        "reject": (MembershipStatus.REJECTED, MemberRole.ANGGOTA),
        "change_role": (MembershipStatus.ACTIVE, MemberRole.SEKRETARIS),
        "remove": (MembershipStatus.REMOVED, MemberRole.ANGGOTA),
        "remove_pengurus": (MembershipStatus.REMOVED, MemberRole.BENDAHARA),
        "edit": ("Kontak baru", KimStatus.AKTIF),
        "set_status": ("", KimStatus.NONAKTIF),
    }
    if action == "create_group":
        assert after is not None
    else:
        assert after == expected[action]


@pytest.mark.parametrize("role", ["warga", "anggota", "ketua", "pengurus_lain"])
def test_inactive_group_is_not_found_except_for_admins(client, db, world, role):
    kajen = world["kajen"]
    kajen.status = KimStatus.NONAKTIF
    db.session.commit()
    login_as(client, world["people"][role])
    assert client.get("/kim/kajen").status_code == 404
    assert client.get("/kim/kajen/anggota").status_code == 404
    assert client.post(f"/kim/kajen/anggota/{world['applicant']}/setujui").status_code == 404
    login_as(client, world["people"]["admin"])
    assert client.get("/kim/kajen/anggota").status_code == 200


def test_pengurus_cannot_rename_or_move_the_group(client, db, world):
    kajen = world["kajen"]
    login_as(client, world["people"]["ketua"])
    html = client.get("/kim/kajen/ubah").get_data(as_text=True)
    assert 'name="name"' not in html and 'name="village"' not in html
    client.post("/kim/kajen/ubah", data={"name": "KIM Dirampas", "village": "33.18.01.2001",
                                         "contact": "Sekretariat"})
    db.session.expire_all()
    kim = db.session.get(KimGroup, kajen.id)
    assert kim.name == "KIM Kajen" and kim.village_code == kajen.village_code
    assert kim.contact == "Sekretariat"
