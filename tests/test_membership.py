"""Joining a KIM, deciding requests, roles, removal, the last-ketua rule and the history."""

import pytest

from kim_app.models import MemberRole, Membership, MembershipStatus, Notification
from tests.conftest import HX, field_error
from tests.membership_helpers import (
    add_member,
    audit_actions,
    count,
    group,
    login_as,
    make_user,
    membership_of,
    notifications_for,
    person_with_role,
)

# ---------------------------------------------------------------------------------------
# Joining, cancelling, leaving


def test_guest_sees_a_login_link_instead_of_the_join_button(client):
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Masuk untuk bergabung" in html
    assert 'href="/auth/masuk?next=/kim/kajen"' in html
    assert "Minta bergabung" not in html


def test_join_without_js_redirects_back_with_a_message(client, db, warga):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    login_as(client, warga)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert 'action="/kim/kajen/gabung" method="post"' in html
    response = client.post("/kim/kajen/gabung", data={"message": "Saya warga RT 2."})
    assert response.status_code == 302 and response.location == "/kim/kajen"
    membership = membership_of(warga, kajen)
    assert membership.status == MembershipStatus.PENDING
    assert membership.message == "Saya warga RT 2."
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Permintaan bergabung terkirim" in html
    assert "Menunggu persetujuan" in html
    assert "Batalkan permintaan" in html
    assert audit_actions(kajen) == ["membership.request"]
    assert notifications_for(ketua) == ["Sri Warga meminta bergabung dengan KIM Kajen."]


def test_join_with_htmx_swaps_the_button_in_place(client, db, warga):
    login_as(client, warga)
    response = client.post("/kim/kajen/gabung", data={"message": ""}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="join-box"')
    assert "Menunggu persetujuan" in html
    assert 'hx-post="/kim/kajen/batal"' in html
    assert "Permintaan bergabung terkirim" in html  # the flash, out of band
    assert 'hx-swap-oob="innerHTML"' in html


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_join_message_too_long_comes_back_with_the_text(client, db, warga, headers):
    login_as(client, warga)
    text = "panjang " * 80
    response = client.post("/kim/kajen/gabung", data={"message": text}, headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "message") == "Pesan paling banyak 500 karakter."
    assert text.strip() in html
    assert ("<html" in html) == (not headers)
    assert membership_of(warga, group("kajen")) is None


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_second_request_while_pending_is_refused(client, db, warga, headers):
    kajen = group("kajen")
    login_as(client, warga)
    client.post("/kim/kajen/gabung", data={})
    response = client.post("/kim/kajen/gabung", data={}, headers=headers, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anda sudah meminta bergabung" in html
    assert "Menunggu persetujuan" in html
    assert count(Membership, Membership.user_id == warga.id) == 1
    assert audit_actions(kajen) == ["membership.request"]


def test_member_asking_again_is_refused(client, db, warga):
    kajen = group("kajen")
    add_member(warga, kajen)
    login_as(client, warga)
    html = client.post("/kim/kajen/gabung", data={}, headers=HX).get_data(as_text=True)
    assert "Anda sudah menjadi anggota KIM ini." in html
    assert count(Membership, Membership.user_id == warga.id) == 1


def test_cancel_a_pending_request(client, db, warga):
    kajen = group("kajen")
    login_as(client, warga)
    client.post("/kim/kajen/gabung", data={})
    html = client.post("/kim/kajen/batal", headers=HX).get_data(as_text=True)
    assert "Minta bergabung" in html and "dibatalkan" in html
    assert membership_of(warga, kajen).status == MembershipStatus.LEFT
    response = client.post("/kim/kajen/batal", follow_redirects=True)
    assert "Tidak ada permintaan bergabung yang bisa dibatalkan." in response.get_data(as_text=True)
    assert audit_actions(kajen) == ["membership.request", "membership.cancel"]


def test_member_leaves(client, db, warga):
    kajen = group("kajen")
    add_member(warga, kajen)
    login_as(client, warga)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Anda anggota KIM ini sebagai Anggota." in html
    html = client.post("/kim/kajen/keluar", headers=HX).get_data(as_text=True)
    assert "Anda sudah keluar dari KIM Kajen." in html
    assert "Minta bergabung" in html
    assert membership_of(warga, kajen).status == MembershipStatus.LEFT


def test_join_is_rate_limited_per_account(app_factory):
    app = app_factory(JOIN_LIMIT_PER_ACCOUNT="2 per hour")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        login_as(client, user)
        client.post("/kim/kajen/gabung")
        client.post("/kim/kajen/batal")
        client.post("/kim/kajen/gabung")
        client.post("/kim/kajen/batal")
        response = client.post("/kim/kajen/gabung")
        assert response.status_code == 429
        assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
        response = client.post("/kim/kajen/gabung", headers=HX)
        assert response.status_code == 429 and response.headers["HX-Retarget"] == "#flash"


def test_inactive_group_takes_no_requests(client, db, warga):
    from kim_app.models import KimStatus

    kajen = group("kajen")
    kajen.status = KimStatus.NONAKTIF
    db.session.commit()
    login_as(client, warga)
    assert client.post("/kim/kajen/gabung").status_code == 404
    assert membership_of(warga, kajen) is None


# ---------------------------------------------------------------------------------------
# Deciding requests


@pytest.fixture
def kajen_with_request(db, warga):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    request = add_member(warga, kajen, status=MembershipStatus.PENDING, message="Mohon diterima")
    return kajen, ketua, request


def test_pengurus_see_pending_requests_with_phone_and_message(client, kajen_with_request, warga):
    _kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert f'id="request-{request.id}"' in html
    assert "Sri Warga" in html and "Mohon diterima" in html
    assert warga.phone in html
    assert f'hx-post="/kim/kajen/anggota/{request.id}/setujui"' in html
    assert f'formaction="/kim/kajen/anggota/{request.id}/tolak"' in html


def test_approve_with_htmx_swaps_the_row_and_notifies(client, db, kajen_with_request, warga):
    kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    response = client.post(f"/kim/kajen/anggota/{request.id}/setujui", data={"reason": ""},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li id="request-{request.id}"')
    assert "Anggota aktif" in html and "oleh Pak Ketua" in html
    assert "Sri Warga sekarang anggota KIM Kajen." in html
    assert response.headers["HX-Trigger"] == "membersChanged"
    membership = db.session.get(Membership, request.id)
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.decided_by_id == ketua.id and membership.decided_at is not None
    assert notifications_for(warga) == [
        "Permintaan Anda bergabung dengan KIM Kajen disetujui. Selamat datang!"]
    assert audit_actions(kajen) == ["membership.approve"]
    login_as(client, warga)
    assert '<span class="bell-count">1</span>' in client.get("/").get_data(as_text=True)


def test_approve_without_js_redirects_to_the_member_page(client, kajen_with_request):
    _kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    response = client.post(f"/kim/kajen/anggota/{request.id}/setujui", data={})
    assert response.status_code == 302 and response.location == "/kim/kajen/anggota"
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Sri Warga sekarang anggota KIM Kajen." in html
    assert "Tidak ada permintaan yang menunggu." in html


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_double_submitted_approval_is_a_no_op_with_a_message(client, db, kajen_with_request,
                                                             warga, headers):
    kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    client.post(f"/kim/kajen/anggota/{request.id}/setujui", data={})
    response = client.post(f"/kim/kajen/anggota/{request.id}/setujui", data={},
                           headers=headers, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Permintaan Sri Warga sudah disetujui sebelumnya. Tidak ada yang diubah." in html
    assert "HX-Trigger" not in response.headers
    assert len(notifications_for(warga)) == 1
    assert audit_actions(kajen) == ["membership.approve"]
    # a rejection after the approval changes nothing either
    client.post(f"/kim/kajen/anggota/{request.id}/tolak", data={"reason": "x"})
    assert db.session.get(Membership, request.id).status == MembershipStatus.ACTIVE
    assert len(notifications_for(warga)) == 1


def test_reject_with_a_reason(client, db, kajen_with_request, warga):
    kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    html = client.post(f"/kim/kajen/anggota/{request.id}/tolak",
                       data={"reason": "Bukan warga desa ini"}, headers=HX).get_data(as_text=True)
    assert "Ditolak" in html and "Alasan: Bukan warga desa ini" in html
    membership = db.session.get(Membership, request.id)
    assert membership.status == MembershipStatus.REJECTED
    assert membership.reason == "Bukan warga desa ini"
    assert notifications_for(warga) == [
        "Permintaan Anda bergabung dengan KIM Kajen ditolak. Alasan: Bukan warga desa ini"]
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Pak Ketua menolak permintaan Sri Warga" in html
    assert "Bukan warga desa ini" in html


def test_notification_is_in_the_requesters_language(client, db, kajen_with_request, warga):
    _kajen, ketua, request = kajen_with_request
    warga.locale = "en"
    db.session.commit()
    login_as(client, ketua)
    client.post(f"/kim/kajen/anggota/{request.id}/setujui", data={})
    assert notifications_for(warga) == [
        "Your request to join KIM Kajen was approved. Welcome!"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_reason_too_long_comes_back_with_the_text(client, db, kajen_with_request, headers):
    _kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    reason = "alasan " * 80
    response = client.post(f"/kim/kajen/anggota/{request.id}/tolak", data={"reason": reason},
                           headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, f"reason-{request.id}") == "Alasan paling banyak 500 karakter."
    assert reason.strip() in html
    assert ("<html" in html) == (not headers)
    assert db.session.get(Membership, request.id).status == MembershipStatus.PENDING


def test_membership_of_another_group_is_not_found(client, db, warga):
    kajen, bermi = group("kajen"), group("bermi")
    ketua = person_with_role(kajen, MemberRole.KETUA)
    request = add_member(warga, bermi, status=MembershipStatus.PENDING)
    login_as(client, ketua)
    assert client.post(f"/kim/kajen/anggota/{request.id}/setujui").status_code == 404
    assert client.post("/kim/kajen/anggota/999999/setujui").status_code == 404
    assert db.session.get(Membership, request.id).status == MembershipStatus.PENDING


def test_removed_member_may_ask_again_and_pengurus_see_the_past(client, db, warga):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    membership = add_member(warga, kajen)
    login_as(client, ketua)
    client.post(f"/kim/kajen/anggota/{membership.id}/keluarkan",
                data={"reason": "Tidak pernah hadir"})
    assert notifications_for(warga) == [
        "Anda dikeluarkan dari KIM Kajen. Alasan: Tidak pernah hadir"]
    login_as(client, warga)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Minta bergabung" in html
    client.post("/kim/kajen/gabung", data={"message": "Saya akan aktif"})
    new = membership_of(warga, kajen)
    assert new.id != membership.id and new.status == MembershipStatus.PENDING
    assert db.session.get(Membership, membership.id).status == MembershipStatus.REMOVED
    login_as(client, ketua)
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Sebelumnya: Dikeluarkan" in html and "Tidak pernah hadir" in html
    client.post(f"/kim/kajen/anggota/{new.id}/setujui")
    assert db.session.get(Membership, new.id).status == MembershipStatus.ACTIVE


# ---------------------------------------------------------------------------------------
# Roles and removal; the last-ketua rule


def test_ketua_appoints_a_sekretaris(client, db, warga):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    membership = add_member(warga, kajen)
    login_as(client, ketua)
    response = client.post(f"/kim/kajen/anggota/{membership.id}/peran",
                           data={"role": "sekretaris", "reason": "Rapat anggota 3 Mei"},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li id="member-{membership.id}"')
    assert "Peran Sri Warga sekarang Sekretaris." in html
    assert response.headers["HX-Trigger"] == "membersChanged"
    assert db.session.get(Membership, membership.id).role == MemberRole.SEKRETARIS
    assert notifications_for(warga) == ["Peran Anda di KIM Kajen sekarang Sekretaris."]
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Pak Ketua mengubah peran Sri Warga di " in html
    assert "dari Anggota menjadi Sekretaris" in html
    assert "Rapat anggota 3 Mei" in html
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "<strong>Sri Warga</strong> · Sekretaris" in html


def test_unknown_role_is_refused(client, db, warga):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA)
    membership = add_member(warga, kajen)
    login_as(client, ketua)
    response = client.post(f"/kim/kajen/anggota/{membership.id}/peran",
                           data={"role": "raja"}, headers=HX)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), f"role-{membership.id}")
    assert db.session.get(Membership, membership.id).role == MemberRole.ANGGOTA


def test_sekretaris_cannot_appoint_or_remove_pengurus(client, db, warga):
    kajen = group("kajen")
    sekretaris = person_with_role(kajen, MemberRole.SEKRETARIS)
    bendahara = add_member(make_user(), kajen, MemberRole.BENDAHARA)
    membership = add_member(warga, kajen)
    login_as(client, sekretaris)
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "/peran" not in html
    assert f"/anggota/{membership.id}/keluarkan" in html
    assert f"/anggota/{bendahara.id}/keluarkan" not in html
    assert client.post(f"/kim/kajen/anggota/{membership.id}/peran",
                       data={"role": "bendahara"}).status_code == 403
    assert client.post(f"/kim/kajen/anggota/{bendahara.id}/keluarkan").status_code == 403
    assert db.session.get(Membership, membership.id).role == MemberRole.ANGGOTA
    assert db.session.get(Membership, bendahara.id).status == MembershipStatus.ACTIVE
    # but a sekretaris removes a plain anggota
    assert client.post(f"/kim/kajen/anggota/{membership.id}/keluarkan").status_code == 302
    assert db.session.get(Membership, membership.id).status == MembershipStatus.REMOVED


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_last_ketua_cannot_be_demoted(client, db, admin, headers):
    kajen = group("kajen")
    ketua = make_user(name="Pak Ketua")
    membership = add_member(ketua, kajen, MemberRole.KETUA)
    login_as(client, admin)
    response = client.post(f"/kim/kajen/anggota/{membership.id}/peran",
                           data={"role": "anggota"}, headers=headers, follow_redirects=True)
    assert response.status_code == 200
    assert "Pak Ketua adalah ketua terakhir" in response.get_data(as_text=True)
    assert db.session.get(Membership, membership.id).role == MemberRole.KETUA
    assert notifications_for(ketua) == []


def test_last_ketua_cannot_be_removed_or_leave(client, db, admin):
    kajen = group("kajen")
    ketua = make_user(name="Pak Ketua")
    membership = add_member(ketua, kajen, MemberRole.KETUA)
    login_as(client, admin)
    response = client.post(f"/kim/kajen/anggota/{membership.id}/keluarkan",
                           follow_redirects=True)
    assert "tidak dapat dikeluarkan" in response.get_data(as_text=True)
    login_as(client, ketua)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Anda ketua terakhir KIM ini" in html
    assert 'action="/kim/kajen/keluar"' not in html
    html = client.post("/kim/kajen/keluar", headers=HX).get_data(as_text=True)
    assert "Angkat anggota lain menjadi ketua terlebih dahulu" in html
    assert db.session.get(Membership, membership.id).status == MembershipStatus.ACTIVE


def test_with_a_second_ketua_the_first_may_step_down_and_leave(client, db, warga):
    kajen = group("kajen")
    ketua = make_user(name="Pak Ketua")
    first = add_member(ketua, kajen, MemberRole.KETUA)
    second = add_member(warga, kajen)
    login_as(client, ketua)
    client.post(f"/kim/kajen/anggota/{second.id}/peran", data={"role": "ketua"})
    assert db.session.get(Membership, second.id).role == MemberRole.KETUA
    client.post(f"/kim/kajen/anggota/{first.id}/peran", data={"role": "anggota"})
    assert db.session.get(Membership, first.id).role == MemberRole.ANGGOTA
    # now a plain anggota: no more role changes
    assert client.post(f"/kim/kajen/anggota/{second.id}/peran",
                       data={"role": "anggota"}).status_code == 403
    assert client.post("/kim/kajen/keluar").status_code == 302
    assert db.session.get(Membership, first.id).status == MembershipStatus.LEFT


def test_pengurus_cannot_remove_themselves(client, db):
    kajen = group("kajen")
    ketua = make_user()
    add_member(make_user(), kajen, MemberRole.KETUA)
    own = add_member(ketua, kajen, MemberRole.KETUA)
    login_as(client, ketua)
    response = client.post(f"/kim/kajen/anggota/{own.id}/keluarkan", follow_redirects=True)
    assert "Anda tidak dapat mengeluarkan diri sendiri" in response.get_data(as_text=True)
    assert db.session.get(Membership, own.id).status == MembershipStatus.ACTIVE


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_remove_a_member(client, db, warga, headers):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    membership = add_member(warga, kajen)
    login_as(client, ketua)
    response = client.post(f"/kim/kajen/anggota/{membership.id}/keluarkan",
                           data={"reason": "Pindah domisili"}, headers=headers)
    if headers:
        html = response.get_data(as_text=True)
        assert "Dikeluarkan" in html and "Pindah domisili" in html
        assert response.headers["HX-Trigger"] == "membersChanged"
    else:
        assert response.location == "/kim/kajen/anggota"
    assert db.session.get(Membership, membership.id).status == MembershipStatus.REMOVED
    assert audit_actions(kajen) == ["membership.remove"]


# ---------------------------------------------------------------------------------------
# The member page: list, refresh fragment, history


def test_member_list_fragment_and_history(client, db, warga):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    add_member(warga, kajen)
    login_as(client, ketua)
    response = client.get("/kim/kajen/anggota/daftar?halaman=1", headers=HX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="member-list"')
    assert "Pak Ketua" in html and "Sri Warga" in html and "(2)" in html
    assert 'hx-trigger="membersChanged from:body"' in html
    plain = client.get("/kim/kajen/anggota/daftar?halaman=1")
    assert plain.status_code == 302 and plain.location == "/kim/kajen/anggota?halaman=1"
    history = client.get("/kim/kajen/riwayat", headers=HX).get_data(as_text=True)
    assert history.lstrip().startswith('<section id="history"')
    assert "<html" in client.get("/kim/kajen/riwayat").get_data(as_text=True)


def test_members_are_paged_and_history_loads_older(client, db):
    from kim_app.kim import services

    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    for number in range(services.MEMBERS_PER_PAGE + 5):
        add_member(make_user(name=f"Warga {number:03d}"), kajen)
    login_as(client, ketua)
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Halaman 1 dari 2" in html
    assert html.count('class="member-row"') == services.MEMBERS_PER_PAGE
    html = client.get("/kim/kajen/anggota?halaman=2").get_data(as_text=True)
    assert html.count('class="member-row"') == 6
    # history: more events than one page
    from kim_app.common.audit import record

    for _number in range(services.HISTORY_PER_PAGE + 3):
        record(ketua, "kim.update", "kim_group", kajen.id, kim_group_id=kajen.id,
               fields=["contact"])
    db.session.commit()
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert "Riwayat lebih lama" in html
    from sqlalchemy import select

    from kim_app.models import AuditEvent

    ids = list(db.session.scalars(select(AuditEvent.id).where(
        AuditEvent.kim_group_id == kajen.id).order_by(AuditEvent.id)))
    older = client.get(f"/kim/kajen/riwayat?sebelum={ids[3]}").get_data(as_text=True)
    assert older.count("mengubah profil \u201cKIM Kajen\u201d (kontak)") == 3


def test_phone_numbers_are_shown_to_pengurus_only(client, db, warga, admin):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    sekretaris = person_with_role(kajen, MemberRole.SEKRETARIS, "Bu Sekretaris")
    anggota = person_with_role(kajen, MemberRole.ANGGOTA, "Mas Anggota")
    phones = [ketua.phone, sekretaris.phone, anggota.phone]
    for viewer in (None, warga, anggota, ketua):
        if viewer:
            login_as(client, viewer)
        html = client.get("/kim/kajen").get_data(as_text=True)
        named = html[html.index('id="pengurus-heading"'):html.index('id="join-box"')]
        assert "Pak Ketua" in named and "Bu Sekretaris" in named
        assert "Mas Anggota" not in named  # pengurus are named; anggota are not listed
        for phone in phones:
            assert phone not in html and phone[3:] not in html
    html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert all(phone in html for phone in phones)


def test_kim_page_shows_profile_pengurus_count_and_business_section(client, db):
    from datetime import date

    kajen = group("kajen")
    kajen.description = "KIM desa Kajen.\nAktif sejak 2019."
    kajen.contact = "Balai Desa Kajen"
    kajen.founded_on = date(2019, 8, 17)
    db.session.commit()
    person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    person_with_role(kajen, MemberRole.BENDAHARA, "Bu Bendahara")
    person_with_role(kajen, MemberRole.ANGGOTA)
    add_member(make_user(), kajen, status=MembershipStatus.PENDING)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "KIM desa Kajen." in html and "Balai Desa Kajen" in html
    assert "17 Agustus 2019" in html
    assert "Kec" in html and "Margoyoso" in html
    assert html.index("Pak Ketua") < html.index("Bu Bendahara")
    assert '<dd id="member-count">3 anggota</dd>' in html
    assert "Kelompok usaha" in html and "belum mencatat kelompok usaha" in html


def test_account_lists_memberships_and_pending_requests(client, db, warga):
    kajen, bermi, gajihan = group("kajen"), group("bermi"), group("gajihan")
    add_member(warga, kajen, MemberRole.BENDAHARA)
    add_member(warga, bermi, status=MembershipStatus.PENDING)
    add_member(warga, gajihan, status=MembershipStatus.REMOVED)
    login_as(client, warga)
    html = client.get("/akun").get_data(as_text=True)
    assert "KIM Kajen" in html and "Bendahara" in html
    assert 'href="/kim/kajen/anggota"' in html  # a pengurus reaches member management
    requests = html[html.index('id="my-requests"'):]
    assert "KIM Bermi" in requests
    assert "KIM Gajihan" not in html
    response = client.post("/kim/bermi/batal", data={"next": "/akun"})
    assert response.location == "/akun"
    html = client.get("/akun").get_data(as_text=True)
    assert "dibatalkan" in html and 'id="my-requests"' not in html


def test_cancel_refuses_an_offsite_next(client, db, warga):
    add_member(warga, group("bermi"), status=MembershipStatus.PENDING)
    login_as(client, warga)
    response = client.post("/kim/bermi/batal", data={"next": "https://evil.example/"})
    assert response.location == "/kim/bermi"


def test_notifications_only_for_decisions_not_for_refusals(client, db, kajen_with_request):
    _kajen, ketua, request = kajen_with_request
    login_as(client, ketua)
    client.post(f"/kim/kajen/anggota/{request.id}/tolak", data={})
    client.post(f"/kim/kajen/anggota/{request.id}/tolak", data={})
    assert count(Notification, Notification.user_id == request.user_id) == 1


def test_demo_creates_memberships_with_each_role_and_pending_requests(runner, db, client):
    from sqlalchemy import select

    assert runner.invoke(args=["demo"]).exit_code == 0
    rows = db.session.execute(select(Membership.group_id, Membership.role,
                                     Membership.status)).all()
    assert {role for _g, role, status in rows if status == MembershipStatus.ACTIVE} == set(
        MemberRole)
    assert sum(status == MembershipStatus.PENDING for _g, _r, status in rows) >= 3
    assert len({group_id for group_id, _r, _s in rows}) >= 3
    result = runner.invoke(args=["demo"])
    assert "KIM: demo memberships already present." in result.output
    assert count(Membership) == len(rows)
    client.post("/auth/masuk", data={"identifier": "081100000003", "password": "pati-kim-demo"})
    html = client.get("/kim/gulangpongge/anggota").get_data(as_text=True)
    assert "Rina Pemohon Demo" in html and "Setujui" in html


def test_a_deactivated_ketua_does_not_let_the_last_active_one_go(client, db, admin):
    """Item 9 of the hardening issue: only ketua with active accounts count."""
    kajen = group("kajen")
    ketua = make_user(name="Pak Ketua")
    membership = add_member(ketua, kajen, MemberRole.KETUA)
    gone = make_user(name="Bu Ketua Lama")
    add_member(gone, kajen, MemberRole.KETUA)
    gone.active = False
    db.session.commit()
    login_as(client, ketua)
    html = client.get("/kim/kajen").get_data(as_text=True)
    assert "Anda ketua terakhir KIM ini" in html
    html = client.post("/kim/kajen/keluar", headers=HX).get_data(as_text=True)
    assert "Angkat anggota lain menjadi ketua terlebih dahulu" in html
    response = client.post(f"/kim/kajen/anggota/{membership.id}/peran",
                           data={"role": "anggota"}, follow_redirects=True)
    assert "Pak Ketua adalah ketua terakhir" in response.get_data(as_text=True)
    current = db.session.get(Membership, membership.id)
    assert (current.status, current.role) == (MembershipStatus.ACTIVE, MemberRole.KETUA)
    login_as(client, admin)
    response = client.post(f"/kim/kajen/anggota/{membership.id}/keluarkan",
                           follow_redirects=True)
    assert "tidak dapat dikeluarkan" in response.get_data(as_text=True)
    assert db.session.get(Membership, membership.id).status == MembershipStatus.ACTIVE
