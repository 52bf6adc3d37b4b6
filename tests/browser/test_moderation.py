"""Reporting and the moderation queue in a real browser, with CSRF on and no console errors.

Three villagers report a reply that gives away a phone number (the form opens in place
under the reply and is answered in place); after the third report the reply is gone from
the thread; a petugas restores it from the queue (the case's card is swapped) and it is
back for everyone.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.extensions import db
from kim_app.models import Role
from kim_app.threads import lifecycle
from tests.browser.test_threads import log_in, log_out, marker_survived, set_marker
from tests.conftest import make_user
from tests.moderation.conftest import trusted
from tests.threads.conftest import new_thread

pytestmark = pytest.mark.browser

REPLY = "Kalau perlu, telepon saja saya di 0812 9988 7766"


def test_three_reports_hide_a_reply_and_a_petugas_restores_it(page: Page, app, live_server,
                                                               console_errors):
    asker = trusted(name="Sumarni Penanya")
    thread = new_thread(asker, verified=True, title="Lampu penerangan jalan padam")
    post = lifecycle.reply(thread, asker, REPLY)
    db.session.commit()
    villagers = [trusted(name=f"Warga Pelapor {number}") for number in (1, 2, 3)]
    officer = make_user(Role.PETUGAS, name="Hendra Petugas", village=None)
    page.set_default_timeout(10_000)
    reply = page.locator(f"#post-{post.id}")

    for villager in villagers:
        log_in(page, villager)
        page.goto(f"/tanya/{thread.code}")
        expect(reply).to_contain_text("0812 9988 7766")
        set_marker(page)
        with page.expect_response(re.compile(rf"/lapor/balasan/{post.id}$")) as opened:
            reply.get_by_role("link", name="Laporkan").click()
        assert opened.value.request.headers.get("hx-request") == "true"
        reply.get_by_label("Membuka data pribadi (nomor HP, alamat, NIK)").check()
        reply.get_by_role("button", name="Kirim laporan").click()
        expect(reply).to_contain_text("laporan Anda terkirim")
        assert marker_survived(page), "reporting reloaded the page"
        log_out(page)

    page.goto(f"/tanya/{thread.code}")
    expect(page.locator("#thread")).to_contain_text("Lampu penerangan jalan padam")
    expect(reply).to_have_count(0)
    expect(page.locator("#posts")).not_to_contain_text("0812 9988 7766")

    log_in(page, officer)
    page.goto("/admin/moderasi")
    card = page.locator(f"#case-post-{post.id}")
    expect(card).to_contain_text("0812 9988 7766")
    expect(card).to_contain_text("3 laporan")
    set_marker(page)
    card.locator(f"#post-{post.id}-reason").fill("Nomor milik penanya sendiri, boleh tampil")
    card.get_by_role("button", name="Tampilkan kembali").click()
    expect(card).to_contain_text("Konten tampil kembali.")
    assert marker_survived(page), "the decision reloaded the page"
    log_out(page)

    page.goto(f"/tanya/{thread.code}")
    expect(reply).to_contain_text("0812 9988 7766")
    assert console_errors == []
