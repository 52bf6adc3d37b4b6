"""The foundation's flows where htmx matters, in a real browser.

Register (the village list arrives by an htmx swap), log out, log in, and filter the KIM
directory (the list swaps in place and the address bar follows); the back button restores
the previous list. CSRF is on, and no console error or CSP violation may appear.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

NAME = "Siti Aminah"
PHONE = "0812 3456 7001"
PASSWORD = "jagung-manis-7001"


def set_marker(page: Page) -> None:
    """A mark on `window` that survives htmx swaps and disappears on a full page load."""
    page.evaluate("window.__marker = 1")


def marker_survived(page: Page) -> bool:
    return page.evaluate("window.__marker === 1")


def test_register_log_out_log_in_and_filter_directory(page: Page, live_server, console_errors):
    page.goto("/auth/daftar")
    form = page.locator("#main form")
    form.locator("#name").fill(NAME)
    form.locator("#phone").fill(PHONE)
    form.locator("#password").fill(PASSWORD)
    form.locator("#password_confirm").fill(PASSWORD)
    expect(page.locator("#village option[value='33.18.17.2003']")).to_have_count(0)

    set_marker(page)
    with page.expect_response(re.compile(r"/auth/desa\?district=33\.18\.17$")) as villages:
        page.select_option("#district", "33.18.17")
    assert villages.value.request.headers.get("hx-request") == "true"
    gulangpongge = page.locator("#village option[value='33.18.17.2003']")
    expect(gulangpongge).to_have_count(1)
    expect(gulangpongge).to_have_text("Gulangpongge")
    assert marker_survived(page), "choosing a kecamatan reloaded the page"
    assert page.input_value("#name") == NAME, "the swap must leave the rest of the form alone"

    page.select_option("#village", "33.18.17.2003")
    form.locator("#accept_privacy").check()
    form.get_by_role("button", name="Daftar").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("#user-name")).to_have_text(NAME)

    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("#flash")).to_contain_text("Anda sudah keluar")
    expect(page.locator("#user-name")).to_have_count(0)

    page.goto("/auth/masuk")
    page.fill("#identifier", PHONE)
    page.fill("#password", PASSWORD)
    page.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("#user-name")).to_have_text(NAME)

    page.goto("/kim/")
    cards = page.locator("#kim-list .card")
    expect(cards).to_have_count(18)
    set_marker(page)
    with page.expect_response(re.compile(r"/kim/\?kecamatan=33\.18\.14$")) as listing:
        page.select_option("#kecamatan", "33.18.14")
    assert listing.value.request.headers.get("hx-request") == "true"
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("KIM Tlogorejo")
    expect(page).to_have_url(f"{live_server}/kim/?kecamatan=33.18.14")
    expect(page.locator("#user-name")).to_have_text(NAME)
    assert marker_survived(page), "filtering the directory reloaded the page"

    assert console_errors == []


def test_directory_filter_back_and_forward(page: Page, live_server, console_errors):
    page.goto("/kim/")
    cards = page.locator("#kim-list .card")
    expect(cards).to_have_count(18)
    set_marker(page)

    page.select_option("#kecamatan", "33.18.17")
    expect(page).to_have_url(f"{live_server}/kim/?kecamatan=33.18.17")
    expect(cards).to_have_count(3)
    expect(cards.first).to_contain_text("Kec. Gunungwungkal")

    # Back and forward: htmx restores each list from its history cache, without a page load.
    page.go_back()
    expect(page).to_have_url(f"{live_server}/kim/")
    expect(cards).to_have_count(18)
    page.go_forward()
    expect(page).to_have_url(f"{live_server}/kim/?kecamatan=33.18.17")
    expect(cards).to_have_count(3)
    assert marker_survived(page), "back or forward reloaded the page"

    # Leave for a KIM's page, then come back: the browser loads the filtered URL again,
    # and must get the whole page, never the fragment it fetched for that URL before.
    cards.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/kim/[a-z-]+$"))
    page.go_back()
    expect(page).to_have_url(f"{live_server}/kim/?kecamatan=33.18.17")
    expect(page.locator("h1")).to_have_text("Direktori KIM")
    expect(page.locator("header nav")).to_be_visible()
    expect(cards).to_have_count(3)

    assert console_errors == []


def test_back_button_restores_the_chosen_kecamatan(page: Page, live_server):
    page.goto("/kim/")
    cards = page.locator("#kim-list .card")
    page.select_option("#kecamatan", "33.18.17")
    expect(cards).to_have_count(3)
    page.select_option("#kecamatan", "33.18.14")
    expect(cards).to_have_count(1)

    page.go_back()
    expect(page).to_have_url(f"{live_server}/kim/?kecamatan=33.18.17")
    expect(cards).to_have_count(3)
    expect(page.locator("#kecamatan")).to_have_value("33.18.17", timeout=1000)
