"""Behind the reverse proxy: client addresses from X-Forwarded-For (only with
KIM_TRUSTED_PROXIES), links from KIM_SITE_URL and never from the Host header."""

import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from kim_app import create_app
from kim_app.config import ConfigError, ProductionConfig
from kim_app.info import services as info_services
from tests import business_factories as bf
from tests.conftest import PASSWORD
from tests.test_info import publish

SITE = "https://kim.contoh.invalid"
FORGED = {"Host": "phishing.example"}


def failed_logins(client, phone: str, addresses: list[str]) -> list[int]:
    return [
        client.post("/auth/masuk", data={"identifier": phone, "password": "bukan-sandinya"},
                    headers={"X-Forwarded-For": address}).status_code
        for address in addresses
    ]


def test_behind_a_trusted_proxy_each_villager_has_an_own_ip_bucket(app_factory, warga):
    app = app_factory(TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_IP="2 per hour",
                      LOGIN_LIMIT_PER_ACCOUNT="100 per hour")
    client = app.test_client()
    addresses = ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4"]
    assert failed_logins(client, warga.phone, addresses) == [422] * 4
    # The same villager's third attempt is limited; the others are not.
    assert failed_logins(client, warga.phone, ["10.1.0.1", "10.1.0.1"]) == [422, 429]
    response = client.post("/auth/masuk", data={"identifier": warga.phone, "password": PASSWORD},
                           headers={"X-Forwarded-For": "10.1.0.9"})
    assert response.status_code == 302


def test_without_trusted_proxies_forwarded_headers_are_ignored(app_factory, warga):
    app = app_factory(LOGIN_LIMIT_PER_IP="2 per hour", LOGIN_LIMIT_PER_ACCOUNT="100 per hour")
    statuses = failed_logins(app.test_client(), warga.phone, ["10.2.0.1", "10.2.0.2", "10.2.0.3"])
    assert statuses == [422, 422, 429]  # a forged header does not buy a fresh bucket


def test_production_refuses_to_start_without_site_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("KIM_SITE_URL", raising=False)
    with pytest.raises(ConfigError, match="KIM_SITE_URL"):
        ProductionConfig()
    monkeypatch.setenv("KIM_SITE_URL", "kim.contoh.invalid")  # not an address
    with pytest.raises(ConfigError, match="KIM_SITE_URL"):
        ProductionConfig()
    monkeypatch.setenv("KIM_SITE_URL", SITE + "/")
    assert ProductionConfig().SITE_URL == SITE


def test_production_app_starts_with_site_url(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KIM_SITE_URL", SITE)
    assert create_app(ProductionConfig).config["SITE_URL"] == SITE


def test_product_links_come_from_site_url_not_the_host_header(app, client):
    app.config["SITE_URL"] = SITE
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    bf.product(group, "Keripik Tempe Pedas", 15000, photos=1)
    html = client.get(f"/usaha/{group.slug}/keripik-tempe-pedas", headers=FORGED)
    html = html.get_data(as_text=True)
    page_url = f"{SITE}/usaha/{group.slug}/keripik-tempe-pedas"

    def og(name):
        return unescape(re.search(rf'<meta property="{name}" content="([^"]*)">', html).group(1))

    assert og("og:url") == page_url
    assert re.fullmatch(rf"{SITE}/media/\w+-1024\.jpg", og("og:image"))
    assert f'<link rel="canonical" href="{page_url}">' in html
    order = unescape(re.search(r'<a href="([^"]+)"[^>]*id="order-whatsapp"', html).group(1))
    order = client.get(order, headers=FORGED).headers["Location"]
    assert parse_qs(urlsplit(order).query)["text"][0].endswith(page_url)
    share = unescape(re.search(r'<a href="([^"]+)"[^>]*id="share-link"', html).group(1))
    assert parse_qs(urlsplit(share).query)["text"][0].endswith(page_url)
    assert "phishing.example" not in unquote(html)


def test_announcement_share_text_comes_from_site_url(app, db, petugas):
    app.config["SITE_URL"] = SITE
    announcement = publish(db, petugas, title="Pasar murah")
    with app.test_request_context("/", headers=FORGED):
        text = info_services.share_text(announcement)
    assert text.endswith(f"{SITE}/info/{announcement.id}")


@pytest.mark.parametrize("query", [
    "_external=1", "_method=POST", "_scheme=https&_external=1", "_anchor=x", "v=1",
])
def test_info_more_passes_on_only_the_filters_it_knows(client, query):
    response = client.get(f"/info/lagi?{query}", headers=FORGED)
    assert response.status_code == 302
    assert response.location == "/info/"


def test_info_more_keeps_known_filters(client):
    response = client.get("/info/lagi?kecamatan=33.18.17&sebelum=12&x=1")
    assert response.status_code == 302
    assert response.location == "/info/?kecamatan=33.18.17&sebelum=12"


@pytest.mark.parametrize("script_root", ["", "/kim-pati"])
def test_photo_links_are_the_media_route_also_under_a_mount_point(app, script_root):
    """`media_url` (what pages link photos with) gives what url_for gives, with the app
    mounted at the root or below a path."""
    from flask import url_for

    from kim_app.main.routes import media_url

    for root in (script_root, "/lain"):  # a second mount point gets a pattern of its own
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for token, width in (("a1B2c3", 320), ("Zz9", 1600)):
                expected = url_for("main.media", token=token, width=width)
                assert media_url(token, width) == expected
                assert expected.startswith(f"{root}/media/")
