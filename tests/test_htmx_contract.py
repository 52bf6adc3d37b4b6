"""The htmx contract: one URL, two shapes; history restores; login redirects; errors."""

import pytest

from tests.conftest import HX


def test_full_and_fragment_both_vary_on_hx_request(client):
    full = client.get("/kim/")
    fragment = client.get("/kim/", headers=HX)
    assert "HX-Request" in full.headers["Vary"]
    assert "HX-Request" in fragment.headers["Vary"]
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)


def test_history_restore_gets_the_whole_page(client):
    response = client.get("/kim/", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_boosted_request_gets_the_whole_page(client):
    response = client.get("/kim/", headers={**HX, "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_htmx_request_needing_login_gets_hx_redirect(client):
    response = client.get("/akun", headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/masuk?next=/akun")


def test_plain_request_needing_login_redirects(client):
    response = client.get("/akun")
    assert response.status_code == 302
    assert response.location.startswith("/auth/masuk?next=/akun")


def test_htmx_error_is_retargeted_to_flash(client):
    response = client.get("/kim/tidak-ada", headers=HX)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash"
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" not in html  # the message, not the page title
    assert "<html" not in html
    assert "flash-error" in html


def test_fragment_carries_flash_messages_out_of_band(app, client):
    from flask import flash

    from kim_app.common.htmx import fragment_response

    with app.test_request_context("/", headers=HX):
        flash("Tersimpan", "success")
        response = fragment_response("_flash.html", messages=[])
    html = response.get_data(as_text=True)
    assert 'id="flash" hx-swap-oob="innerHTML"' in html
    assert "Tersimpan" in html


@pytest.mark.parametrize("path", ["/", "/kim/", "/auth/daftar", "/auth/masuk"])
def test_pages_configure_htmx_for_csp_and_slow_links(client, path):
    html = client.get(path).get_data(as_text=True)
    assert '"allowEval":false' in html
    assert '"includeIndicatorStyles":false' in html
    assert '"timeout":20000' in html
    assert '"code":"422","swap":true' in html
    assert "<script>" not in html and "hx-on" not in html
    assert 'id="net-status"' in html and "data-retry=" in html


def test_csrf_header_only_for_those_with_a_session(client, warga):
    """A guest who reads gets no token (it would need a session); logged in, every htmx
    request carries it from `hx-headers`."""
    from tests.conftest import login

    assert "X-CSRFToken" not in client.get("/").get_data(as_text=True)
    login(client, warga)
    assert "hx-headers='{\"X-CSRFToken\":" in client.get("/").get_data(as_text=True)


def test_pages_with_personal_data_are_kept_out_of_htmx_history(client, warga):
    from tests.conftest import login

    assert 'hx-history="false"' not in client.get("/").get_data(as_text=True)
    login(client, warga)
    assert 'hx-history="false"' in client.get("/akun").get_data(as_text=True)


def test_server_error_is_a_friendly_indonesian_page(app_factory):
    from flask import abort

    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.get("/_boom")
    def boom():
        raise RuntimeError("kaboom")

    @app.get("/_forbidden")
    def forbidden():
        abort(403)

    client = app.test_client()
    response = client.get("/_boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Terjadi kesalahan pada server" in html and "kaboom" not in html
    response = client.get("/_boom", headers=HX)
    assert response.status_code == 500 and response.headers["HX-Retarget"] == "#flash"
    response = client.get("/_forbidden")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)
