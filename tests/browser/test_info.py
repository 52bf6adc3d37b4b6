"""Information flowing down, in a real browser (issue 6).

An officer publishes to one kecamatan; a pengurus of a KIM there relays it (the relay panel
swaps in place); a member sees the bell count, marks another notification read (the bell
refreshes on the HX-Trigger event without a reload), opens the announcement; the officer
sees the reach. CSRF is on, and no console error or CSP violation may appear.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.extensions import db
from kim_app.models import MemberRole, Membership, MembershipStatus, Notification, Role, utcnow
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

TITLE = "Vaksinasi PMK gratis di Gunungwungkal"
NOTE = "Sesuk Rebo esuk neng balai desa, nggawa kartu ternak."


def log_in(page: Page, user) -> None:
    page.goto("/auth/masuk")
    page.fill("#identifier", user.phone)
    page.fill("#password", PASSWORD)
    page.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(page.locator("#user-name")).to_have_text(user.name)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("#user-name")).to_have_count(0)


@pytest.fixture
def people(app):
    from sqlalchemy import select

    from kim_app.models import KimGroup

    gulang = db.session.scalar(select(KimGroup).where(KimGroup.slug == "gulangpongge"))
    officer = make_user(Role.PETUGAS, name="Petugas Info", village=None)
    ketua = make_user(name="Ketua Gulang")
    member = make_user(name="Anggota Gulang")
    for user, role in ((ketua, MemberRole.KETUA), (member, MemberRole.ANGGOTA)):
        db.session.add(Membership(user_id=user.id, group_id=gulang.id, role=role,
                                  status=MembershipStatus.ACTIVE, decided_at=utcnow()))
    db.session.add(Notification(user_id=member.id, kind="thread.answered",
                                text="Pertanyaan lama Anda sudah dijawab"))
    db.session.commit()
    return {"officer": officer, "ketua": ketua, "member": member}


def test_publish_relay_notify_open_and_reach(page: Page, live_server, people, console_errors):
    # The officer publishes to Kecamatan Gunungwungkal only.
    log_in(page, people["officer"])
    page.get_by_role("link", name="Info", exact=True).click()
    page.get_by_role("button", name="Tulis pengumuman").click()
    page.fill("#title", TITLE)
    page.fill("#body", "Dinas Pertanian membuka **vaksinasi gratis** untuk sapi dan kambing.")
    page.locator("#audience-1").check()
    expect(page.locator(".audience-groups")).to_be_hidden()
    page.locator("input[name=districts][value='33.18.17']").check()
    page.get_by_role("button", name="Terbitkan").click()
    expect(page.locator("#flash")).to_contain_text("Pengumuman sudah diterbitkan")
    expect(page.locator("h1")).to_have_text(TITLE)
    announcement_url = page.url
    assert re.search(r"/info/\d+$", announcement_url)
    log_out(page)

    # The pengurus of a KIM in that kecamatan relays it with a Javanese note.
    log_in(page, people["ketua"])
    page.goto(announcement_url)
    page.evaluate("window.__marker = 1")
    page.fill("#note", NOTE)
    page.locator("#note_lang-1").check()
    with page.expect_response(re.compile(r"/teruskan$")) as relayed:
        page.get_by_role("button", name="Teruskan sekarang").click()
    assert relayed.value.request.headers.get("hx-request") == "true"
    panel = page.locator("#relay-panel")
    expect(panel).to_contain_text("KIM Gulangpongge sudah meneruskan pengumuman ini")
    expect(page.locator("#flash")).to_contain_text("Pengumuman sudah diteruskan")
    assert page.evaluate("window.__marker === 1"), "relaying reloaded the page"
    panel.locator("summary").click()
    expect(panel.locator("textarea")).to_have_value(re.compile(re.escape(NOTE)))
    whatsapp = panel.get_by_role("button", name="Kirim lewat WhatsApp")
    assert whatsapp.get_attribute("href").startswith("https://wa.me/?text=Sesuk%20Rebo")
    log_out(page)

    # The member sees two unread notifications, reads the old one in place, opens the new one.
    log_in(page, people["member"])
    expect(page.locator("#bell .bell-count")).to_have_text("2")
    page.locator("#bell").click()
    expect(page.locator("h1")).to_have_text("Notifikasi")
    page.evaluate("window.__marker = 1")
    old = page.locator("li", has_text="Pertanyaan lama Anda sudah dijawab")
    old.get_by_role("button", name="Tandai dibaca").click()
    expect(old.get_by_role("button", name="Tandai dibaca")).to_have_count(0)
    expect(page.locator("#bell .bell-count")).to_have_text("1")  # refreshed by HX-Trigger
    assert page.evaluate("window.__marker === 1")
    page.get_by_role("link", name=re.compile("KIM Gulangpongge meneruskan pengumuman")).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("blockquote[lang=jv]")).to_have_text(NOTE)
    expect(page.locator("#bell .bell-count")).to_have_count(0)
    log_out(page)

    # The officer sees the reach: three KIMs targeted, one relayed, one notified, one opened.
    log_in(page, people["officer"])
    page.goto(announcement_url)
    page.get_by_role("button", name="Lihat jangkauan").click()
    expect(page.locator("#reach-targeted")).to_have_text("3")
    expect(page.locator("#reach-relayed")).to_have_text("1")
    expect(page.locator("#reach-notified")).to_have_text("1")
    expect(page.locator("#reach-opened")).to_have_text("1")
    expect(page.locator("#reach-gulangpongge")).to_contain_text("Ketua Gulang")
    expect(page.locator("#reach-gajihan")).to_contain_text("Belum")
    assert console_errors == []


def test_choosing_a_kecamatan_brings_its_kims_into_the_filter(page: Page, live_server,
                                                               console_errors):
    """The KIM filter waits for a kecamatan; choosing one (htmx, no reload) lists its KIMs,
    and a KIM then narrows the list."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/info/")
    page.locator("#info-filters summary").click()
    expect(page.locator("#filter-kim")).to_have_count(0)
    page.select_option("#filter-kecamatan", "33.18.17")
    kims = page.locator("#filter-kim option")
    expect(kims).to_have_count(4)  # "Semua KIM" and the kecamatan's three KIMs
    assert set(kims.evaluate_all("els => els.map(e => e.value)")) == {
        "", "gulangpongge", "sumberejo", "gajihan"}
    page.select_option("#filter-kim", "sumberejo")
    expect(page).to_have_url(re.compile(r"kim=sumberejo"))
    expect(page.locator("#info-list")).to_contain_text("Sumberejo")  # its chip
    assert console_errors == []
