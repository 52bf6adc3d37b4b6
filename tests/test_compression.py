"""Responses are compressed by the app itself (brotli, else gzip), pages and fragments."""

import gzip

import brotli
import pytest

from kim_app.static_files import precompress
from tests.conftest import HX


def test_pages_are_brotli_compressed_when_the_browser_takes_it(client):
    response = client.get("/tanya/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = brotli.decompress(response.data).decode()
    assert html.lstrip().startswith("<!doctype html>") and "</html>" in html


def test_gzip_for_browsers_without_brotli_and_fragments_too(client):
    response = client.get("/kim/", headers={**HX, "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    vary = response.headers["Vary"]
    assert "HX-Request" in vary and "Accept-Encoding" in vary
    fragment = gzip.decompress(response.data).decode()
    assert "<html" not in fragment and 'id="kim-list"' in fragment


def test_tiny_responses_are_sent_as_they_are(client):
    # The empty question list fragment is a few dozen bytes: not worth compressing.
    response = client.get("/tanya/", headers={**HX, "Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers
    assert 'id="thread-list"' in response.get_data(as_text=True)


def test_nothing_is_compressed_without_accept_encoding(client):
    response = client.get("/tanya/")
    assert "Content-Encoding" not in response.headers
    assert "<!doctype html>" in response.get_data(as_text=True)


@pytest.fixture
def static_folder(app, tmp_path, monkeypatch):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: black; }\n" * 200)
    (tmp_path / "favicon.png").write_bytes(b"\x89PNG not text")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    return tmp_path


def test_static_files_without_copies_are_sent_as_they_are(client, static_folder):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).startswith("body {")
    response.close()


def test_precompressed_static_copies_are_sent_to_who_takes_them(client, static_folder):
    assert precompress(static_folder) == 2  # the CSS twice; the PNG is left alone
    assert precompress(static_folder) == 0  # up to date
    original = (static_folder / "css" / "app.css").read_bytes()
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.mimetype == "text/css"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert brotli.decompress(response.get_data()) == original
    response.close()
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip, br;q=0"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == original
    response.close()
    response = client.get("/static/css/app.css")
    assert "Content-Encoding" not in response.headers and response.get_data() == original
    response.close()
    assert client.get("/static/css/../../etc/passwd").status_code == 404


def test_precompress_command(app, static_folder):
    result = app.test_cli_runner().invoke(args=["precompress-static"])
    assert result.exit_code == 0 and "2 precompressed copies written" in result.output
    assert (static_folder / "css" / "app.css.br").exists()
