"""A question's whole life in a real browser, with CSRF on and no console errors.

A villager asks (the title is checked inline by htmx as she types), an officer verifies,
assigns and answers from the thread page (each step swaps the thread in place), and the
villager sees the official answer, replies (appended by htmx) and closes with a rating.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.models import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


def log_in(page: Page, user) -> None:
    page.goto("/auth/masuk")
    page.fill("#identifier", user.phone)
    page.fill("#password", PASSWORD)
    page.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(page.locator("#user-name")).to_have_text(user.name)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("#user-name")).to_have_count(0)


def set_marker(page: Page) -> None:
    page.evaluate("window.__marker = 1")


def marker_survived(page: Page) -> bool:
    return page.evaluate("window.__marker === 1")


def test_villager_asks_officer_answers_villager_closes(page: Page, app, live_server,
                                                       console_errors):
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    officer = make_user(Role.PETUGAS, name="Hendra Petugas", village=None)
    page.set_default_timeout(10_000)

    # The villager asks.
    log_in(page, villager)
    page.get_by_role("link", name="Tanya", exact=True).click()
    page.get_by_role("button", name="Ajukan pertanyaan", exact=True).click()
    set_marker(page)
    with page.expect_response(re.compile(r"/tanya/baru/periksa$")) as check:
        page.fill("#title", "Pendek")
        page.locator("#title").blur()
    assert check.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#title-error")).to_contain_text("10 sampai 150 karakter")
    page.fill("#title", "Saluran irigasi tersumbat di Gulangpongge")
    page.locator("#title").blur()
    expect(page.locator("#title-error")).to_have_count(0)
    assert marker_survived(page), "inline validation reloaded the page"
    page.fill("#body", "Saluran irigasi tersier di blok sawah timur tersumbat lumpur sejak "
                       "banjir, air tidak sampai ke sawah kami.")
    page.select_option("#category", label="Irigasi dan banjir")
    page.get_by_role("button", name="Kirim pertanyaan").click()
    expect(page.locator("#flash")).to_contain_text("Kode pelacakan")
    code = page.locator(".tracking-code code").inner_text()
    assert re.fullmatch(r"TNY-\d\d-[2-9A-HJ-NP-Z]{4}", code), code
    expect(page).to_have_url(f"{live_server}/tanya/{code}")
    expect(page.locator("#thread-status")).to_have_text("Baru")
    log_out(page)

    # The officer verifies, assigns and answers, each step an htmx swap of the thread.
    log_in(page, officer)
    page.get_by_role("link", name="Petugas", exact=True).click()
    page.locator("#inbox-list").get_by_role("link", name=re.compile("Saluran irigasi")).click()
    set_marker(page)
    page.get_by_role("button", name="Verifikasi pertanyaan").click()
    expect(page.locator("#thread-status")).to_have_text("Diverifikasi")
    page.select_option("#assign-agency", label="DPUPR")
    page.select_option("#assign-assignee", label="Hendra Petugas")
    page.get_by_role("button", name="Tugaskan", exact=True).click()
    expect(page.locator("#thread-status")).to_have_text("Diproses")
    page.fill("#answer-body", "Tim DPUPR akan **mengeruk saluran** pada minggu ini.")
    page.get_by_role("button", name="Kirim jawaban resmi").click()
    expect(page.locator("#thread-status")).to_have_text("Dijawab")
    assert marker_survived(page), "officer steps reloaded the page"
    log_out(page)

    # The villager sees the answer, replies, and closes with a rating.
    log_in(page, villager)
    page.goto(f"/tanya/{code}")
    answer = page.locator("#official-answer")
    expect(answer).to_contain_text("Dinas Pekerjaan Umum dan Penataan Ruang")
    expect(answer.locator("strong").last).to_have_text("mengeruk saluran")
    set_marker(page)
    page.fill("#reply-body", "Terima kasih, kami tunggu.")
    with page.expect_response(re.compile(rf"/tanya/{code}/balas$")):
        page.get_by_role("button", name="Kirim balasan").click()
    expect(page.locator("#posts .post-reply")).to_contain_text("Terima kasih, kami tunggu.")
    expect(page.locator("#reply-body")).to_have_value("")
    page.locator("label[for='close-rating-0']").click()  # 5 stars
    page.fill("#close-comment", "Cepat ditanggapi")
    page.get_by_role("button", name="Terima jawaban dan tutup").click()
    expect(page.locator("#thread-status")).to_have_text("Selesai")
    expect(page.locator(".thread-facts")).to_contain_text("5/5")
    assert marker_survived(page), "closing reloaded the page"

    assert console_errors == [], "\n".join(console_errors)
