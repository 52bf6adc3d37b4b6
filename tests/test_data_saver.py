"""Data saver ("Hemat data"): with `Save-Data: on` or the setting in /akun, every stored
photo is a placeholder of the same size that loads on tap; pages that asked say
`Vary: Save-Data`; the setting is the person's own, behind login and CSRF."""

import re

import pytest

from kim_app.models import Role
from tests import business_factories as bf
from tests.conftest import PASSWORD, login, make_user

PHOTO_SRC = re.compile(r'<img src="/media/')


@pytest.fixture
def product_url(db):
    group = bf.business_group(bf.kim())
    item = bf.product(group, photos=2)
    return f"/usaha/{group.slug}/{item.slug}"


def test_photos_load_as_usual_without_data_saver(client, product_url):
    response = client.get(product_url)
    html = response.get_data(as_text=True)
    assert len(PHOTO_SRC.findall(html)) == 2 and "photo-tap" not in html
    assert "Save-Data" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["on", "On", " on "])
def test_save_data_header_gives_placeholders_of_the_same_size(client, product_url, header):
    normal = client.get(product_url).get_data(as_text=True)
    response = client.get(product_url, headers={"Save-Data": header})
    html = response.get_data(as_text=True)
    assert PHOTO_SRC.findall(html) == []
    assert html.count('class="photo-tap"') == 2
    assert 'data-src="/media/' in html and not re.search(r'\ssrcset="/media', html)
    assert re.findall(r'width="(\d+)" height="(\d+)"', html) == re.findall(
        r'width="(\d+)" height="(\d+)"', normal)
    assert "Save-Data" in response.headers["Vary"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in html and " onclick=" not in html


def test_save_data_off_or_absurd_is_ignored(client, product_url):
    for value in ("off", "", "1", "x" * 500):
        html = client.get(product_url, headers={"Save-Data": value}).get_data(as_text=True)
        assert len(PHOTO_SRC.findall(html)) == 2


def test_the_setting_in_akun_turns_it_on_and_off(client, db, product_url):
    person = make_user(Role.WARGA, name="Sulastri Warga")
    login(client, person)
    page = client.get("/akun").get_data(as_text=True)
    assert 'action="/akun/hemat-data"' in page and 'id="save_data"' in page
    assert person.save_data in (None, False)

    response = client.post("/akun/hemat-data", data={"save_data": "y"})
    assert response.status_code == 302 and response.location.endswith("/akun")
    assert person.save_data is True
    assert PHOTO_SRC.findall(client.get(product_url).get_data(as_text=True)) == []
    assert "checked" in re.search(r'<input[^>]*id="save_data"[^>]*>',
                                  client.get("/akun").get_data(as_text=True)).group(0)

    client.post("/akun/hemat-data", data={})
    assert person.save_data is False
    assert len(PHOTO_SRC.findall(client.get(product_url).get_data(as_text=True))) == 2


def test_the_setting_needs_login(client, db):
    response = client.post("/akun/hemat-data", data={"save_data": "y"})
    assert response.status_code == 302 and "/auth/masuk" in response.location


def test_the_setting_refuses_a_missing_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        person = make_user(Role.WARGA)
        client = app.test_client()
        page = client.get("/auth/masuk").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/auth/masuk", data={"identifier": person.phone, "password": PASSWORD,
                                         "csrf_token": token})
        assert client.get("/akun").status_code == 200  # logged in
        response = client.post("/akun/hemat-data", data={"save_data": "y"})
        assert response.status_code == 400
        assert not person.save_data
