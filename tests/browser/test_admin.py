"""The admin area in a real browser: search the KIM list, deactivate a KIM, edit a category.

The list follows the search box and the address bar follows the list; the status box and a
category row swap in place (no page load), the deactivation asks first. CSRF is on, and no
console error or CSP violation may appear.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.models import KimStatus, Role
from tests.browser.test_membership import log_in
from tests.membership_helpers import group, make_user

pytestmark = pytest.mark.browser


def test_admin_searches_deactivates_and_edits_inline(app, db, page: Page, console_errors):
    admin = make_user(Role.ADMIN, name="Bu Admin")
    log_in(page, admin.phone)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Kelompok KIM").first.click()
    expect(page.locator("#admin-kim-list tbody tr")).to_have_count(18)
    page.evaluate("window.__marker = 1")
    page.fill("#admin-q", "kajen")
    expect(page.locator("#admin-kim-list tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/admin/kim\?q=kajen$"))

    page.locator("#admin-kim-list").get_by_role("link", name="KIM Kajen").click()
    expect(page.locator("#kim-status")).to_contain_text("Status sekarang: Aktif")
    page.evaluate("window.__marker = 2")
    page.fill("#reason", "Tidak ada kegiatan")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nonaktifkan KIM").click()
    expect(page.locator("#kim-status")).to_contain_text("Status sekarang: Nonaktif")
    expect(page.locator("#flash")).to_contain_text("dinonaktifkan")
    assert page.evaluate("window.__marker === 2"), "the status change reloaded the page"
    db.session.expire_all()
    assert group("kajen").status == KimStatus.NONAKTIF

    page.goto("/admin/kategori")
    row = page.locator("#reference-rows li").filter(has_text="Kesehatan").first
    row.locator("summary").click()
    page.evaluate("window.__marker = 3")
    row.get_by_label("Nama kategori").fill("")
    row.get_by_role("button", name="Simpan").click()
    expect(row.locator(".field-error")).to_have_text("Nama wajib diisi.")
    row.get_by_label("Nama kategori").fill("Kesehatan dan gizi")
    row.get_by_role("button", name="Simpan").click()
    expect(row.locator("summary")).to_contain_text("Kesehatan dan gizi")
    expect(page.locator("#flash")).to_contain_text("disimpan")
    assert page.evaluate("window.__marker === 3"), "the inline edit reloaded the page"
    # A refused form answers 422 by design; Chromium logs that as a failed resource.
    assert [error for error in console_errors if "status of 422" not in error] == []
