"""The loop closes, in a real browser (issue 16): questions verified and assigned to an
agency in bulk from the inbox, that agency's petugas answers with a template, an officer
promotes the answer to an announcement for one kecamatan, a pengurus there relays it and
files a dissemination report, and the reach page shows the people reached offline. CSRF
is on; no console error or CSP violation may appear.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kim_app.extensions import db
from kim_app.models import (
    Agency,
    AnswerTemplate,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Role,
    utcnow,
)
from tests.browser.test_info import log_in, log_out
from tests.conftest import make_user
from tests.test_uploads import image_bytes
from tests.threads.conftest import new_thread

pytestmark = pytest.mark.browser

QUESTION = "Jadwal imunisasi anak di Gunungwungkal"
ANSWER = "Imunisasi anak dibuka **setiap Selasa** di puskesmas, bawa buku KIA."


@pytest.fixture(autouse=True)
def uploads_in_tmp(monkeypatch, tmp_path):
    """The live server's app reads its upload folder from the environment."""
    monkeypatch.setenv("KIM_UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def people(app):
    gulang = db.session.scalar(select(KimGroup).where(KimGroup.slug == "gulangpongge"))
    dinkes = db.session.scalar(select(Agency).where(Agency.slug == "dinkes"))
    officer = make_user(Role.PETUGAS, name="Petugas Diskominfo", village=None)
    health = make_user(Role.PETUGAS, name="Rina Dinkes", village=None)
    health.agency_id = dinkes.id
    ketua = make_user(name="Ketua Gulang")
    member = make_user(name="Anggota Gulang")
    for user, role in ((ketua, MemberRole.KETUA), (member, MemberRole.ANGGOTA)):
        db.session.add(Membership(user_id=user.id, group_id=gulang.id, role=role,
                                  status=MembershipStatus.ACTIVE, decided_at=utcnow()))
    db.session.commit()
    db.session.add(AnswerTemplate(name="Salam Dinkes", agency_id=dinkes.id,
                                  body="Salam sehat dari {instansi} (kode {kode})."))
    db.session.commit()
    asker = make_user(name="Bu Penanya")
    questions = [new_thread(asker, title=QUESTION),
                 new_thread(asker, title="Posyandu di dusun kami tutup")]
    return {"officer": officer, "health": health, "ketua": ketua, "member": member,
            "codes": [thread.code for thread in questions]}


def test_answer_travels_back_down_to_the_village(page: Page, live_server, people,
                                                 console_errors):
    code = people["codes"][0]
    # 1. Diskominfo verifies both questions in bulk from the inbox, then assigns them to
    #    Dinas Kesehatan in bulk.
    log_in(page, people["officer"])
    page.goto("/petugas/")
    for action, agency in (("Verifikasi", None), ("Tugaskan ke instansi", "Dinkes")):
        page.get_by_label("Pilih semua di halaman ini").check()
        page.get_by_text("Tindakan massal untuk pertanyaan yang dipilih").click()
        page.select_option("#action", label=action)
        if agency:
            page.select_option("#agency", label=agency)
        with page.expect_response(re.compile(r"/petugas/massal$")):
            page.get_by_role("button", name="Jalankan untuk yang dipilih").click()
        expect(page.locator("#flash")).to_contain_text("2 pertanyaan diproses")
    page.goto(f"/tanya/{code}")
    expect(page.locator("#thread-status")).to_have_text("Diproses")
    log_out(page)

    # 2. The agency's petugas answers, starting from the agency's template.
    log_in(page, people["health"])
    page.goto(f"/tanya/{code}")
    page.fill("#answer-body", ANSWER)
    page.select_option("#answer-template", label="Salam Dinkes")
    expect(page.locator("#answer-body")).to_have_value(
        f"{ANSWER}\n\nSalam sehat dari Dinas Kesehatan (kode {code}).")
    page.set_input_files("#answer-photos", files=[
        {"name": "jadwal.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
    page.get_by_role("button", name="Kirim jawaban resmi").click()
    expect(page.locator("#thread-status")).to_have_text("Dijawab")
    expect(page.locator("#official-answer img")).to_have_count(1)  # sent by htmx, multipart

    # 3. ... and promotes the answer to an announcement for Kecamatan Gunungwungkal.
    page.locator("#promote").click()
    expect(page.locator("#title")).to_have_value(f"Jawaban: {QUESTION}")
    expect(page.locator("#body")).to_have_value(re.compile(re.escape(ANSWER)))
    page.locator("#audience-1").check()
    page.locator("input[name=districts][value='33.18.17']").check()
    page.get_by_role("button", name="Terbitkan").click()
    expect(page.locator("#flash")).to_contain_text("Pengumuman sudah diterbitkan")
    expect(page.get_by_role("link", name=code).first).to_be_visible()  # the link back
    announcement_url = page.url
    log_out(page)

    # 4. A pengurus of a KIM there relays it (in place) and reports the village meeting.
    log_in(page, people["ketua"])
    page.goto(announcement_url)
    page.get_by_role("button", name="Teruskan sekarang").click()
    expect(page.locator("#relay-panel")).to_contain_text(
        "KIM Gulangpongge sudah meneruskan pengumuman ini")
    page.reload()
    report = page.locator("#dissemination")
    report.locator("label", has_text="Balai desa").click()
    report.locator("input[name=people]").fill("45")
    report.locator("input[name=note]").fill("Dibacakan setelah rapat RT")
    report.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator("#flash")).to_contain_text("Laporan penyebaran dari KIM Gulangpongge")
    log_out(page)

    # 5. The reach page shows the relay, the member notified, and 45 people offline.
    log_in(page, people["officer"])
    page.goto(announcement_url)
    page.get_by_role("button", name="Lihat jangkauan").click()
    expect(page.locator("#reach-relayed")).to_have_text("1")
    expect(page.locator("#reach-notified")).to_have_text("1")
    expect(page.locator("#reach-offline")).to_have_text("45")
    expect(page.locator("#reach-gulangpongge .reach-offline")).to_have_text("45")
    expect(page.locator("#dissemination-reports")).to_contain_text("Balai desa")
    assert console_errors == []
