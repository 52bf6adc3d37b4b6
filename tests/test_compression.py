"""Responses are compressed by the app itself (brotli, else gzip), pages and fragments."""

import gzip

import brotli

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


def test_static_files_are_streamed_as_they_are(client):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    response.close()
