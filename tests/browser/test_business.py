"""The business flow where htmx matters, in a real browser.

A manager adds a product with a photo (the upload shows its progress on a slow
connection), marks it sold out from the manage page (the row swaps in place), and a guest
finds it through the catalog search (results swap, the address follows) and sees the
WhatsApp order link. CSRF is on, and no console error or CSP violation may appear.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests import business_factories as bf
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def uploads_in_tmp(monkeypatch, tmp_path):
    """The live server's app reads its upload folder from the environment."""
    monkeypatch.setenv("KIM_UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def shop(app):
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    bf.product(group, "Gula Aren Cetak", 30000)
    manager = bf.manager_of(group, "Bu Rina Pengelola")
    return {"group_slug": group.slug, "phone": manager.phone}


def test_manager_adds_product_marks_it_sold_out_and_a_guest_orders_it(
        page: Page, live_server, shop, tmp_path, console_errors):
    photo = tmp_path / "keripik.jpg"
    photo.write_bytes(bf.phone_photo((900, 700)))
    group = shop["group_slug"]

    page.goto("/auth/masuk")
    page.fill("#identifier", shop["phone"])
    page.fill("#password", PASSWORD)
    page.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(page.locator("#user-name")).to_have_text("Bu Rina Pengelola")

    page.goto(f"/usaha/{group}/produk/baru")
    page.fill("#name", "Keripik Tempe Pedas Manis")
    page.fill("#price", "17.500")
    page.select_option("#unit", "pack")
    page.select_option("#category", "makanan")
    page.fill("#description", "Renyah, **pedas manis**.")
    page.set_input_files("#photos", str(photo))
    progress = page.locator("#product-new-form .upload-progress")
    expect(progress).to_be_hidden()
    # A slow mobile uplink: the upload takes a few seconds and shows how far it got.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 100, "downloadThroughput": 500_000,
        "uploadThroughput": 60_000})
    page.get_by_role("button", name="Simpan produk").click()
    expect(progress).to_be_visible()
    expect(progress.locator("progress")).not_to_have_attribute("value", "0")
    expect(page).to_have_url(f"{page.url.split('/usaha/')[0]}/usaha/{group}/kelola",
                             timeout=20_000)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    expect(page.locator("#flash")).to_contain_text("Keripik Tempe Pedas Manis ditambahkan")

    row = page.locator("article.product-row", has_text="Keripik Tempe Pedas Manis")
    expect(row.locator("img")).to_have_count(1)
    page.evaluate("window.__marker = 1")
    with page.expect_response(re.compile(r"/ketersediaan$")) as toggled:
        row.get_by_role("button", name="Habis").click()
    assert toggled.value.request.headers.get("hx-request") == "true"
    expect(row.get_by_role("button", name="Habis")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".availability")).to_have_text("Habis")
    expect(page.locator("#flash")).to_contain_text("Habis")
    assert page.evaluate("window.__marker === 1"), "the toggle reloaded the page"

    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("#user-name")).to_have_count(0)

    page.goto("/usaha/")
    expect(page.locator(".product-name")).to_have_count(2)
    page.evaluate("window.__marker = 1")
    with page.expect_response(re.compile(r"/usaha/\?.*q=pedas")):
        page.fill("#catalog-q", "pedas")
    expect(page).to_have_url(re.compile(r"/usaha/\?.*q=pedas"))
    results = page.locator("#catalog-results .product-name")
    expect(results).to_have_count(1)
    expect(results).to_have_text("Keripik Tempe Pedas Manis")
    assert page.evaluate("window.__marker === 1"), "the search reloaded the page"

    results.click()
    expect(page.locator("h1")).to_have_text("Keripik Tempe Pedas Manis")
    expect(page.locator(".price-large")).to_contain_text("Rp\xa017.500")
    expect(page.locator(".product-info .availability")).to_have_text("Habis")
    order = page.locator("a#order-whatsapp")
    expect(order).to_have_text("Pesan via WhatsApp")
    button = order.get_attribute("href")
    assert button.endswith("/keripik-tempe-pedas-manis/pesan")
    answer = page.request.get(button, max_redirects=0)
    parts = urlsplit(answer.headers["location"])
    assert (parts.netloc, parts.path) == ("wa.me", "/6281234567890")
    message = parse_qs(parts.query)["text"][0]
    assert "Keripik Tempe Pedas Manis" in message and message.endswith(page.url)
    assert console_errors == []
