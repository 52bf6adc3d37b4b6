"""People and accounts in a real browser, with CSRF on and no console errors.

An admin finds a villager by typing (htmx active search) and makes her a petugas for Dinas
Pertanian, who then logs in and verifies a question. A villager who forgot the password
gets a reset code from a petugas (the code box swaps in place), sets a new password and
logs in with it; the session cookie from before the reset is refused.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.models import Role
from tests.browser.test_threads import log_in, log_out, marker_survived, set_marker
from tests.conftest import make_user
from tests.threads.conftest import new_thread

pytestmark = pytest.mark.browser

NEW_PASSWORD = "gabah-kering-2027"


def test_admin_makes_a_petugas_who_verifies_a_question(page: Page, app, live_server,
                                                       console_errors):
    admin = make_user(Role.ADMIN, name="Bu Admin Kabupaten", village=None)
    future = make_user(Role.WARGA, name="Teguh Penyuluh")
    asker = make_user(Role.WARGA, name="Karsini Petani")
    thread = new_thread(asker, title="Pupuk bersubsidi belum sampai ke kelompok tani",
                        category_slug="pertanian")
    page.set_default_timeout(10_000)

    log_in(page, admin)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.locator("#admin-sections").get_by_role("link", name="Pengguna").click()
    set_marker(page)
    with page.expect_response(re.compile(r"/admin/pengguna\?q=Teguh")) as search:
        page.fill("#q", "Teguh")
    assert search.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#people-rows li")).to_have_count(1)
    assert marker_survived(page), "the search reloaded the page"
    expect(page).to_have_url(re.compile(r"/admin/pengguna\?q=Teguh"))
    page.locator("#people-rows").get_by_role("link", name="Teguh Penyuluh").click()
    page.select_option("#role", "petugas")
    page.select_option("#agency", label="Dinas Pertanian dan Ketahanan Pangan")
    page.fill("#reason", "Penyuluh pertanian, surat tugas Dispertan")
    page.get_by_role("button", name="Simpan peran").click()
    expect(page.locator("#flash")).to_contain_text("Peran Teguh Penyuluh sekarang Petugas")
    expect(page.locator("#person-role")).to_contain_text("Dinas Pertanian dan Ketahanan Pangan")
    expect(page.locator("#person-history")).to_contain_text("Peran diubah")
    log_out(page)

    log_in(page, future)
    page.get_by_role("link", name="Petugas", exact=True).click()
    page.locator("#inbox-list").get_by_role("link", name=re.compile("Pupuk bersubsidi")).click()
    page.get_by_role("button", name="Verifikasi pertanyaan").click()
    expect(page.locator("#thread-status")).to_have_text("Diverifikasi")
    expect(page).to_have_url(f"{live_server}/tanya/{thread.code}")
    assert console_errors == []


def test_forgotten_password_with_a_code_from_a_petugas(page: Page, app, live_server,
                                                        new_context, console_errors):
    villager = make_user(Role.WARGA, name="Mbok Sarinah")
    officer = make_user(Role.PETUGAS, name="Pak Petugas Loket", village=None)
    page.set_default_timeout(10_000)

    # Her old phone is still logged in.
    old_phone = new_context(base_url=live_server)
    old_page = old_phone.new_page()
    log_in(old_page, villager)

    # The officer finds her and issues a code (swapped in place by htmx).
    log_in(page, officer)
    page.goto(f"/admin/pengguna?q={villager.phone}")
    page.locator("#people-rows").get_by_role("link", name="Mbok Sarinah").click()
    set_marker(page)
    page.fill("#note", "Datang ke loket dengan KTP")
    with page.expect_response(re.compile(r"/kode-atur-ulang$")) as issued:
        page.get_by_role("button", name="Buat kode atur ulang").click()
    assert issued.value.request.headers.get("hx-request") == "true"
    code = page.locator("#reset-code code").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code), code
    assert marker_survived(page), "issuing the code reloaded the page"
    log_out(page)

    # On a borrowed phone she follows the help from the login page.
    borrowed = new_context(base_url=live_server).new_page()
    borrowed.goto("/auth/masuk")
    borrowed.get_by_role("link", name="Lupa kata sandi?").click()
    borrowed.get_by_role("button", name="Saya punya kode atur ulang").or_(
        borrowed.get_by_role("link", name="Saya punya kode atur ulang")).click()
    borrowed.fill("#phone", "0" + villager.phone[3:])
    borrowed.fill("#code", code.lower())
    borrowed.fill("#password", NEW_PASSWORD)
    borrowed.fill("#password_confirm", NEW_PASSWORD)
    borrowed.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(borrowed.locator("#flash")).to_contain_text("Kata sandi sudah diganti")
    borrowed.fill("#identifier", villager.phone)
    borrowed.fill("#password", NEW_PASSWORD)
    borrowed.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(borrowed.locator("#user-name")).to_have_text("Mbok Sarinah")

    # The session cookie from before the reset is refused.
    old_page.goto("/akun")
    expect(old_page).to_have_url(re.compile(r"/auth/masuk"))
    expect(old_page.locator("#user-name")).to_have_count(0)
    assert console_errors == []
