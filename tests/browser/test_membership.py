"""Joining a KIM in a real browser: ask as one person, approve as the ketua, see the list change.

The join button swaps in place, the approval swaps its row, and the member list and the
history refresh themselves through the `membersChanged` event, all without a page load.
CSRF is on, and no console error or CSP violation may appear.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.models import MemberRole
from tests.conftest import PASSWORD
from tests.membership_helpers import add_member, group, make_user

pytestmark = pytest.mark.browser


def log_in(page: Page, phone: str) -> None:
    page.goto("/auth/masuk")
    page.fill("#identifier", phone)
    page.fill("#password", PASSWORD)
    page.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(page.locator("#user-name")).to_be_visible()


def watch_console(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


def test_request_approve_and_member_list_changes(app, page: Page, new_context, live_server,
                                                 console_errors):
    kajen = group("kajen")
    ketua = make_user(name="Pak Ketua Kajen")
    add_member(ketua, kajen, MemberRole.KETUA)
    applicant = make_user(name="Bu Pemohon")

    # The applicant asks to join; the button becomes "Menunggu persetujuan" in place.
    log_in(page, applicant.phone)
    page.goto("/kim/kajen")
    page.evaluate("window.__marker = 1")
    join_box = page.locator("#join-box")
    join_box.locator("textarea[name=message]").fill("Saya warga Kajen RT 4.")
    with page.expect_response(re.compile(r"/kim/kajen/gabung$")) as answer:
        join_box.get_by_role("button", name="Minta bergabung").click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(join_box).to_contain_text("Menunggu persetujuan")
    expect(page.locator("#flash")).to_contain_text("Permintaan bergabung terkirim")
    assert page.evaluate("window.__marker === 1"), "joining reloaded the page"

    # The ketua, in another browser, approves it on the member page.
    ketua_page = new_context(base_url=live_server).new_page()
    ketua_errors = watch_console(ketua_page)
    log_in(ketua_page, ketua.phone)
    expect(ketua_page.locator("#bell .bell-count")).to_have_text("1")  # the new request
    ketua_page.goto("/kim/kajen/anggota")
    members = ketua_page.locator("#member-list")
    expect(members.locator(".member-row")).to_have_count(1)
    expect(members).not_to_contain_text("Bu Pemohon")
    request_row = ketua_page.locator("#request-list li", has_text="Bu Pemohon")
    expect(request_row).to_contain_text("Saya warga Kajen RT 4.")
    ketua_page.evaluate("window.__marker = 1")
    request_row.get_by_role("button", name="Setujui").click()

    expect(request_row).to_contain_text("Anggota aktif")
    expect(request_row).to_contain_text("oleh Pak Ketua Kajen")
    expect(members.locator(".member-row")).to_have_count(2)
    expect(members).to_contain_text("Bu Pemohon")
    expect(members.locator(".member-total")).to_have_text("(2)")
    expect(ketua_page.locator("#history")).to_contain_text(
        "Pak Ketua Kajen menyetujui Bu Pemohon bergabung")
    expect(ketua_page.locator("#flash")).to_contain_text("Bu Pemohon sekarang anggota KIM Kajen.")
    assert ketua_page.evaluate("window.__marker === 1"), "approving reloaded the page"

    # The applicant is told, and is now a member.
    page.reload()
    expect(page.locator("#bell .bell-count")).to_have_text("1")
    expect(page.locator("#join-box")).to_contain_text("Anda anggota KIM ini sebagai Anggota.")
    expect(page.locator("#member-count")).to_have_text("2 anggota")

    assert console_errors == []
    assert ketua_errors == []
