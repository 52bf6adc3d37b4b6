"""Bahasa Indonesia by default, English on request; every message translated."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


def test_indonesian_is_the_default_whatever_the_browser_says(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Lihat semua KIM" in html


def test_switch_to_english_and_back(client):
    response = client.post("/bahasa", data={"lang": "en", "next": "/kim/"})
    assert response.status_code == 302 and response.location == "/kim/"
    html = client.get("/kim/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "KIM directory" in html
    assert "Direktori KIM" not in html
    client.post("/bahasa", data={"lang": "id"})
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_unknown_and_offsite(client):
    response = client.post("/bahasa", data={"lang": "xx", "next": "https://evil.example"})
    assert response.location == "/"
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_language_choice_is_kept_on_the_account(client, warga, db):
    login(client, warga)
    client.post("/bahasa", data={"lang": "en"})
    db.session.refresh(warga)
    assert warga.locale == "en"


def test_error_pages_are_translated(client):
    client.post("/bahasa", data={"lang": "en"})
    html = client.get("/kim/nothing-here").get_data(as_text=True)
    assert "Halaman tidak ditemukan" not in html


def test_every_message_has_an_english_translation(tmp_path):
    """Extract the strings afresh: a new string without a translation fails here."""
    pot = tmp_path / "messages.pot"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (ROOT / "kim_app/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
        and not m.fuzzy
    }
    assert len(wanted) > 100  # the extraction really read the code and templates
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated: {missing[:10]}"


def test_fast_gettext_follows_the_locale_within_a_request(app):
    """kim_app.i18n remembers the catalogue per locale: another person's language
    (`force_locale`) and a refresh after a language change take effect at once."""
    from flask_babel import force_locale, refresh

    from kim_app import i18n

    # Each request gets its own app context (and `g`), as when served.
    with app.app_context(), app.test_request_context("/", headers={"Cookie": "kim_lang=id"}):
        assert i18n.gettext("Masuk") == "Masuk"
        with force_locale("en"):
            assert i18n.gettext("Masuk") == "Log in"
            assert i18n.ngettext("%(days)s hari", "%(days)s hari", 2, days=2) == "2 days"
        assert i18n.gettext("Masuk") == "Masuk"
        assert str(i18n.lazy_gettext("Masuk")) == "Masuk"
    with app.app_context(), app.test_request_context("/", headers={"Cookie": "kim_lang=en"}):
        assert i18n.gettext("Masuk") == "Log in"
        assert i18n.gettext("Halo %(name)s", name="Sri") == "Halo Sri"  # unknown: as written
        refresh()
        assert i18n.gettext("Masuk") == "Log in"


def test_fast_gettext_outside_a_request_returns_the_text():
    from kim_app import i18n

    assert i18n.gettext("Masuk") == "Masuk"
    assert i18n.ngettext("%(num)d berkas", "%(num)d berkas", 3) == "3 berkas"


def test_strings_are_translated_through_kim_app_i18n():
    """Code takes gettext, ngettext and lazy_gettext from kim_app.i18n (one proxy look-up a
    string), not from Flask-Babel (about ten): a page translates hundreds of strings."""
    import re

    root = Path(__file__).resolve().parent.parent / "kim_app"
    pattern = re.compile(r"from flask_babel import [^\n]*\b(gettext|ngettext|lazy_gettext)\b")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "i18n.py" and pattern.search(path.read_text())]
    assert offenders == []
