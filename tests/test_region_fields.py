"""The kecamatan → desa pair (common/region_fields.py): one pair of fields with one set of
checks, used by registration, asking and the KIM group forms, each telling what is missing
in its own words; the village list of a kecamatan is one fragment for all of them."""

import re

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


FORMS_WITH_THE_PAIR = [("/auth/daftar", None), ("/tanya/baru", Role.WARGA),
                       ("/akun/profil", Role.WARGA), ("/admin/kim/baru", Role.ADMIN)]


@pytest.mark.parametrize("path, role", FORMS_WITH_THE_PAIR)
def test_enter_sends_the_form_not_the_kecamatan_step(client, db, path, role):
    """Without JavaScript, Enter in a text field presses the form's first submit button:
    a plain one (hidden) comes before "Tampilkan desa", in every form with the pair."""
    if role is not None:
        login(client, make_user(role))
    html = client.get(path).get_data(as_text=True)
    form = html[:html.index('name="choose_district"')]
    form = form[form.rindex("<form"):]
    buttons = re.findall(r"<button[^>]*>", form)
    assert buttons, "no plain submit before the kecamatan step"
    first = buttons[0]
    assert 'type="submit"' in first and "name=" not in first and 'tabindex="-1"' in first


@pytest.mark.parametrize("path, role", FORMS_WITH_THE_PAIR)
def test_the_village_select_is_disabled_while_its_list_loads(client, db, path, role):
    if role is not None:
        login(client, make_user(role))
    html = client.get(path).get_data(as_text=True)
    assert 'hx-disabled-elt="#village"' in html and 'id="village"' in html


def test_the_kecamatan_step_keeps_both_passwords(client, db):
    typed = {"name": "Sri Rahayu", "phone": "0812 7777 1234", "password": "kebun-salak-21",
             "password_confirm": "kebun-salak-21", "district": "33.18.14",
             "choose_district": "1"}
    response = client.post("/auth/daftar", data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="password"[^>]*value="kebun-salak-21"|value="kebun-salak-21"[^>]*'
                     r'id="password"', html)
    assert html.count('value="kebun-salak-21"') == 2
    assert 'value="33.18.14.2003"' in html  # the villages of the kecamatan are listed
    # A real submit with errors still sends the passwords back empty.
    sent = {key: value for key, value in typed.items() if key != "choose_district"}
    failed = client.post("/auth/daftar", data={**sent, "phone": "12"})
    assert failed.status_code == 422 and "kebun-salak-21" not in failed.get_data(as_text=True)
