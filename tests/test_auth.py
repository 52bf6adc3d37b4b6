"""Registration, login, logout, sessions and rate limits."""

import pytest
from sqlalchemy import select

from kim_app.models import User
from tests.conftest import HX, PASSWORD, field_error, login, make_user

GOOD = {
    "name": "Sri Rahayu",
    "phone": "0812-3456-7890",
    "email": "Sri@Example.id",
    "password": "padi-menguning-99",
    "password_confirm": "padi-menguning-99",
    "district": "33.18.17",
    "village": "33.18.17.2003",
    "accept_privacy": "y",
}


def register(client, **changes):
    return client.post("/auth/daftar", data={**GOOD, **changes})


def test_register_page_lists_kecamatan_and_no_villages_yet(client):
    html = client.get("/auth/daftar").get_data(as_text=True)
    assert "Gunungwungkal" in html
    assert 'hx-get="/auth/desa"' in html
    assert "Gulangpongge" not in html


def test_register_creates_account_and_logs_in(client, db):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.phone == "+6281234567890"))
    assert user.name == "Sri Rahayu"
    assert user.email == "sri@example.id"
    assert user.village_code == "33.18.17.2003"
    assert user.password_hash.startswith("$argon2id$")
    assert "padi-menguning-99" not in user.password_hash
    assert "Sri Rahayu" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "Nomor HP tidak valid"),
        ({"phone": "+1 415 555 0100"}, "phone", "Nomor HP tidak valid"),
        ({"phone": ""}, "phone", "Nomor HP wajib diisi"),
        ({"password": "pendek", "password_confirm": "pendek"}, "password", "minimal 8 karakter"),
        ({"password": "password123", "password_confirm": "password123"}, "password",
         "terlalu umum"),
        ({"password": "Bismillah", "password_confirm": "Bismillah"}, "password", "terlalu umum"),
        ({"password_confirm": "lain-sekali-99"}, "password_confirm", "tidak sama"),
        ({"email": "bukan-email"}, "email", "email tidak valid"),
        ({"name": ""}, "name", "Nama wajib diisi"),
        ({"village": ""}, "village", "Pilih desa"),
        # Tlogorejo of Winong, chosen with Gunungwungkal as kecamatan: refused by code.
        ({"village": "33.18.04.2009"}, "village", "tidak ada di kecamatan"),
        ({"district": "99.99.99"}, "district", "Pilih kecamatan"),
    ],
)
def test_register_errors_sit_next_to_the_field_and_keep_input(client, db, changes, field, message):
    response = register(client, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = field_error(html, field)
    assert error is not None and message in error, html
    data = {**GOOD, **changes}
    if data["name"]:
        assert f'value="{data["name"]}"' in html
    if data["phone"]:
        assert f'value="{data["phone"]}"' in html
    assert db.session.scalar(select(User)) is None


def test_register_duplicate_phone_in_another_format(client, warga):
    local = "0" + warga.phone.removeprefix("+62")
    response = register(client, phone=local)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "sudah terdaftar" in field_error(html, "phone")
    assert 'value="Sri Rahayu"' in html


def test_register_duplicate_email(client, app):
    make_user(email="sri@example.id")
    response = register(client)
    assert response.status_code == 422
    assert "sudah dipakai" in field_error(response.get_data(as_text=True), "email")


def test_register_without_js_picks_kecamatan_first(client):
    response = client.post(
        "/auth/daftar", data={"name": "Sri", "district": "33.18.14", "choose_district": "1"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tlogorejo" in html
    assert 'value="Sri"' in html
    assert 'class="field-error"' not in html


def test_village_options_fragment(client):
    response = client.get("/auth/desa?district=33.18.14", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="village-field">')
    assert 'value="33.18.14.2003"' in html
    assert "<html" not in html
    assert "Gulangpongge" not in html


def test_village_options_unknown_district_is_empty(client):
    html = client.get("/auth/desa?district=nope", headers=HX).get_data(as_text=True)
    assert html.count("<option") == 1


@pytest.mark.parametrize("identifier", ["phone-local", "phone-intl", "email"])
def test_login_with_phone_or_email(client, app, identifier):
    user = make_user(email="ani@example.id", name="Ani Lestari")
    value = {
        "phone-local": "0" + user.phone.removeprefix("+62"),
        "phone-intl": user.phone,
        "email": "ANI@example.id",
    }[identifier]
    response = client.post("/auth/masuk", data={"identifier": value, "password": PASSWORD})
    assert response.status_code == 302
    assert "Ani Lestari" in client.get("/").get_data(as_text=True)


def test_login_wrong_password_keeps_identifier(client, warga):
    response = client.post(
        "/auth/masuk", data={"identifier": warga.phone, "password": "salah-sekali"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "salah" in field_error(html, "password")
    assert f'value="{warga.phone}"' in html


def test_login_unknown_account_same_message(client, app):
    response = client.post("/auth/masuk", data={"identifier": "0899999999", "password": "x" * 9})
    assert response.status_code == 422
    assert "salah" in field_error(response.get_data(as_text=True), "password")


def test_inactive_account_cannot_log_in(client, warga, db):
    warga.active = False
    db.session.commit()
    response = client.post("/auth/masuk", data={"identifier": warga.phone, "password": PASSWORD})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/kim/kajen", "/kim/kajen"), ("https://evil.example/", "/"), ("//evil.example", "/"),
     ("javascript:alert(1)", "/")],
)
def test_login_next_only_goes_to_this_site(client, warga, next_url, expected):
    response = client.post(
        "/auth/masuk", data={"identifier": warga.phone, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response.location == expected


def test_logout_needs_post(client, warga):
    login(client, warga)
    assert client.get("/auth/keluar").status_code == 405
    response = client.post("/auth/keluar")
    assert response.status_code == 302
    assert "Sri Warga" not in client.get("/").get_data(as_text=True)


def test_session_cookie_replayed_after_logout_is_refused(app, warga):
    victim = app.test_client()
    login(victim, warga)
    stolen = victim.get_cookie("session").value
    assert victim.get("/akun").status_code == 200
    victim.post("/auth/keluar")

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/akun")
    assert response.status_code == 302
    assert response.location.startswith("/auth/masuk")


def test_remember_cookie_replayed_after_logout_is_refused(app, warga):
    victim = app.test_client()
    victim.post("/auth/masuk", data={"identifier": warga.phone, "password": PASSWORD,
                                     "remember": "y"})
    remember = victim.get_cookie("remember_token")
    assert remember is not None
    victim.post("/auth/keluar")
    attacker = app.test_client()
    attacker.set_cookie("remember_token", remember.value)
    assert attacker.get("/akun").status_code == 302


def test_password_change_ends_other_sessions(app, warga, db):
    phone_a, phone_b = app.test_client(), app.test_client()
    login(phone_a, warga)
    login(phone_b, warga)
    response = phone_a.post("/akun/kata-sandi", data={
        "current_password": PASSWORD, "password": "jagung-manis-77",
        "password_confirm": "jagung-manis-77",
    })
    assert response.status_code == 302
    assert phone_a.get("/akun").status_code == 200
    assert phone_b.get("/akun").status_code == 302
    fresh = app.test_client()
    login(fresh, warga, password="jagung-manis-77")


def test_password_change_errors(client, warga):
    login(client, warga)
    response = client.post("/akun/kata-sandi", data={
        "current_password": "keliru-sekali", "password": "jagung-manis-77",
        "password_confirm": "jagung-manis-77",
    })
    assert response.status_code == 422
    assert "salah" in field_error(response.get_data(as_text=True), "current_password")
    response = client.post("/akun/kata-sandi", data={
        "current_password": PASSWORD, "password": "12345678", "password_confirm": "12345678",
    })
    assert response.status_code == 422
    assert "terlalu umum" in field_error(response.get_data(as_text=True), "password")


def test_account_page_needs_login_and_shows_own_data(client, warga):
    assert client.get("/akun").status_code == 302
    login(client, warga)
    html = client.get("/akun").get_data(as_text=True)
    assert warga.phone in html
    assert "Gulangpongge" in html


def test_login_rate_limit_is_per_account(client, app):
    target = make_user(name="Target")
    other = make_user(name="Lain")
    for _ in range(5):
        response = client.post(
            "/auth/masuk", data={"identifier": target.phone, "password": "x" * 9}
        )
        assert response.status_code == 422
    response = client.post("/auth/masuk", data={"identifier": target.phone, "password": PASSWORD})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in field_error(html, "identifier")
    assert f'value="{target.phone}"' in html
    # Another villager behind the same carrier IP is not locked out.
    response = client.post("/auth/masuk", data={"identifier": other.phone, "password": PASSWORD})
    assert response.status_code == 302


def test_login_limit_counts_the_same_number_in_any_format(client, app):
    target = make_user()
    local = "0" + target.phone.removeprefix("+62")
    for identifier in [target.phone, local, local, target.phone.removeprefix("+"), local]:
        client.post("/auth/masuk", data={"identifier": identifier, "password": "x" * 9})
    response = client.post("/auth/masuk", data={"identifier": local, "password": PASSWORD})
    assert response.status_code == 429


def test_successful_logins_do_not_count_against_the_limit(app, warga):
    for _ in range(7):
        client = app.test_client()
        login(client, warga)


def test_registration_rate_limit_per_phone(client, db):
    for _ in range(5):
        assert register(client, password="pendek", password_confirm="pendek").status_code == 422
    response = register(client)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Terlalu banyak pendaftaran" in field_error(html, "phone")
    assert 'value="Sri Rahayu"' in html
    assert db.session.scalar(select(User)) is None


def test_per_ip_limits_are_generous_but_exist(app_factory):
    app = app_factory(LOGIN_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    with app.app_context():
        phones = [make_user().phone for _ in range(4)]
    for phone in phones[:3]:
        client.post("/auth/masuk", data={"identifier": phone, "password": "x" * 9})
    response = client.post("/auth/masuk", data={"identifier": phones[3], "password": "x" * 9})
    assert response.status_code == 429
