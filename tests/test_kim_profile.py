"""Pengurus keep their KIM's profile up to date (admins rename and move it: tests/admin)."""

import pytest

from kim_app.models import MemberRole
from tests.conftest import field_error
from tests.membership_helpers import add_member, group, login_as, make_user


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
    assert ("Pengurus mengubah profil \u201cKIM Kajen\u201d (deskripsi, kontak, tanggal "
            "dibentuk)") in html


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
