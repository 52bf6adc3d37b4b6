"""The officer's tools in a real browser (CSRF on, no console errors): "select all on this
page" and a bulk verify, then a bulk assignment, swapped into the inbox by htmx; an answer
template put into the answer's textarea by htmx, edited and sent."""

import re

import pytest
from playwright.sync_api import Page, expect

from kim_app.extensions import db
from kim_app.models import AnswerTemplate, Role, Thread, ThreadStatus
from tests.browser.test_threads import log_in, marker_survived, set_marker
from tests.conftest import make_user
from tests.test_uploads import image_bytes
from tests.threads.conftest import agency, new_thread

pytestmark = pytest.mark.browser


def test_bulk_verify_and_assign_then_answer_from_a_template(page: Page, app, live_server,
                                                            console_errors):
    asker = make_user(Role.WARGA, name="Warsini Penanya")
    officer = make_user(Role.PETUGAS, name="Hendra Petugas", village=None)
    codes = [new_thread(asker, title=f"Jalan desa rusak di dusun nomor {n}").code
             for n in range(3)]
    db.session.add(AnswerTemplate(name="Tindak lanjut", body="Pertanyaan {kode} kami "
                                  "teruskan ke {instansi}, paling lambat {batas}."))
    db.session.commit()
    page.set_default_timeout(10_000)

    log_in(page, officer)
    page.goto("/petugas/")
    set_marker(page)
    page.get_by_label("Pilih semua di halaman ini").check()
    expect(page.locator('input[name="pilih"]:checked')).to_have_count(3)
    page.get_by_text("Tindakan massal untuk pertanyaan yang dipilih").click()
    page.select_option("#action", label="Verifikasi")
    page.get_by_role("button", name="Jalankan untuk yang dipilih").click()
    expect(page.locator("#flash")).to_contain_text("3 pertanyaan diproses")
    assert marker_survived(page), "the bulk step reloaded the page"

    page.get_by_label("Pilih semua di halaman ini").check()
    page.get_by_text("Tindakan massal untuk pertanyaan yang dipilih").click()
    page.select_option("#action", label="Tugaskan ke instansi")
    page.select_option("#agency", label="DPUPR")
    with page.expect_response(re.compile(r"/petugas/massal$")) as sent:
        page.get_by_role("button", name="Jalankan untuk yang dipilih").click()
    assert sent.value.status == 200 and sent.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#flash")).to_contain_text("3 pertanyaan diproses")
    db.session.expire_all()
    dpupr = agency("dpupr")
    for code in codes:
        thread = db.session.scalar(db.select(Thread).where(Thread.code == code))
        assert (thread.status, thread.agency_id) == (ThreadStatus.DIPROSES, dpupr.id)

    page.goto(f"/tanya/{codes[0]}")
    set_marker(page)
    page.fill("#answer-body", "Terima kasih atas laporannya.")
    page.set_input_files("#answer-photos", files=[
        {"name": "jalan.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
    with page.expect_request(re.compile(r"/templat$")) as picked:
        page.select_option("#answer-template", label="Tindak lanjut")
    assert "jalan.jpg" not in (picked.value.post_data or "")  # the text only, not the photo
    expect(page.locator("#answer-body")).to_have_value(re.compile(
        rf"^Terima kasih atas laporannya\.\n\nPertanyaan {codes[0]} kami teruskan ke "))
    assert marker_survived(page), "using a template reloaded the page"
    page.locator("#answer-body").press("End")
    page.locator("#answer-body").type(" Tim segera meninjau.")
    page.get_by_role("button", name="Kirim jawaban resmi").click()
    expect(page.locator("#thread-status")).to_have_text("Dijawab")
    expect(page.locator("#official-answer")).to_contain_text("Tim segera meninjau.")
    expect(page.locator("#official-answer img")).to_have_count(1)  # the photo went with it
    assert console_errors == []
