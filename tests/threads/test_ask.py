"""Asking a question: the form, inline validation, photos, double submits, on behalf, limits."""

import re

import pytest
from sqlalchemy import func, select

from kim_app.models import (
    MemberRole,
    MembershipStatus,
    Photo,
    Thread,
    ThreadPhoto,
    ThreadStatus,
    Visibility,
)
from kim_app.threads.tracking import CODE_ALPHABET, new_code, normalise_code
from tests.conftest import HX, field_error, login
from tests.test_uploads import image_bytes, png_claiming, upload
from tests.threads.conftest import VILLAGE, category, kim, member


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")


def form_data(**overrides):
    data = {
        "title": "Lampu jalan mati di depan SD",
        "body": "Sudah dua minggu lampu jalan di depan SD Gulangpongge 01 mati, gelap sekali.",
        "category": str(category("jalan-jembatan").id),
        "district": "33.18.17",
        "village": VILLAGE,
        "visibility": "public",
        "submission_key": "kunci-uji-1",
    }
    data.update(overrides)
    return data


def thread_count(db):
    return db.session.scalar(select(func.count()).select_from(Thread))


def test_tracking_codes_are_easy_to_read_aloud():
    for _ in range(200):
        code = new_code()
        assert re.fullmatch(r"TNY-\d\d-[2-9A-HJ-NP-Z]{4}", code), code
    assert not set("01OI") & set(CODE_ALPHABET)
    assert normalise_code(" tny 26-4k7q ") == "TNY-26-4K7Q"
    assert normalise_code("TNY-2X-4K7Q") == ""
    assert normalise_code("<script>") == ""


def test_ask_needs_login(client):
    response = client.get("/tanya/baru")
    assert response.status_code == 302 and "/auth/masuk" in response.location


def test_ask_form_defaults_to_the_users_village(client, asker):
    login(client, asker)
    html = client.get("/tanya/baru").get_data(as_text=True)
    assert '<option selected value="33.18.17">' in html
    assert f'<option selected value="{VILLAGE}">' in html
    assert 'name="submission_key" type="hidden" value="' in html
    assert 'enctype="multipart/form-data"' in html
    assert "untuk warga lain" not in html  # not a KIM member: no on-behalf section


def test_ask_creates_the_thread_and_shows_the_code(client, db, asker):
    login(client, asker)
    response = client.post("/tanya/baru", data=form_data())
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert response.location == f"/tanya/{thread.code}"
    assert (thread.author_id, thread.status, thread.visibility) == (
        asker.id, ThreadStatus.BARU, Visibility.PUBLIC)
    assert thread.verify_due_on is not None
    html = client.get(response.location).get_data(as_text=True)
    assert f"Kode pelacakan: {thread.code}" in html
    assert f'<p class="tracking-code">Kode pelacakan <strong><code>{thread.code}</code>' in html


def test_bad_input_comes_back_422_with_the_text_kept(client, db, asker):
    login(client, asker)
    response = client.post("/tanya/baru", data=form_data(
        title="Pendek", category="", village="33.18.01.2001", visibility="rahasia"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "title") == "Judul 10 sampai 150 karakter."
    assert field_error(html, "category") == "Pilih kategori pertanyaan."
    assert "tidak ada di kecamatan" in field_error(html, "village")
    assert 'id="visibility-error"' in html
    assert "Sudah dua minggu lampu jalan di depan SD Gulangpongge 01 mati" in html
    assert thread_count(db) == 0


def test_markup_in_questions_is_escaped_and_sanitised(client, db, asker):
    login(client, asker)
    client.post("/tanya/baru", data=form_data(
        title="<script>alert(1)</script> lampu mati",
        body="Tolong <img src=x onerror=alert(1)> [klik](javascript:alert(1)) **penting**"))
    thread = db.session.scalar(select(Thread))
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; lampu mati" in html
    assert "onerror" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert 'href="javascript' not in html
    assert "<strong>penting</strong>" in html


def test_inline_validation_returns_only_that_field(client, asker):
    login(client, asker)
    response = client.post("/tanya/baru/periksa", data=form_data(title="Pendek"),
                           headers={**HX, "HX-Trigger-Name": "title"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="title-wrap">')
    assert field_error(html, "title") == "Judul 10 sampai 150 karakter."
    assert 'value="Pendek"' in html
    assert "body" not in html
    response = client.post("/tanya/baru/periksa", data=form_data(),
                           headers={**HX, "HX-Trigger-Name": "title"})
    assert field_error(response.get_data(as_text=True), "title") is None
    response = client.post("/tanya/baru/periksa", data=form_data(),
                           headers={**HX, "HX-Trigger-Name": "password"})
    assert response.status_code == 204


def test_double_submit_creates_one_thread(client, db, asker):
    login(client, asker)
    first = client.post("/tanya/baru", data=form_data())
    second = client.post("/tanya/baru", data=form_data())
    assert thread_count(db) == 1
    assert first.location == second.location
    html = client.get(second.location).get_data(as_text=True)
    assert "sudah terkirim dengan kode" in html
    client.post("/tanya/baru", data=form_data(submission_key="kunci-lain"))
    assert thread_count(db) == 2


def test_photos_are_stored_and_shown(client, db, asker):
    login(client, asker)
    data = form_data(photos=[upload(image_bytes(), "a.jpg"), upload(image_bytes("PNG"), "b.png")])
    response = client.post("/tanya/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ThreadPhoto)) == 2
    html = client.get(response.location).get_data(as_text=True)
    assert html.count('loading="lazy"') == 2 and ".webp" in html


@pytest.mark.parametrize("files, message", [
    (lambda: [upload(b"%PDF-1.4 not an image", "surat.pdf")], "bukan foto"),
    (lambda: [upload(png_claiming(20000, 20000), "bom.png")], "terlalu banyak piksel"),
    (lambda: [upload(image_bytes(), f"{n}.jpg") for n in range(4)], "Paling banyak 3 foto"),
])
def test_bad_photos_are_refused_and_the_text_kept(client, db, asker, files, message):
    login(client, asker)
    response = client.post("/tanya/baru", data=form_data(photos=files()),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(html, "photos")
    assert "Lampu jalan mati di depan SD" in html
    assert thread_count(db) == 0
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_a_too_big_photo_is_refused(app, client, db, asker, tmp_path):
    app.config["UPLOAD_MAX_BYTES"] = 20_000
    login(client, asker)
    response = client.post("/tanya/baru", data=form_data(
        photos=[upload(image_bytes("PNG", size=(600, 600), color=(1, 2, 3)) + b"\0" * 30_000)]),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "terlalu besar" in field_error(response.get_data(as_text=True), "photos")
    assert thread_count(db) == 0
    assert not list((tmp_path / "uploads").rglob("*.webp"))


def test_a_kim_member_asks_on_behalf_of_a_villager(client, db):
    group = kim()
    person = member(group, name="Darmi Anggota")
    login(client, person)
    html = client.get("/tanya/baru").get_data(as_text=True)
    assert "KIM Gulangpongge" in html and "untuk warga lain" in html
    response = client.post("/tanya/baru", data=form_data(
        on_behalf="y", on_behalf_name="Mbah Karto", via_kim=str(group.id)))
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert (thread.on_behalf_name, thread.submitted_via_kim_id) == ("Mbah Karto", group.id)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Mbah Karto · diajukan melalui KIM Gulangpongge" in html


def test_on_behalf_needs_an_active_membership_and_a_name(client, db, asker):
    group = kim()
    pending = member(group, status=MembershipStatus.PENDING)
    for person in (asker, pending):
        client.post("/auth/keluar")
        login(client, person)
        response = client.post("/tanya/baru", data=form_data(
            on_behalf="y", on_behalf_name="Mbah Karto", via_kim=str(group.id)))
        assert response.status_code == 422
        assert "anggota aktif" in field_error(response.get_data(as_text=True), "via_kim")
    other_group = kim("bermi")
    active = member(group, role=MemberRole.KETUA)
    client.post("/auth/keluar")
    login(client, active)
    response = client.post("/tanya/baru", data=form_data(on_behalf="y", on_behalf_name="",
                                                         via_kim=str(other_group.id)))
    html = response.get_data(as_text=True)
    assert field_error(html, "on_behalf_name") == "Tulis nama warga yang bertanya."
    assert field_error(html, "via_kim") == "Pilih KIM tempat Anda menjadi anggota aktif."
    assert thread_count(db) == 0


def test_asking_is_rate_limited_per_account(app, client, db, asker):
    app.config["ASK_LIMIT_PER_ACCOUNT"] = "2 per hour"
    login(client, asker)
    for number in range(2):
        assert client.post("/tanya/baru", data=form_data(
            submission_key=f"k{number}")).status_code == 302
    response = client.post("/tanya/baru", data=form_data(submission_key="k3",
                                                         title="Pertanyaan ketiga saya"))
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Tunggu sebentar" in field_error(html, "title")
    assert "Pertanyaan ketiga saya" in html
    assert thread_count(db) == 2


def test_no_js_kecamatan_choice_shows_its_villages(client, asker):
    login(client, asker)
    response = client.post("/tanya/baru", data=form_data(district="33.18.14", village="",
                                                         choose_district="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "33.18.14.2003" in html  # Tlogorejo, Kec. Tlogowungu
    assert "Lampu jalan mati di depan SD" in html


def test_a_double_submit_does_not_use_up_the_ask_quota(app, client, db, asker):
    app.config["ASK_LIMIT_PER_ACCOUNT"] = "2 per hour"
    login(client, asker)
    assert client.post("/tanya/baru", data=form_data(submission_key="sekali")).status_code == 302
    for _again in range(3):  # the same form sent again: "already sent", nothing new
        response = client.post("/tanya/baru", data=form_data(submission_key="sekali"))
        assert response.status_code == 302
    response = client.post("/tanya/baru", data=form_data(district="33.18.14", village="",
                                                         choose_district="1"))
    assert response.status_code == 200  # the no-JavaScript kecamatan step is not a question
    response = client.post("/tanya/baru", data=form_data(submission_key="kedua",
                                                         title="Pertanyaan kedua saya"))
    assert response.status_code == 302
    assert thread_count(db) == 2
    response = client.post("/tanya/baru", data=form_data(submission_key="ketiga",
                                                         title="Pertanyaan ketiga saya"))
    assert response.status_code == 429
