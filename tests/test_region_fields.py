"""The kecamatan → desa pair (common/region_fields.py): one pair of fields with one set of
checks, used by registration, asking and the KIM group forms, each telling what is missing
in its own words; the village list of a kecamatan is one fragment for all of them."""

import pytest

from kim_app.models import Role
from tests.conftest import HX, field_error, login, make_user


@pytest.mark.parametrize("path, role, district_missing, village_missing", [
    ("/auth/daftar", None, "Pilih kecamatan tempat tinggal Anda.",
     "Pilih desa/kelurahan tempat tinggal Anda."),
    ("/tanya/baru", Role.WARGA, "Pilih kecamatan.", "Pilih desa/kelurahan."),
])
def test_each_form_says_what_is_missing_in_its_own_words(client, db, path, role,
                                                         district_missing, village_missing):
    if role is not None:
        login(client, make_user(role))
    response = client.post(path, data={"district": "", "village": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "district") == district_missing
    assert field_error(html, "village") == village_missing


@pytest.mark.parametrize("path, role", [("/auth/daftar", None), ("/tanya/baru", Role.WARGA)])
def test_a_village_of_another_kecamatan_is_refused(client, db, path, role):
    if role is not None:
        login(client, make_user(role))
    response = client.post(path, data={"district": "33.18.14", "village": "33.18.17.2003"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "village") == "Desa/kelurahan ini tidak ada di kecamatan yang dipilih."


@pytest.mark.parametrize("path, role", [("/auth/daftar", None), ("/tanya/baru", Role.WARGA)])
def test_the_pair_fetches_its_villages_from_one_place(client, db, path, role):
    if role is not None:
        login(client, make_user(role))
    html = client.get(path).get_data(as_text=True)
    assert 'hx-get="/auth/desa"' in html and 'hx-target="#village-field"' in html
    assert '<div id="village-field">' in html and 'name="choose_district"' in html


def test_the_village_list_starts_no_session(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().get("/auth/desa?district=33.18.17", headers=HX)
    assert response.status_code == 200
    assert 'value="33.18.17.2003"' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
