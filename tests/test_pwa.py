"""The installable app: the manifest and its icons, the service worker at the site's root
with a precache list of files that exist (content-hashed), and the offline page."""

import io
import json
import re

from PIL import Image

from kim_app.models import Role
from tests.conftest import login, make_user


def test_every_page_links_the_manifest_and_the_service_worker(client, db):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="kim-service-worker" content="/sw.js">' in html
    assert '<meta name="theme-color"' in html


def test_manifest_is_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Portal KIM Kabupaten Pati" and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        width, height = Image.open(io.BytesIO(image.data)).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon["purpose"], set()).add(width)
    assert sizes == {"any": {192, 512}, "maskable": {512}}


def test_manifest_names_the_regency_of_the_portal(app_factory):
    app = app_factory(REGENCY_NAME="Kabupaten Kudus")
    with app.app_context():
        manifest = json.loads(app.test_client().get("/manifest.webmanifest").data)
    assert manifest["name"] == "Portal KIM Kabupaten Kudus"


def test_service_worker_covers_the_site_and_precaches_what_exists(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    precache = json.loads(re.search(r"self\.KIM_PRECACHE = (\[.*\]);", script).group(1))
    assert "/offline" in precache
    assert any(url.startswith("/static/js/app.js?v=") for url in precache)
    for url in precache:
        assert client.get(url).status_code == 200, url
    assert 'addEventListener("fetch"' in script


def test_a_changed_static_file_is_a_new_service_worker(app, client, monkeypatch):
    from kim_app.main import pwa

    before = re.search(r'KIM_VERSION = "(\w+)"', client.get("/sw.js").get_data(as_text=True))
    monkeypatch.setattr(pwa, "static_url", lambda name: f"/static/{name}?v=changed")
    after = re.search(r'KIM_VERSION = "(\w+)"', client.get("/sw.js").get_data(as_text=True))
    assert before.group(1) != after.group(1)


def test_offline_page_is_the_same_for_everyone(client, db):
    guest = client.get("/offline").get_data(as_text=True)
    assert "Anda sedang offline" in guest and 'id="offline-draft"' in guest
    person = make_user(Role.WARGA, name="Sulastri Warga")
    login(client, person)
    assert client.get("/offline").status_code == 200


def test_the_ask_form_keeps_an_offline_draft(client, db):
    login(client, make_user(Role.WARGA))
    html = client.get("/tanya/baru").get_data(as_text=True)
    assert 'data-draft="ask"' in html and 'class="draft-status"' in html
