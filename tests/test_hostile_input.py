"""Hostile input answers 404, 422 or the default, never 500 (the fuzz test's findings, one
regression test each)."""

import pytest

from tests.conftest import PASSWORD, login

UNSAFE_NEXT = ["/akun\r\nSet-Cookie: x=1", "/\r\n", "/%0d%0a", "/\\evil.example",
               "\\\\evil.example", "//evil.example", "https://evil.example/", "/\x00",
               "javascript:alert(1)", "/" + "a" * 3000]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_unsafe_next_after_login_goes_home(client, warga, target):
    response = client.post("/auth/masuk", data={"identifier": warga.phone,
                                                "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.location in ("/", "/%0d%0a")  # an encoded CR/LF is only a path


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_unsafe_next_on_language_switch_goes_home(client, target):
    response = client.post("/bahasa", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.location in ("/", "/%0d%0a")


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_unsafe_next_on_mark_all_read_goes_home(client, warga, target):
    login(client, warga)
    response = client.post("/akun/notifikasi/baca-semua", data={"next": target})
    assert response.status_code in (302, 303)
    assert "evil" not in response.location and "\n" not in response.location


@pytest.mark.parametrize("path", [
    "/info/99999999999999999999", "/info/2147483648", "/info/9223372036854775808/jangkauan",
    "/info/dokumen/99999999999999999999",
])
def test_ids_beyond_the_columns_range_are_404(client, path):
    assert client.get(path).status_code == 404


def test_id_beyond_the_range_on_a_post_is_404(client, warga):
    login(client, warga)
    response = client.post("/akun/notifikasi/99999999999999999999/baca")
    assert response.status_code == 404


HUGE = "99999999999999999999"
BAD_NUMBERS = [HUGE, "-5", "²", " ", "1e9", "٣"]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("path", ["/tanya/?sebelum={}", "/info/?sebelum={}", "/usaha/?halaman={}",
                                  "/kim/?halaman={}"])
def test_bad_numbers_in_public_lists_fall_back_to_the_default(client, path, value):
    assert client.get(path.format(value)).status_code == 200


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_numbers_in_the_officer_inbox_fall_back(client, petugas, value):
    login(client, petugas)
    for query in (f"setelah={value}", f"instansi={value}&kategori={value}"):
        assert client.get(f"/petugas/?{query}").status_code == 200, query


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_page_numbers_in_the_notification_centre(client, warga, value):
    login(client, warga)
    assert client.get(f"/akun/notifikasi?halaman={value}").status_code == 200


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_numbers_on_kim_member_pages(client, db, value):
    from kim_app.models import MemberRole
    from tests.membership_helpers import group, person_with_role

    ketua = person_with_role(group("kajen"), MemberRole.KETUA, "Pak Ketua")
    login(client, ketua)
    for path in (f"/kim/kajen/anggota?halaman={value}",
                 f"/kim/kajen/anggota/daftar?halaman={value}",
                 f"/kim/kajen/riwayat?sebelum={value}"):
        assert client.get(path).status_code in (200, 302), path


def test_a_blank_rating_closes_without_a_rating(client, db, petugas):
    from kim_app.models import ThreadStatus
    from tests.threads.conftest import advance, member, new_thread
    from tests.threads.conftest import kim as thread_kim

    asker = member(thread_kim(), name="Bu Penanya")
    thread = advance(new_thread(asker), petugas, ThreadStatus.DIJAWAB)
    login(client, asker)
    response = client.post(f"/tanya/{thread.code}/selesai",
                           data={"close-rating": " ", "close-comment": ""})
    assert response.status_code in (200, 302, 422)
    db.session.refresh(thread)
    assert thread.rating is None


@pytest.mark.parametrize("value", [HUGE, "²", "-1"])
def test_appointing_an_impossible_member_is_refused(client, db, value):
    from tests import business_factories as bf

    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    leader = bf.manager_of(group)
    bf.login_as(client, leader)
    response = client.post(f"/usaha/{group.slug}/pengelola", data={"user_id": value})
    assert response.status_code in (302, 403, 404, 422)
