"""Official answers with photos and a PDF, titipan warga (on-behalf questions on /akun,
"sudah disampaikan"), and the recently answered questions on the home page (issue 16)."""

import pytest
from sqlalchemy import func, select

from kim_app.common.workdays import local_date
from kim_app.models import (
    AuditEvent,
    Document,
    Notification,
    Photo,
    PostPhoto,
    ThreadStatus,
    Visibility,
    utcnow,
)
from tests.conftest import HX, field_error, login
from tests.loop_helpers import ROLES, as_role
from tests.test_uploads import image_bytes, upload
from tests.threads.conftest import advance, kim, member, new_thread

S = ThreadStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")


def _answer(client, thread, **files):
    data = {"answer-body": "Posyandu buka lagi Senin depan, lihat jadwal terlampir."}
    data.update(files)
    return client.post(f"/tanya/{thread.code}/jawab", data=data,
                       content_type="multipart/form-data")


def test_an_answer_carries_photos_and_a_pdf(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    login(client, petugas)
    response = _answer(client, thread,
                       **{"answer-photos": [upload(image_bytes(), "a.jpg"),
                                            upload(image_bytes("PNG"), "b.png")],
                          "answer-document": upload(PDF, "Jadwal posyandu.pdf")})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PostPhoto)) == 2
    document = db.session.scalar(select(Document))
    assert document.filename == "Jadwal posyandu.pdf"
    client.post("/auth/keluar")
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert html.count("Foto 1 dari jawaban resmi") == 2  # the answer box and the post
    assert f"/info/lampiran/{document.token}.pdf" in html
    assert client.get(f"/info/lampiran/{document.token}.pdf").status_code == 200


@pytest.mark.parametrize("field, files, message", [
    ("answer-photos", lambda: {"answer-photos": [upload(PDF, "x.jpg")]}, "bukan foto"),
    ("answer-photos", lambda: {"answer-photos": [upload(image_bytes(), f"{n}.jpg")
                                                 for n in range(4)]}, "Paling banyak 3"),
    ("answer-document", lambda: {"answer-document": upload(image_bytes(), "surat.pdf")},
     "bukan PDF"),
])
def test_bad_answer_files_are_refused_and_the_text_kept(client, db, asker, petugas, field,
                                                        files, message):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    login(client, petugas)
    response = _answer(client, thread, **files())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert "Posyandu buka lagi Senin depan" in html
    db.session.refresh(thread)
    assert thread.status == S.DIPROSES
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_the_answer_form_sends_files_with_htmx_too(client, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    login(client, petugas)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    form = html.split(f'action="/tanya/{thread.code}/jawab"')[1].split(">")[0]
    assert 'enctype="multipart/form-data"' in form and 'hx-encoding="multipart/form-data"' in form


ANSWER_ALLOWED = {"agency": 302, "other_agency": 403, "diskominfo": 302, "pengurus": 403,
                  "warga": 403, "guest": 302}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_answer_with_files(client, db, asker, petugas, role):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)  # assigned to Dinkes
    as_role(client, role)
    response = _answer(client, thread, **{"answer-photos": [upload(image_bytes(), "a.jpg")]})
    assert response.status_code == ANSWER_ALLOWED[role]
    if role == "guest":
        assert "/auth/masuk" in response.location
    db.session.refresh(thread)
    assert (thread.status == S.DIJAWAB) == (role in ("agency", "diskominfo"))
    assert db.session.scalar(select(func.count()).select_from(PostPhoto)) == (
        1 if thread.status == S.DIJAWAB else 0)


# --- titipan warga --------------------------------------------------------------------------

def _on_behalf(db):
    anggota = member(kim(), name="Joko Anggota")
    thread = new_thread(anggota, on_behalf_name="Mbah Sarinah", via_kim=kim())
    return anggota, thread


def test_the_member_sees_on_behalf_questions_on_akun_and_is_notified(client, db, petugas):
    anggota, thread = _on_behalf(db)
    own = new_thread(anggota, title="Pertanyaan saya sendiri tentang jalan")
    login(client, anggota)
    page = client.get("/akun").get_data(as_text=True)
    section = page.split('id="on-behalf"')[1].split("</article>")[0]
    assert thread.code in section and "Mbah Sarinah" in section and "Baru" in section
    assert own.code not in section
    advance(thread, petugas, S.DIJAWAB)
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == anggota.id)) == 3  # verified, assigned, answered
    section = client.get("/akun").get_data(as_text=True).split('id="on-behalf"')[1]
    assert "jawaban belum disampaikan" in section.split("</article>")[0]
    listed = client.get("/tanya/?tampil=titipan").get_data(as_text=True)
    assert thread.code in listed and own.code not in listed


def test_a_plain_villager_has_no_titipan_section(client, asker):
    login(client, asker)
    assert 'id="on-behalf"' not in client.get("/akun").get_data(as_text=True)


def test_the_member_marks_the_answer_passed_back(client, db, petugas):
    anggota, thread = _on_behalf(db)
    login(client, anggota)
    assert client.post(f"/tanya/{thread.code}/sudah-disampaikan",
                       data={"passback-passed_on": "2026-12-01",
                             "passback-note": "x"}).status_code == 403  # not answered yet
    advance(thread, petugas, S.DIJAWAB)
    today = local_date(utcnow()).isoformat()
    page = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Sudah disampaikan kepada Mbah Sarinah?" in page
    response = client.post(f"/tanya/{thread.code}/sudah-disampaikan", headers=HX,
                           data={"passback-passed_on": today,
                                 "passback-note": "Dibacakan saat berkunjung ke rumah beliau"})
    assert response.status_code == 200
    assert 'id="passed-back"' in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.passed_back_on.isoformat() == today
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "thread.passed_back")) == 1
    client.post("/auth/keluar")
    public = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Sudah disampaikan kepada Mbah Sarinah" in public
    assert "Dibacakan saat berkunjung" in public


@pytest.mark.parametrize("data, message", [
    ({"passback-passed_on": "", "passback-note": "Dibacakan"}, "Isi tanggal"),
    ({"passback-passed_on": "2999-01-01", "passback-note": "Dibacakan"}, "setelah hari ini"),
    ({"passback-passed_on": "2020-01-01", "passback-note": "Dibacakan"}, "sebelum jawaban"),
    ({"passback-passed_on": "2026-12-01", "passback-note": ""}, None),
])
def test_pass_back_refuses_bad_input(client, db, petugas, data, message):
    anggota, thread = _on_behalf(db)
    advance(thread, petugas, S.DIJAWAB)
    login(client, anggota)
    response = client.post(f"/tanya/{thread.code}/sudah-disampaikan", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    if message:
        assert message in field_error(html, "passback-passed_on")
    else:
        assert field_error(html, "passback-note")
    db.session.refresh(thread)
    assert thread.passed_back_on is None


PASS_BACK_ALLOWED = {"agency": 403, "other_agency": 403, "diskominfo": 403, "pengurus": 403,
                     "warga": 403, "guest": 302}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_submitting_member_may_mark_passed_back(client, db, petugas, role):
    _anggota, thread = _on_behalf(db)
    advance(thread, petugas, S.DIJAWAB)
    as_role(client, role)
    response = client.post(f"/tanya/{thread.code}/sudah-disampaikan",
                           data={"passback-passed_on": "2026-12-01",
                                 "passback-note": "Dibacakan"})
    assert response.status_code == PASS_BACK_ALLOWED[role]
    db.session.refresh(thread)
    assert thread.passed_back_on is None


# --- the home page --------------------------------------------------------------------------

def test_home_lists_recently_answered_public_questions(client, db, asker, petugas):
    first = advance(new_thread(asker, title="Jawaban pertama soal posyandu"), petugas, S.DIJAWAB)
    second = advance(new_thread(asker, title="Jawaban kedua soal jalan desa"), petugas,
                     S.SELESAI)
    private = advance(new_thread(asker, title="Pertanyaan pribadi dijawab",
                                 visibility=Visibility.PRIVATE), petugas, S.DIJAWAB)
    waiting = advance(new_thread(asker, title="Masih menunggu jawaban"), petugas, S.DIPROSES)
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="home-answered"')[1].split("</section>")[0]
    assert section.index(second.code) < section.index(first.code)
    assert private.code not in section and waiting.code not in section


def test_home_answered_costs_the_same_queries_whatever_the_number(client, db, asker, petugas,
                                                                  query_counter):
    advance(new_thread(asker), petugas, S.DIJAWAB)
    with query_counter() as few:
        client.get("/")
    for number in range(4):
        advance(new_thread(asker, title=f"Pertanyaan nomor {number} sudah dijawab"), petugas,
                S.DIJAWAB)
    with query_counter() as more:
        client.get("/")
    assert len(more) == len(few)

