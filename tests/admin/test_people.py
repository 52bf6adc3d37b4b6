"""`/admin/pengguna`: people for admins and officers, and reset codes."""

import re

import pytest
from sqlalchemy import func, select

from kim_app.models import (
    Agency,
    AuditEvent,
    MemberRole,
    Membership,
    MembershipStatus,
    ResetCode,
    ResetRequest,
    ResetRequestStatus,
    Role,
    User,
)
from tests.conftest import HX, PASSWORD, login, make_user
from tests.threads.conftest import kim, member, new_thread

NEW = "jagung-bakar-2027"


def _agency(slug="dispertan") -> Agency:
    from kim_app.extensions import db

    return db.session.scalar(select(Agency).where(Agency.slug == slug))


@pytest.fixture
def people(app, db):
    """One account of each kind, and a villager to act on."""
    group = kim("gulangpongge")
    pengurus = member(group, MemberRole.KETUA, name="Bu Ketua")
    target = member(group, MemberRole.ANGGOTA, name="Mbah Darmi")
    deactivated = make_user(Role.ADMIN, name="Admin Lama", village=None)
    deactivated.active = False
    db.session.commit()
    return {
        "warga": make_user(name="Sri Warga"),
        "pengurus": pengurus,
        "petugas": make_user(Role.PETUGAS, name="Pak Petugas", village=None),
        "admin": make_user(Role.ADMIN, name="Bu Admin", village=None),
        "deactivated": deactivated,
        "target": target,
        "group": group,
    }


def _login_as(client, people, who):
    if who == "guest":
        return
    if who == "deactivated":
        # A session that began before the account was deactivated.
        from kim_app.extensions import db

        user = people["deactivated"]
        user.active = True
        db.session.commit()
        login(client, user)
        user.active = False
        db.session.commit()
        return
    login(client, people[who])


def _actions(people):
    target = people["target"].id
    return {
        "index": ("get", "/admin/", {}),
        "list": ("get", "/admin/pengguna", {}),
        "person": ("get", f"/admin/pengguna/{target}", {}),
        "role": ("post", f"/admin/pengguna/{target}/peran",
                 {"role": "petugas", "agency": "", "reason": "Pegawai baru"}),
        "deactivate": ("post", f"/admin/pengguna/{target}/nonaktifkan",
                       {"off-reason": "Akun ganda"}),
        "reactivate": ("post", f"/admin/pengguna/{target}/aktifkan", {"on-reason": "Salah"}),
        "reset_code": ("post", f"/admin/pengguna/{target}/kode-atur-ulang", {}),
    }


# role -> action -> expected status (302 to the login page for guests and deactivated).
EXPECTED = {
    "guest": dict.fromkeys(("index", "list", "person", "role", "deactivate", "reactivate",
                            "reset_code"), 302),
    "deactivated": dict.fromkeys(("index", "list", "person", "role", "deactivate",
                                  "reactivate", "reset_code"), 302),
    "warga": dict.fromkeys(("index", "list", "person", "role", "deactivate", "reactivate",
                            "reset_code"), 403),
    "pengurus": dict.fromkeys(("index", "list", "person", "role", "deactivate", "reactivate",
                               "reset_code"), 403),
    "petugas": {"index": 200, "list": 200, "person": 200, "role": 403, "deactivate": 403,
                "reactivate": 403, "reset_code": 200},
    "admin": {"index": 200, "list": 200, "person": 200, "role": 302, "deactivate": 302,
              "reactivate": 422, "reset_code": 200},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_permission_table(client, people, who, db):
    _login_as(client, people, who)
    for action, (method, url, data) in _actions(people).items():
        if action == "reactivate" and who == "admin":
            continue  # checked below, once the account is inactive
        response = getattr(client, method)(url, data=data)
        expected = EXPECTED[who][action]
        assert response.status_code == expected, (who, action, response.status_code)
        if expected == 302 and who in ("guest", "deactivated"):
            assert "/auth/masuk" in response.headers["Location"], (who, action)
    target = db.session.get(User, people["target"].id)
    if who == "admin":
        assert target.role == Role.PETUGAS and not target.active
        response = client.post(f"/admin/pengguna/{target.id}/aktifkan",
                               data={"on-reason": "Salah"})
        assert response.status_code == 302
        assert db.session.get(User, target.id).active
    else:
        assert target.role == Role.WARGA and target.active


def test_htmx_guest_gets_hx_redirect(client, people):
    response = client.get("/admin/pengguna", headers=HX)
    assert response.status_code == 401 and "/auth/masuk" in response.headers["HX-Redirect"]


def test_unknown_or_huge_ids_answer_404(client, people):
    login(client, people["admin"])
    for url in ("/admin/pengguna/999999", "/admin/pengguna/99999999999999999999",
                "/admin/pengguna/0"):
        assert client.get(url).status_code == 404


def test_officers_reach_people_from_their_inbox_admins_from_the_admin_area(client, people):
    login(client, people["petugas"])
    assert 'href="/admin/pengguna"' in client.get("/petugas/").get_data(as_text=True)
    client.post("/auth/keluar")
    login(client, people["admin"])
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/pengguna"' in html


def test_search_by_name_phone_village_role_and_status(client, people, db):
    other_village = make_user(name="Slamet Tlogorejo", village="33.18.14.2003")
    login(client, people["petugas"])

    def names(**params):
        html = client.get("/admin/pengguna", query_string=params).get_data(as_text=True)
        return set(re.findall(r'<a href="/admin/pengguna/\d+"><strong>([^<]+)</strong>', html))

    assert names(q="darmi") == {"Mbah Darmi"}
    phone = people["target"].phone
    assert names(q="0" + phone[3:]) == {"Mbah Darmi"}
    assert names(q=phone[-6:]) == {"Mbah Darmi"}
    assert "Slamet Tlogorejo" in names(district="33.18.14")
    assert names(village="33.18.14.2003") == {"Slamet Tlogorejo"}
    assert names(role="admin") == {"Bu Admin", "Admin Lama"}
    assert names(status="nonaktif") == {"Admin Lama"}
    assert names(role="petugas", status="aktif") == {"Pak Petugas"}
    assert other_village.id


def test_search_is_an_htmx_fragment_too(client, people):
    login(client, people["petugas"])
    response = client.get("/admin/pengguna?q=darmi", headers=HX)
    html = response.get_data(as_text=True)
    assert html.startswith('<section id="people-results"') and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert "Mbah Darmi" in html


def test_list_is_paginated(client, people, db):
    for number in range(30):
        make_user(name=f"Warga Banyak {number:02d}")
    login(client, people["admin"])
    html = client.get("/admin/pengguna?q=banyak").get_data(as_text=True)
    assert html.count("Warga Banyak") == 25
    more = re.search(r'href="(/admin/pengguna\?[^"]*sebelum=\d+[^"]*)"', html).group(1)
    more = more.replace("&amp;", "&")
    page2 = client.get(more, headers=HX).get_data(as_text=True)
    assert page2.count("Warga Banyak") == 5 and "<html" not in page2
    assert "Warga Banyak 04" in page2 and "people-more" not in page2


def test_person_page_shows_the_account(client, people, db):
    thread = new_thread(people["target"], title="Pupuk subsidi belum datang")
    login(client, people["petugas"])
    html = client.get(f"/admin/pengguna/{people['target'].id}").get_data(as_text=True)
    assert "Mbah Darmi" in html and people["target"].phone in html
    assert "KIM Gulangpongge" in html and "Gulangpongge, Kecamatan Gunungwungkal" in html
    assert thread.code in html and "Pertanyaan yang diajukan (1)" in html
    assert "Terdaftar sejak" in html and "Terakhir masuk" in html
    # An officer sees no role or deactivation forms.
    assert 'id="person-role-form"' not in html and 'id="person-activation"' not in html
    assert f'action="/admin/pengguna/{people["target"].id}/kode-atur-ulang"' in html


def test_admin_makes_a_petugas_for_an_agency_with_an_audit_event(client, people, db):
    login(client, people["admin"])
    target = people["target"]
    response = client.post(f"/admin/pengguna/{target.id}/peran", data={
        "role": "petugas", "agency": str(_agency().id), "reason": "Penyuluh pertanian"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, target.id)
    assert user.role == Role.PETUGAS and user.agency.slug == "dispertan"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
    assert event.actor_id == people["admin"].id and event.reason == "Penyuluh pertanian"
    assert event.detail["from"] == "warga" and event.detail["to"] == "petugas"
    html = client.get(f"/admin/pengguna/{target.id}").get_data(as_text=True)
    assert "Dinas Pertanian dan Ketahanan Pangan" in html and "Peran diubah" in html


def test_role_form_bad_input(client, people, db):
    login(client, people["admin"])
    url = f"/admin/pengguna/{people['target'].id}/peran"
    assert client.post(url, data={"role": "raja", "reason": "x"}).status_code == 422
    assert client.post(url, data={"role": "admin", "reason": ""}).status_code == 422
    assert client.post(url, data={"role": "petugas", "agency": "99999",
                                  "reason": "x"}).status_code == 422
    own = client.post(f"/admin/pengguna/{people['admin'].id}/peran",
                      data={"role": "warga", "reason": "x"})
    assert own.status_code == 422
    assert db.session.get(User, people["target"].id).role == Role.WARGA


def test_deactivation_ends_sessions_keeps_content_and_can_be_undone(client, app, people, db):
    target = people["target"]
    thread = new_thread(target)
    their_device = app.test_client()
    login(their_device, target)
    login(client, people["admin"])
    response = client.post(f"/admin/pengguna/{target.id}/nonaktifkan",
                           data={"off-reason": "Nomor HP dipakai orang lain"})
    assert response.status_code == 302
    assert their_device.get("/akun").status_code == 302
    assert their_device.post("/auth/masuk", data={"identifier": target.phone,
                                                  "password": PASSWORD}).status_code == 422
    assert client.get(f"/tanya/{thread.code}").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate"))
    assert event.reason == "Nomor HP dipakai orang lain"
    assert event.actor_id == people["admin"].id
    client.post(f"/admin/pengguna/{target.id}/aktifkan", data={"on-reason": "Sudah jelas"})
    assert their_device.post("/auth/masuk", data={"identifier": target.phone,
                                                  "password": PASSWORD}).status_code == 302


def test_deactivating_the_last_ketua_asks_for_a_successor(client, people, db):
    ketua = people["pengurus"]
    login(client, people["admin"])
    html = client.get(f"/admin/pengguna/{ketua.id}").get_data(as_text=True)
    group_id = people["group"].id
    assert f'name="successor-{group_id}"' in html and "Mbah Darmi" in html
    url = f"/admin/pengguna/{ketua.id}/nonaktifkan"
    response = client.post(url, data={"off-reason": "Pindah ke luar daerah"})
    assert response.status_code == 422
    assert "ketua terakhir" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, ketua.id).active
    successor = db.session.scalar(select(Membership).where(
        Membership.user_id == people["target"].id))
    response = client.post(url, data={"off-reason": "Pindah ke luar daerah",
                                      f"successor-{group_id}": str(successor.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, ketua.id).active
    assert db.session.get(Membership, successor.id).role == MemberRole.KETUA


def test_a_petugas_issues_a_code_shown_once_and_stored_hashed(client, people, db):
    login(client, people["petugas"])
    target = people["target"]
    response = client.post(f"/admin/pengguna/{target.id}/kode-atur-ulang",
                           data={"note": "Datang dengan KTP"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = re.search(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>", response.get_data(as_text=True))
    assert code
    stored = db.session.scalar(select(ResetCode))
    assert stored.user_id == target.id and stored.issued_by_id == people["petugas"].id
    assert code.group(1).replace("-", "") not in stored.code_hash
    again = client.get(f"/admin/pengguna/{target.id}").get_data(as_text=True)
    assert code.group(1) not in again
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.reset_code"))
    assert event.reason == "Datang dengan KTP"


def test_reset_code_as_htmx_fragment(client, people):
    login(client, people["petugas"])
    response = client.post(f"/admin/pengguna/{people['target'].id}/kode-atur-ulang",
                           headers=HX)
    html = response.get_data(as_text=True)
    assert html.startswith('<article id="person-reset"') and "<html" not in html
    assert re.search(r"<code>[A-Z0-9]{4}-[A-Z0-9]{4}</code>", html)


def test_a_petugas_cannot_issue_codes_for_officers_or_admins(client, people, db):
    login(client, people["petugas"])
    other_officer = make_user(Role.PETUGAS, village=None)
    for person in (other_officer, people["admin"], people["petugas"]):
        html = client.get(f"/admin/pengguna/{person.id}").get_data(as_text=True)
        assert "kode-atur-ulang" not in html
        assert client.post(f"/admin/pengguna/{person.id}/kode-atur-ulang").status_code == 403
    client.post("/auth/keluar")
    login(client, people["admin"])
    assert client.post(f"/admin/pengguna/{other_officer.id}/kode-atur-ulang").status_code == 200
    assert client.post(f"/admin/pengguna/{people['admin'].id}/kode-atur-ulang").status_code \
        == 403
    assert db.session.scalar(select(func.count()).select_from(ResetCode)) == 1


def test_pengurus_requests_a_code_and_the_officer_decides(client, app, people, db):
    group, target = people["group"], people["target"]
    membership = db.session.scalar(select(Membership).where(Membership.user_id == target.id))
    login(client, people["pengurus"])
    html = client.get(f"/kim/{group.slug}/anggota").get_data(as_text=True)
    url = f"/kim/{group.slug}/anggota/{membership.id}/kode-atur-ulang"
    assert f'action="{url}"' in html
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # asking twice keeps one request
    assert db.session.scalar(select(func.count()).select_from(ResetRequest)) == 1
    officer = app.test_client()
    login(officer, people["petugas"])
    listing = officer.get("/admin/pengguna").get_data(as_text=True)
    assert 'id="reset-requests"' in listing and "Mbah Darmi" in listing
    page = officer.get(f"/admin/pengguna/{target.id}").get_data(as_text=True)
    assert "Bu Ketua (pengurus KIM Gulangpongge) meminta kode" in page
    response = officer.post(f"/admin/pengguna/{target.id}/kode-atur-ulang")
    code = re.search(r"<code>([A-Z0-9-]{9})</code>", response.get_data(as_text=True)).group(1)
    assert db.session.scalar(select(ResetRequest)).status == ResetRequestStatus.ISSUED
    # The member resets the password with it.
    villager = app.test_client()
    response = villager.post("/auth/atur-ulang", data={
        "phone": target.phone, "code": code, "password": NEW, "password_confirm": NEW})
    assert response.status_code == 302
    login(villager, target, NEW)


def test_a_request_can_be_declined(client, app, people, db):
    group, target = people["group"], people["target"]
    membership = db.session.scalar(select(Membership).where(Membership.user_id == target.id))
    login(client, people["pengurus"])
    client.post(f"/kim/{group.slug}/anggota/{membership.id}/kode-atur-ulang")
    request_id = db.session.scalar(select(ResetRequest.id))
    officer = app.test_client()
    login(officer, people["petugas"])
    response = officer.post(f"/admin/pengguna/permintaan-kode/{request_id}/tolak")
    assert response.status_code == 302
    assert db.session.get(ResetRequest, request_id).status == ResetRequestStatus.DECLINED
    assert officer.post(f"/admin/pengguna/permintaan-kode/{request_id}/tolak").status_code == 404


def test_who_may_request_a_code(client, people, db):
    group, target = people["group"], people["target"]
    membership = db.session.scalar(select(Membership).where(Membership.user_id == target.id))
    url = f"/kim/{group.slug}/anggota/{membership.id}/kode-atur-ulang"
    assert client.post(url).status_code == 302 and "/auth/masuk" in client.post(
        url).headers["Location"]
    login(client, people["target"])  # an anggota asks for themselves: not through this
    assert client.post(url).status_code == 404
    client.post("/auth/keluar")
    login(client, people["warga"])
    assert client.post(url).status_code == 404
    client.post("/auth/keluar")
    other_pengurus = member(kim("kajen"), MemberRole.KETUA)
    login(client, other_pengurus)
    assert client.post(url).status_code == 404
    left = member(group, MemberRole.ANGGOTA, status=MembershipStatus.LEFT)
    gone = db.session.scalar(select(Membership).where(Membership.user_id == left.id))
    client.post("/auth/keluar")
    login(client, people["pengurus"])
    assert client.post(f"/kim/{group.slug}/anggota/{gone.id}/kode-atur-ulang").status_code \
        == 403
    assert db.session.scalar(select(func.count()).select_from(ResetRequest)) == 0
