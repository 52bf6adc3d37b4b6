"""Forgotten passwords: the email link (`/auth/lupa`) and officers' reset codes
(`/auth/atur-ulang`)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kim_app.auth import reset
from kim_app.models import OutgoingEmail, ResetCode, ResetFailure, Role, User, utcnow
from tests.conftest import field_error, login, make_user

NEW = "jagung-bakar-2027"


def _verified(email="sri@contoh.id", **kwargs):
    user = make_user(email=email, **kwargs)
    user.email_verified_at = utcnow()
    return user


def _link(db):
    body = db.session.scalars(select(OutgoingEmail.body).order_by(OutgoingEmail.id.desc())).first()
    return re.search(r"https?://[^/\s]+(/auth/lupa/\S+)", body).group(1)


def test_login_page_links_to_help(client):
    html = client.get("/auth/masuk").get_data(as_text=True)
    assert 'href="/auth/lupa"' in html


def test_forgot_page_explains_reset_codes(client):
    html = client.get("/auth/lupa").get_data(as_text=True)
    assert "kode atur ulang" in html.lower()
    assert "petugas Diskominfo" in html and "24 jam" in html
    assert 'href="/auth/atur-ulang"' in html


def test_same_answer_whether_or_not_the_account_exists(client, db):
    user = _verified()
    db.session.commit()
    unverified = make_user(email="belum@contoh.id")
    answers = []
    for identifier in (user.phone, "sri@contoh.id", unverified.phone, "0812 9999 0000",
                       "tidak-ada@contoh.id"):
        response = client.post("/auth/lupa", data={"identifier": identifier})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        # The CSRF token carries a timestamp: two answers a second apart differ only there.
        html = re.sub(r'name="csrf_token"[^>]*>', "", html)
        answers.append(re.sub(r'"X-CSRFToken": "[^"]*"', "", html))
    assert len(set(answers)) == 1
    assert 'id="forgot-sent"' in answers[0]
    # Only the verified address got mail: two links, both to her.
    assert db.session.scalars(select(OutgoingEmail.to_address)).all() == ["sri@contoh.id"] * 2


def test_the_link_sets_a_new_password_once_and_ends_old_sessions(client, app, db):
    user = _verified()
    db.session.commit()
    other_device = app.test_client()
    login(other_device, user)
    client.post("/auth/lupa", data={"identifier": user.phone})
    link = _link(db)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW, "password_confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/masuk"
    assert other_device.get("/akun").status_code == 302  # old session refused
    assert client.get(link).status_code == 410  # single use
    assert "sudah dipakai" in client.get(link).get_data(as_text=True)
    login(client, user, NEW)


def test_an_expired_or_forged_link_is_refused(client, app, db, monkeypatch):
    user = _verified()
    db.session.commit()
    client.post("/auth/lupa", data={"identifier": user.phone})
    link = _link(db)
    assert client.get(link + "x").status_code == 410
    monkeypatch.setitem(app.config, "RESET_LINK_MINUTES", -1)
    assert client.get(link).status_code == 410


def test_forgot_is_rate_limited_per_identifier(client, db):
    user = _verified()
    db.session.commit()
    statuses = [client.post("/auth/lupa", data={"identifier": user.phone}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 3
    assert client.post("/auth/lupa", data={"identifier": "0812 7777 0000"}).status_code == 200


def test_bad_input_on_the_forgot_page(client):
    response = client.post("/auth/lupa", data={"identifier": ""})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "identifier")


@pytest.fixture
def issued(app, db):
    officer = make_user(Role.PETUGAS, name="Pak Petugas", village=None)
    user = make_user(name="Mbah Darmi")
    code = reset.issue(officer, user)
    db.session.commit()
    return user, code


def _redeem(client, phone, code, password=NEW):
    return client.post("/auth/atur-ulang", data={
        "phone": phone, "code": code, "password": password, "password_confirm": password})


def test_a_code_sets_the_password_ends_sessions_and_is_spent(client, app, db, issued):
    user, code = issued
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code)
    stored = db.session.scalar(select(ResetCode))
    assert code not in stored.code_hash and stored.code_hash.startswith("$argon2")
    old_device = app.test_client()
    login(old_device, user)
    response = _redeem(client, "0" + user.phone[3:], reset.display(code).lower())
    assert response.status_code == 302
    assert old_device.get("/akun").status_code == 302
    login(client, user, NEW)
    other = app.test_client()
    response = _redeem(other, user.phone, code, "lain-lagi-2028")
    assert response.status_code == 422
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_an_expired_code_says_so(client, db, issued):
    user, code = issued
    db.session.scalar(select(ResetCode)).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _redeem(client, user.phone, code)
    assert response.status_code == 422
    assert "kedaluwarsa" in response.get_data(as_text=True)


def test_a_new_code_voids_the_old_one(client, db, issued):
    user, first = issued
    second = reset.issue(make_user(Role.ADMIN, village=None), user)
    db.session.commit()
    assert "kedaluwarsa" in _redeem(client, user.phone, first).get_data(as_text=True)
    assert _redeem(client, user.phone, second).status_code == 302


def test_unknown_phone_and_wrong_code_answer_alike(client, db, issued):
    user, code = issued
    wrong = _redeem(client, user.phone, "AAAA-AAAA")
    unknown = _redeem(client, "0812 9999 1234", code)
    assert wrong.status_code == unknown.status_code == 422
    assert field_error(wrong.get_data(as_text=True), "code") == field_error(
        unknown.get_data(as_text=True), "code")
    # Wrong tries are kept under a keyed hash, never the number.
    keys = db.session.scalars(select(ResetFailure.phone_key)).all()
    assert len(keys) == 2 and not any("812" in key for key in keys)


def test_five_wrong_codes_lock_that_phone_for_an_hour(client, db, issued):
    user, code = issued
    for _ in range(5):
        assert "salah" in _redeem(client, user.phone, "BBBB-BBBB").get_data(as_text=True)
    response = _redeem(client, user.phone, code)
    assert response.status_code == 422
    assert "Terlalu banyak kode yang salah" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == user.password_hash
    # An unregistered number locks the same way (nothing tells them apart).
    for _ in range(5):
        _redeem(client, "0812 9999 4321", "CCCC-CCCC")
    assert "Terlalu banyak" in _redeem(client, "0812 9999 4321", "CCCC-CCCC").get_data(
        as_text=True)
    # An hour later the right code works.
    db.session.execute(ResetFailure.__table__.update().values(
        created_at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    assert _redeem(client, user.phone, code).status_code == 302


def test_reset_page_while_logged_in_goes_to_the_account(client, warga):
    login(client, warga)
    assert client.get("/auth/atur-ulang").headers["Location"] == "/akun"


def test_weak_new_password_is_refused(client, db, issued):
    user, code = issued
    response = _redeem(client, user.phone, code, "password")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password")
    assert db.session.scalar(select(ResetCode)).used_at is None

