"""Phones on slow links, in a real browser: a tracking code found by its short form, photos
shrunk before they are sent and kept across a form error, the ask form without JavaScript
(Enter sends it), and a question typed offline kept as a draft on the phone."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kim_app.extensions import db as _db
from kim_app.models import Photo, Role, Thread, ThreadPhoto
from tests.browser.conftest import watch_console
from tests.browser.test_threads import log_in
from tests.conftest import make_user
from tests.threads.conftest import new_thread

pytestmark = pytest.mark.browser


def phone_jpeg(tmp_path, size=(3200, 2400)):
    path = tmp_path / "sawah.jpg"
    image = Image.new("RGB", size, (90, 140, 60))
    for x in range(0, size[0], 97):  # some texture, so the file is not trivially small
        image.paste((200, 180, 40), (x, 0, x + 13, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def sw_page(browser, browser_context_args, live_server):
    """A page whose service worker may run (blocked for the other browser tests)."""
    context = browser.new_context(**{**browser_context_args, "base_url": live_server,
                                     "service_workers": "allow"})
    yield context.new_page()
    context.close()


def unexpected(errors: list[str]) -> list[str]:
    """Console errors other than the browser's own line for the form's 422 answer."""
    return [error for error in errors if "status of 422" not in error]


def fill_question(page: Page, title: str) -> None:
    page.fill("#title", title)
    page.fill("#body", "Saluran irigasi tersier di blok sawah timur tersumbat lumpur sejak "
                       "banjir, air tidak sampai ke sawah kami.")
    page.select_option("#category", label="Irigasi dan banjir")


def test_tracking_code_lookup_by_the_short_form(page: Page, app, live_server, console_errors):
    asker = make_user(Role.WARGA, name="Sulastri Warga")
    thread = new_thread(asker, title="Jembatan desa retak setelah banjir", verified=True)
    thread.code = "TNY-26-7CX9"
    _db.session.commit()

    page.goto("/")
    page.fill("#tracking-code", "7cx9")
    page.get_by_role("button", name="Cek", exact=True).click()
    expect(page).to_have_url(f"{live_server}/tanya/TNY-26-7CX9")
    expect(page.locator("h1")).to_contain_text("Jembatan desa retak")

    # The search box of /tanya/ (search as you type) opens it too.
    page.goto("/tanya/")
    page.fill("#q", "tny 26 7cx9")
    expect(page).to_have_url(f"{live_server}/tanya/TNY-26-7CX9")
    assert console_errors == [], "\n".join(console_errors)


def test_a_photo_is_shrunk_and_kept_across_a_validation_error(page: Page, app, live_server,
                                                               tmp_path, console_errors):
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    log_in(page, villager)
    page.goto("/tanya/baru")
    fill_question(page, "Pendek")
    page.set_input_files("#photos", str(phone_jpeg(tmp_path)))
    expect(page.locator("#photos")).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("button", name="Kirim pertanyaan")).to_be_enabled()
    page.get_by_role("button", name="Kirim pertanyaan").click()

    expect(page.locator("#title-error")).to_contain_text("10 sampai 150 karakter")
    held = page.locator("#held-photos img")
    expect(held).to_have_count(1)
    expect(page.locator("#held-photos")).to_contain_text("1 foto sudah terkirim")
    # The thumbnail is a real picture, loaded from the server (it may still be arriving).
    page.wait_for_function(
        "() => { const img = document.querySelector('#held-photos img');"
        " return img && img.complete && img.naturalWidth > 0; }")
    _db.session.expire_all()
    photo = _db.session.scalar(select(Photo))
    # Shrunk in the browser to 1600 px before it was sent (the original was 3200 px wide).
    assert (photo.width, photo.height) == (1600, 1200)

    page.fill("#title", "Saluran irigasi tersumbat di Gulangpongge")
    page.get_by_role("button", name="Kirim pertanyaan").click()
    expect(page.locator("#flash")).to_contain_text("Kode pelacakan")
    expect(page.locator(f"img[src*='{photo.token}']")).to_have_count(1)
    _db.session.expire_all()
    thread = _db.session.scalar(select(Thread))
    assert [p.photo_id for p in _db.session.scalars(select(ThreadPhoto))] == [photo.id]
    expect(page).to_have_url(f"{live_server}/tanya/{thread.code}")
    assert unexpected(console_errors) == []


def test_without_javascript_enter_sends_the_ask_form(browser, app, live_server):
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  locale="id-ID")
    page = context.new_page()
    log_in(page, villager)
    page.goto("/tanya/baru")
    page.fill("#title", "Pendek")
    page.press("#title", "Enter")
    # The form was sent (its errors are shown), not the "Tampilkan desa" step.
    expect(page.locator("#title-error")).to_contain_text("10 sampai 150 karakter")
    expect(page.locator("#body-error")).to_be_visible()
    context.close()


def test_a_question_typed_offline_is_kept_and_sent_when_back_online(page: Page, app,
                                                                    live_server):
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    log_in(page, villager)
    page.goto("/tanya/baru")
    page.context.set_offline(True)
    fill_question(page, "Saluran irigasi tersumbat di Gulangpongge")
    page.get_by_role("button", name="Kirim pertanyaan").click()
    status = page.locator(".draft-status")
    expect(status).to_contain_text("disimpan di ponsel ini sebagai draf")
    draft = page.evaluate("JSON.parse(localStorage.getItem('kim-draft-ask'))")
    assert draft["values"]["title"] == "Saluran irigasi tersumbat di Gulangpongge"
    assert "csrf_token" not in draft["values"]
    _db.session.expire_all()
    assert _db.session.scalar(select(Thread)) is None

    page.context.set_offline(False)
    expect(status).to_contain_text("Koneksi kembali")
    status.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#flash")).to_contain_text("Kode pelacakan")
    assert page.evaluate("localStorage.getItem('kim-draft-ask')") is None
    _db.session.expire_all()
    assert _db.session.scalar(select(Thread.title)) == "Saluran irigasi tersumbat di Gulangpongge"


def test_an_offline_draft_comes_back_on_the_form_and_the_offline_page(sw_page: Page, app,
                                                                      live_server):
    page = sw_page
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    log_in(page, villager)
    page.goto("/tanya/baru")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page
    page.context.set_offline(True)
    fill_question(page, "Lampu jalan mati di depan balai desa")
    # Another page while offline: the service worker answers with the offline page.
    page.goto("/kim/")
    expect(page.locator("h1")).to_have_text("Anda sedang offline")
    expect(page.locator("#offline-draft")).to_contain_text("Lampu jalan mati di depan balai desa")

    page.context.set_offline(False)
    page.goto("/tanya/baru")
    expect(page.locator("#title")).to_have_value("Lampu jalan mati di depan balai desa")
    expect(page.locator("#category")).not_to_have_value("")
    status = page.locator(".draft-status")
    expect(status).to_contain_text("dikembalikan ke formulir")
    status.get_by_role("button", name="Buang draf").click()
    assert page.evaluate("localStorage.getItem('kim-draft-ask')") is None


def test_manifest_and_service_worker_in_the_browser(sw_page: Page, live_server):
    page, console_errors = sw_page, watch_console(sw_page)
    page.goto("/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)") == (
        f"{live_server}/sw.js")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    # Chromium's own installability check (the one Lighthouse reports); a test browser's
    # context is an incognito one, which is never installable: that one is expected.
    session = page.context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    manifest_seen = session.send("Page.getAppManifest")
    assert manifest_seen["errors"] == [], manifest_seen["errors"]
    assert console_errors == [], "\n".join(console_errors)


def test_data_saver_loads_a_photo_on_tap(browser, app, live_server):
    from tests import business_factories as bf

    group = bf.business_group(bf.kim())
    item = bf.product(group, photos=1)
    context = browser.new_context(base_url=live_server, locale="id-ID",
                                  extra_http_headers={"Save-Data": "on"})
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/usaha/{group.slug}/{item.slug}")
    photo = page.locator(".product-photo")
    box = photo.bounding_box()
    assert box["width"] > 100 and box["height"] > 50  # the placeholder keeps the size
    assert not any("/media/" in url for url in requested)
    page.get_by_role("button", name="Ketuk untuk memuat foto").click()
    expect(photo).to_have_attribute("src", re.compile(r"^/media/\w+-\d+\.webp$"))
    assert any("/media/" in url for url in requested)
    context.close()


def test_a_boosted_form_shows_the_page_an_error_answer_brings(page: Page, app, live_server):
    """The ask form is sent by htmx (for its upload progress); a 429 "wait a moment" page
    is still shown, as the browser shows it without JavaScript."""
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    log_in(page, villager)
    page.goto("/tanya/baru")

    def limited(route):
        if route.request.method != "POST":
            return route.continue_()
        return route.fulfill(status=429, content_type="text/html", body=(
            "<!doctype html><html><head><title>Batas</title></head><body><main>"
            "<p id='limited'>Anda sudah mengirim banyak pertanyaan.</p></main></body></html>"))

    page.route("**/tanya/baru", limited)
    fill_question(page, "Saluran irigasi tersumbat di Gulangpongge")
    page.wait_for_load_state("networkidle")  # the inline checks of the fields are back
    with page.expect_response(lambda response: response.status == 429):
        page.get_by_role("button", name="Kirim pertanyaan").click()
    expect(page.locator("#limited")).to_have_text("Anda sudah mengirim banyak pertanyaan.")


def test_the_village_select_waits_for_its_new_list(page: Page, app, live_server):
    """On a slow link the old village list cannot be used while the new one loads."""
    villager = make_user(Role.WARGA, name="Sulastri Warga")
    log_in(page, villager)
    page.goto("/tanya/baru")
    held = []
    page.route("**/auth/desa*", lambda route: held.append(route))
    page.select_option("#district", label="Margorejo")
    # The request is out (held here, unanswered): the old list cannot be chosen from.
    expect(page.locator("#village")).to_be_disabled()
    for _ in range(100):  # the route's handler runs when Playwright's events are read
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the village list was not requested"
    held[0].continue_()
    expect(page.locator("#village")).to_be_enabled()
    expect(page.locator("#village option").nth(1)).to_be_attached()
    assert "Margorejo" in page.locator("#district option:checked").inner_text()
