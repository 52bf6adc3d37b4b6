"""Phones first, in a real browser on the demo portal (`flask demo`).

At 360x800: the header is one row (at most 64 px), the catalog's first product starts above
the fold, the officer's actions come before the timeline, the menu opens without JavaScript,
and no control is smaller than 44x44 px (links inside running text excepted, as WCAG 2.5.5
allows). At 360 and 1280 px, axe-core finds nothing critical or serious on the main pages
for a guest, a warga, a pengurus and a petugas.
"""

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page, expect

from kim_app.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}

# Demo people (README, "Demo accounts").
WARGA = "0811 0000 0106"
PENGURUS = "0811 0000 0003"  # ketua of KIM Gulangpongge, manages its crisps group
PETUGAS = "0811 0000 0002"
AXE_RUN = "axe.run({resultTypes: ['violations']}).then(results => results.violations)"
INBOX_THREAD = "#inbox-list a[href*='/tanya/TNY']"

# Every control on screen, as {what, width, height}; an inline link whose parent holds
# more text than the link is in running text and exempt. A checkbox or radio button is
# measured by its label, which is what a finger hits.
SMALL_TARGETS = """() => {
  const inRunningText = (el) => el.matches('a') && getComputedStyle(el).display === 'inline'
    && el.parentElement.textContent.trim().length > el.textContent.trim().length;
  const found = [];
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button]';
  for (const el of document.querySelectorAll(controls)) {
    const target = el.matches('input[type=checkbox], input[type=radio]')
      ? (el.closest('label') || document.querySelector(`label[for="${el.id}"]`) || el) : el;
    const box = target.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (box.right <= 0 || box.left >= window.innerWidth || inRunningText(el)) continue;
    if (box.width < 43.5 || box.height < 43.5) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || '').trim();
      found.push(`${el.tagName.toLowerCase()} "${name.slice(0, 40)}" `
                 + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return found;
}"""


@pytest.fixture(autouse=True)
def uploads_in_tmp(monkeypatch, tmp_path):
    """The demo's product photos go where the live server's app reads them."""
    monkeypatch.setenv("KIM_UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def demo_portal(app, live_server) -> str:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return live_server


def open_as(browser: Browser, base: str, viewport: dict, phone: str | None,
            with_axe: bool = False) -> Page:
    context = browser.new_context(base_url=base, viewport=viewport, locale="id-ID",
                                  timezone_id="Asia/Jakarta")
    if with_axe:
        # axe-core (shipped by axe-playwright-python) in every page, outside the page's CSP.
        context.add_init_script(AXE_SCRIPT)
    page = context.new_page()
    if phone:
        page.goto("/auth/masuk")
        page.fill("#identifier", phone)
        page.fill("#password", DEMO_PASSWORD)
        page.locator("#main form").get_by_role("button", name="Masuk").click()
        expect(page.locator("#user-name")).to_have_count(1)
    return page


def first_href(page: Page, path: str, selector: str) -> str:
    page.goto(path)
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no {selector} on {path}"
    return href


def pages_of(page: Page, role: str) -> list[str]:
    """The main pages each role works with (found by following the portal's own links)."""
    thread = first_href(page, "/tanya/", ".thread-title")
    product = first_href(page, "/usaha/", ".product-card-link")
    announcement = first_href(page, "/info/", "#info-items a")
    common = ["/", "/tanya/", thread, "/usaha/", product, "/kim/gulangpongge", "/info/",
              announcement, "/statistik"]
    if role == "petugas":
        inbox_thread = first_href(page, "/petugas/", INBOX_THREAD)
        return common + ["/petugas/", inbox_thread, "/petugas/dasbor", "/info/baru"]
    return common + {
        "guest": ["/auth/masuk", "/auth/daftar"],
        "warga": ["/tanya/baru", "/akun", "/akun/profil", "/akun/notifikasi"],
        "pengurus": ["/kim/gulangpongge/anggota", "/usaha/keripik-tempe-gulangpongge/kelola",
                     "/info/baru"],
    }[role]


def test_header_fold_officer_actions_and_touch_targets_at_360(browser: Browser, demo_portal):
    small: dict[str, list[str]] = {}
    for role, phone in (("guest", None), ("petugas", PETUGAS)):
        page = open_as(browser, demo_portal, PHONE, phone)
        thread = first_href(page, "/petugas/", INBOX_THREAD) if phone else (
            first_href(page, "/tanya/", ".thread-title"))
        product = first_href(page, "/usaha/", ".product-card-link")
        for path in ("/", "/tanya/", thread, "/usaha/", product, "/kim/gulangpongge"):
            assert page.goto(path).status == 200, path
            header = page.locator(".site-header").bounding_box()
            assert header["height"] <= 64, (role, path, header)
            found = page.evaluate(SMALL_TARGETS)
            if found:
                small[f"{role} {path}"] = found

        page.goto("/usaha/")
        first_card = page.locator(".product-card").first.bounding_box()
        bottom_bar = page.locator(".area-nav").bounding_box()
        assert first_card["y"] < bottom_bar["y"] <= 800, (first_card, bottom_bar)

        if phone:
            # The officer reads the question, then acts: the actions come before the timeline.
            page.goto(thread)
            panel = page.locator("#officer-panel").bounding_box()
            assert panel["y"] < page.locator("#posts").bounding_box()["y"]
            # The menu is a <details>: it opens without JavaScript.
            logout = page.get_by_role("button", name="Keluar")
            expect(logout).to_be_hidden()
            page.locator(".site-menu > summary").click()
            expect(logout).to_be_visible()
        page.context.close()
    assert small == {}, small


def test_axe_finds_nothing_critical_or_serious_at_360_and_1280(browser: Browser, demo_portal):
    problems: dict[str, list[str]] = {}
    checked = 0
    for viewport in (PHONE, DESKTOP):
        for role, phone in (("guest", None), ("warga", WARGA), ("pengurus", PENGURUS),
                            ("petugas", PETUGAS)):
            page = open_as(browser, demo_portal, viewport, phone, with_axe=True)
            for path in pages_of(page, role):
                assert page.goto(path).status == 200, (role, path)
                violations = page.evaluate(AXE_RUN)
                serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
                           for v in violations if v["impact"] in ("critical", "serious")]
                if serious:
                    problems[f"{viewport['width']} {role} {path}"] = serious
                checked += 1
            page.context.close()
    assert checked >= 60
    assert problems == {}, problems
