"""`/akun/profil`: a person corrects their own name, village, email, language and phone."""

import re

from sqlalchemy import select

from kim_app.models import OutgoingEmail, User
from tests.conftest import HX, PASSWORD, field_error, login, make_user

PROFILE = {"name": "Sri Rahayu Lestari", "district": "33.18.14", "village": "33.18.14.2003",
           "email": "", "locale": "id"}


def test_profile_needs_login(client):
    assert client.get("/akun/profil").status_code == 302


def test_profile_form_shows_current_values(client, warga):
    login(client, warga)
    html = client.get("/akun/profil").get_data(as_text=True)
    assert 'value="Sri Warga"' in html
    assert '<option selected value="33.18.17">Gunungwungkal</option>' in html
    assert '<option selected value="33.18.17.2003">Gulangpongge</option>' in html
    assert 'hx-get="/auth/desa"' in html


def test_name_village_and_language_are_saved(client, warga, db):
    login(client, warga)
    response = client.post("/akun/profil", data={**PROFILE, "locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, warga.id)
    assert (user.name, user.village_code, user.locale) == ("Sri Rahayu Lestari",
                                                          "33.18.14.2003", "en")
    assert "Profile saved." in client.get("/akun/profil").get_data(as_text=True)


def test_bad_profile_input(client, warga, db):
    login(client, warga)
    cases = [({"name": ""}, "name"), ({"village": "33.18.17.2003"}, "village"),
             ({"district": ""}, "district"), ({"email": "bukan-email"}, "email")]
    for change, field in cases:
        response = client.post("/akun/profil", data={**PROFILE, **change})
        assert response.status_code == 422, change
        assert field_error(response.get_data(as_text=True), field), change
    db.session.expire_all()
    assert db.session.get(User, warga.id).name == "Sri Warga"


def test_choosing_a_kecamatan_without_javascript_lists_its_villages(client, warga):
    login(client, warga)
    response = client.post("/akun/profil", data={**PROFILE, "choose_district": "1"})
    assert response.status_code == 200
    assert "Tlogorejo" in response.get_data(as_text=True)


def test_village_picker_fragment(client, warga):
    login(client, warga)
    response = client.get("/auth/desa?district=33.18.14", headers=HX)
    assert 'id="village-field"' in response.get_data(as_text=True)


def test_a_new_email_is_used_only_after_its_link_is_opened(client, db):
    user = make_user(email="lama@contoh.id")
    login(client, user)
    response = client.post("/akun/profil", data={**PROFILE, "email": "Baru@Contoh.id"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email == "lama@contoh.id" and user.pending_email == "baru@contoh.id"
    mail = db.session.scalar(select(OutgoingEmail).order_by(OutgoingEmail.id.desc()))
    assert mail.to_address == "baru@contoh.id"
    link = re.search(r"https?://[^/\s]+(/akun/email/verifikasi/\S+)", mail.body).group(1)
    assert "Menunggu verifikasi" in client.get("/akun/profil").get_data(as_text=True)
    other = client.application.test_client()  # opened on another device, not logged in
    response = other.get(link)
    assert response.status_code == 200
    assert "baru@contoh.id" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email == "baru@contoh.id" and user.pending_email is None
    assert user.email_verified_at is not None
    assert other.get(link).status_code == 410  # spent: nothing pending any more
    assert other.get(link[:-3] + "abc").status_code == 410


def test_an_email_of_another_account_is_refused(client, db):
    make_user(email="dipakai@contoh.id")
    user = make_user()
    login(client, user)
    response = client.post("/akun/profil", data={**PROFILE, "email": "dipakai@contoh.id"})
    assert response.status_code == 422
    assert "sudah dipakai" in field_error(response.get_data(as_text=True), "email")


def test_clearing_the_email(client, db):
    user = make_user(email="lama@contoh.id")
    login(client, user)
    client.post("/akun/profil", data=PROFILE)
    db.session.expire_all()
    assert db.session.get(User, user.id).email is None


def test_phone_change_asks_the_password_and_stays_unique_and_normalised(client, db, warga):
    taken = make_user()
    login(client, warga)
    url = "/akun/profil/nomor-hp"
    response = client.post(url, data={"phone": "0813 5555 6666", "current_password": "salah-1234"})
    assert response.status_code == 422
    assert "salah" in field_error(response.get_data(as_text=True), "current_password")
    response = client.post(url, data={"phone": taken.phone, "current_password": PASSWORD})
    assert response.status_code == 422
    assert "sudah dipakai" in field_error(response.get_data(as_text=True), "phone")
    response = client.post(url, data={"phone": "123", "current_password": PASSWORD})
    assert response.status_code == 422
    assert "tidak valid" in field_error(response.get_data(as_text=True), "phone")
    response = client.post(url, data={"phone": "0813-5555-6666", "current_password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, warga.id).phone == "+6281355556666"
    client.post("/auth/keluar")
    assert client.post("/auth/masuk", data={"identifier": "081355556666",
                                            "password": PASSWORD}).status_code == 302
