"""The statistics filters in a real browser: the figures swap in place, the address bar
follows, Back restores both the figures and the chosen filters; no CSP violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.stats_fixtures import hand_computed

pytestmark = pytest.mark.browser


def test_statistics_filters_swap_and_follow_back(app, page: Page, live_server, console_errors):
    hand_computed()  # committed: the live server reads the same database
    page.goto("/statistik")
    expect(page.locator("h1")).to_have_text("Statistik layanan tanya jawab")
    expect(page.locator("#stats-figures svg[role=img]").first).to_be_visible()
    page.evaluate("window.__marker = 1")

    with page.expect_response(re.compile(r"/statistik\?periode=semua")) as answer:
        page.select_option("#periode", "semua")
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(page).to_have_url(re.compile(r"/statistik\?periode=semua$"))
    expect(page.locator("#stats-figures .stat-card").first).to_contain_text("6")
    expect(page.locator("#stats-figures")).to_contain_text("Gunungwungkal")

    page.select_option("#filter-kecamatan", "33.18.14")
    expect(page).to_have_url(re.compile(r"kecamatan=33\.18\.14$"))
    expect(page.locator("#by-area-heading")).to_have_text("Per desa/kelurahan")
    expect(page.locator("#stats-figures .stat-card").first).to_contain_text("3")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/statistik\?periode=semua$"))
    expect(page.locator("#filter-kecamatan")).to_have_value("", timeout=1000)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/statistik$"))
    expect(page.locator("#periode")).to_have_value("12b", timeout=1000)
    assert page.evaluate("window.__marker === 1"), "filtering reloaded the page"

    # The table behind a chart opens without script.
    page.locator("#trend-heading ~ details summary").click()
    expect(page.locator("#trend-heading ~ details table")).to_be_visible()
    assert console_errors == []
