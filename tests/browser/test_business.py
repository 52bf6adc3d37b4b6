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


@pytest.fixture
def long_catalog(app):
    """30 products: the catalog's first page (24) and the rest behind "Muat lebih banyak"."""
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    for number in range(30):
        bf.product(group, f"Keripik Nomor {number:02d}", 10000 + 500 * (number % 4),
                   commit=False)
    bf.db.session.commit()


def test_more_appends_the_next_cards_on_a_phone(page: Page, long_catalog, console_errors):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/usaha/?urut=termurah")
    cards = page.locator("#catalog-grid .product-card")
    expect(cards).to_have_count(24)
    first_names = cards.locator(".product-name").all_text_contents()
    more = page.get_by_role("button", name="Muat lebih banyak")
    box = more.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44 and box["x"] + box["width"] <= 360
    address = page.url
    page.evaluate("window.__marker = 1")
    with page.expect_response(re.compile(r"/usaha/\?.*setelah=")) as answer:
        more.click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(cards).to_have_count(30)
    names = cards.locator(".product-name").all_text_contents()
    assert names[:24] == first_names and len(set(names)) == 30
    expect(page.get_by_role("button", name="Muat lebih banyak")).to_have_count(0)
    expect(page.locator("#catalog-grid .product-card").nth(24).locator("a")).to_be_focused()
    assert page.url == address, "loading more changed the address"
    assert page.evaluate("window.__marker === 1"), "loading more reloaded the page"
    assert console_errors == []


def test_more_is_a_plain_link_without_javascript(browser, live_server, long_catalog):
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto("/usaha/")
    expect(page.locator(".product-card")).to_have_count(24)
    page.get_by_role("button", name="Muat lebih banyak").click()
    expect(page).to_have_url(re.compile(r"/usaha/\?setelah=\d+_\d+$"))
    expect(page.locator(".product-card")).to_have_count(6)
    page.get_by_role("link", name="Kembali ke awal").click()
    expect(page.locator(".product-card")).to_have_count(24)
    context.close()
