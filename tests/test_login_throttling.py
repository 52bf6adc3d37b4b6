"""Guessing a password never locks out its owner, and stays slow: failures are counted per
account and address; a device that logged in before (device cookie) is exempt from the
account-wide count; wrong current passwords are throttled too; "remember me" lasts 30 days."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from limits import parse_many

from kim_app.config import Config
from tests.conftest import PASSWORD, login


def attempt(client, user, password, address):
    return client.post("/auth/masuk", data={"identifier": user.phone, "password": password},
                       headers={"X-Forwarded-For": address})


def test_wrong_passwords_from_elsewhere_never_lock_out_the_owner(app_factory, warga):
    client = app_factory(TRUSTED_PROXIES=1).test_client()
    guesses = [attempt(client, warga, f"tebakan-{n}", "10.9.0.1").status_code for n in range(8)]
    assert guesses == [422] * 5 + [429] * 3  # the guesser is slowed down...
    response = attempt(client, warga, PASSWORD, "10.9.0.2")  # ...the owner, elsewhere, is not
    assert response.status_code == 302


def test_at_most_20_wrong_guesses_an_hour_per_account_and_address():
    hourly = [item for item in parse_many(Config.LOGIN_LIMIT_PER_ACCOUNT_ADDRESS)
              if item.get_expiry() == 3600]
    assert hourly and all(item.amount <= 20 for item in hourly)


def test_a_device_cookie_exempts_the_owner_from_the_account_wide_throttle(app_factory, warga):
    app = app_factory(TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_ACCOUNT="3 per hour")
    phone = app.test_client()
    assert attempt(phone, warga, PASSWORD, "10.8.0.1").status_code == 302
    assert phone.get_cookie("kim_device") is not None
    phone.post("/auth/keluar")
    guessers = app.test_client()
    for number in range(4):  # guesses spread over addresses use up the account-wide budget
        attempt(guessers, warga, f"tebakan-{number}", f"10.8.1.{number}")
    stranger = app.test_client()
    assert attempt(stranger, warga, PASSWORD, "10.8.2.1").status_code == 429
    assert attempt(phone, warga, PASSWORD, "10.8.2.1").status_code == 302  # the owner's phone


def test_a_forged_or_foreign_device_cookie_does_not_exempt(app_factory, warga, petugas):
    app = app_factory(TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_ACCOUNT="2 per hour")
    other = app.test_client()
    assert attempt(other, petugas, PASSWORD, "10.7.0.1").status_code == 302  # another account
    forged = app.test_client()
    forged.set_cookie("kim_device", "eyJkIjoieCIsInUiOlsxXX0.forged")
    for client in (other, forged):
        for number in range(3):
            attempt(client, warga, f"tebakan-{number}", f"10.7.{number + 1}.1")
    assert attempt(other, warga, PASSWORD, "10.7.9.1").status_code == 429
    assert attempt(forged, warga, PASSWORD, "10.7.9.2").status_code == 429


def test_wrong_current_passwords_are_throttled(client, warga):
    login(client, warga)
    statuses = [client.post("/akun/kata-sandi", data={
        "current_password": f"salah-{n}", "password": "padi-menguning-77",
        "password_confirm": "padi-menguning-77"}).status_code for n in range(7)]
    assert statuses == [422] * 5 + [429] * 2
    response = client.post("/akun/kata-sandi", data={
        "current_password": PASSWORD, "password": "padi-menguning-77",
        "password_confirm": "padi-menguning-77"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan kata sandi" in response.get_data(as_text=True)


def test_remember_me_lasts_30_days(client, warga):
    response = client.post("/auth/masuk", data={"identifier": warga.phone,
                                                "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie")
                  if value.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(hours=1)
