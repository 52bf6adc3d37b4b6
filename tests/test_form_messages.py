"""WTForms' own messages reach people in Bahasa Indonesia (WTForms has no `id` locale), and
in English for those who chose English: never WTForms' English in the Indonesian page."""

from kim_app.common.form_messages import MESSAGES
from tests.conftest import field_error, login

PROFILE = {"name": "Sri Rahayu Lestari", "district": "33.18.14", "village": "33.18.14.2003",
           "email": ""}


def test_a_choice_not_offered_is_refused_in_indonesian(client, warga):
    login(client, warga)
    response = client.post("/akun/profil", data={**PROFILE, "locale": "xx"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "locale") == "Pilihan tidak valid. Pilih salah satu dari daftar."
    assert "Not a valid choice" not in html
    assert 'value="Sri Rahayu Lestari"' in html  # what was typed is kept


def test_the_same_message_in_english_for_an_english_reader(client, warga, db):
    warga.locale = "en"
    db.session.commit()
    login(client, warga)
    html = client.post("/akun/profil", data={**PROFILE, "locale": "xx"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert field_error(html, "locale") == "Not a valid choice. Pick one from the list."


def test_every_mapped_message_is_indonesian_and_keeps_its_placeholders():
    for english, ours in MESSAGES.items():
        ours = ours._args[0]  # the msgid behind the lazy string
        assert ours != english
        for name in ("%(min)", "%(max)", "%(other_name)", "%(values)", "%(value)"):
            assert (name in english) == (name in ours), (english, ours)
