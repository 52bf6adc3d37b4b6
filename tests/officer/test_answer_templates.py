"""Answer templates: kept at /petugas/templat, offered in the answer and reply forms of the
threads they fit, placeholders filled (the name left empty for an anonymous asker), then an
ordinary answer."""

import html as html_lib
import re

import pytest
from sqlalchemy import select

from kim_app.extensions import db as _db
from kim_app.models import AnswerTemplate, AuditEvent, Post, PostKind, ThreadStatus, Visibility
from kim_app.threads import answer_templates
from tests.conftest import HX, field_error, login
from tests.threads.conftest import advance, agency, category, new_thread

S = ThreadStatus
BODY = "Yth. {nama}, pertanyaan {kode} ditangani {instansi} paling lambat {batas}."


def template(name="Jawaban posyandu", body=BODY, category_slug=None, agency_slug=None):
    item = AnswerTemplate(name=name, body=body,
                          category_id=category(category_slug).id if category_slug else None,
                          agency_id=agency(agency_slug).id if agency_slug else None)
    _db.session.add(item)
    _db.session.commit()
    return item


def textarea(html: str, field_id: str) -> str:
    match = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', html, re.S)
    return html_lib.unescape(match.group(1)).strip() if match else None


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("pengurus", 403), ("petugas", 200), ("dinkes", 200),
    ("admin", 200),
])
def test_template_page_is_for_officers(client, people, role, expected):
    if people[role]:
        login(client, people[role])
    assert client.get("/petugas/templat").status_code == expected


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("pengurus", 403), ("petugas", 302), ("dinkes", 302),
    ("dispertan", 302), ("admin", 302),
])
def test_creating_a_template_by_role(client, db, people, role, expected):
    if people[role]:
        login(client, people[role])
    response = client.post("/petugas/templat", data={
        "name": "Salam pembuka", "body": "Terima kasih, {nama}.", "category": "",
        "agency": ""})
    assert response.status_code == expected
    saved = db.session.scalar(select(AnswerTemplate).where(AnswerTemplate.name == "Salam pembuka"))
    assert (saved is not None) == (expected == 302 and role != "guest")
    if saved is not None:
        # An agency's petugas keeps templates for their own agency only.
        assert saved.agency_id == people[role].agency_id if role in ("dinkes", "dispertan") \
            else saved.agency_id is None
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "answer_template.created", AuditEvent.object_id == saved.id))


@pytest.mark.parametrize("role, general, dinkes_own", [
    ("warga", 403, 403), ("pengurus", 403, 403), ("petugas", 302, 302), ("dinkes", 403, 302),
    ("dispertan", 403, 403), ("admin", 302, 302),
])
def test_editing_and_deleting_by_role(client, db, people, role, general, dinkes_own):
    everyone = template("Untuk semua")
    dinkes = template("Untuk dinkes", agency_slug="dinkes")
    login(client, people[role])
    data = {"name": "Diubah", "body": "Teks baru", "category": "", "agency": ""}
    assert client.post(f"/petugas/templat/{everyone.id}", data=data).status_code == general
    dinkes_id = dinkes.id
    assert client.post(f"/petugas/templat/{dinkes_id}/hapus").status_code == dinkes_own
    db.session.expire_all()
    assert (db.session.get(AnswerTemplate, dinkes_id) is None) == (dinkes_own == 302)
    assert (everyone.name == "Diubah") == (general == 302)


def test_unknown_template_is_404(client, petugas):
    login(client, petugas)
    assert client.get("/petugas/templat/987654").status_code == 404
    assert client.post("/petugas/templat/987654/hapus").status_code == 404


@pytest.mark.parametrize("fields, field_id, message", [
    ({"name": ""}, "name", "Beri nama templat ini."),
    ({"body": ""}, "body", "Tulis isi templat."),
    ({"body": "Halo {nama_lengkap}"}, "body", "Penanda tidak dikenal: {nama_lengkap}"),
    ({"category": "999999"}, "category", "Pilihan ini tidak dikenal"),
    ({"name": "x" * 81}, "name", "Paling banyak 80 karakter."),
])
def test_bad_template_input_keeps_what_was_typed(client, db, petugas, fields, field_id,
                                                 message):
    login(client, petugas)
    data = {"name": "Templat uji", "body": "Isi yang diketik petugas", "category": "",
            "agency": "", **fields}
    response = client.post("/petugas/templat", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field_id)
    if fields.get("body") is None:
        assert "Isi yang diketik petugas" in page
    assert db.session.scalar(select(AnswerTemplate)) is None


def test_placeholders_and_the_anonymous_asker(db, app, asker, petugas):
    with app.test_request_context():
        public = advance(new_thread(asker), petugas, S.DIPROSES)
        hidden = advance(new_thread(asker, visibility=Visibility.ANONYMOUS), petugas, S.DIPROSES)
        behalf = advance(new_thread(asker), petugas, S.DIPROSES)
        behalf.on_behalf_name = "Mbah Karto"  # asked through a KIM for an offline villager
        item = template()
        filled = answer_templates.fill(item, public)
        assert filled.startswith(f"Yth. Sumarni Penanya, pertanyaan {public.code} ditangani "
                                 "Dinas Kesehatan paling lambat ")
        assert "{batas}" not in filled and str(public.answer_due_on.year) in filled
        assert answer_templates.fill(item, hidden).startswith(
            f"Yth. , pertanyaan {hidden.code}")
        assert "Sumarni" not in answer_templates.fill(item, hidden)
        assert answer_templates.fill(item, behalf).startswith("Yth. Mbah Karto,")
        assert answer_templates.insert("Sudah saya cek.", "Teks") == "Sudah saya cek.\n\nTeks"
        assert answer_templates.insert("", "Teks") == "Teks"


def test_the_answer_form_offers_only_fitting_templates(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)  # kesehatan, Dinas Kesehatan
    fits = [template("Semua"), template("Kesehatan", category_slug="kesehatan"),
            template("Dinkes", agency_slug="dinkes")]
    others = [template("Pertanian", category_slug="pertanian"),
              template("Dispertan", agency_slug="dispertan")]
    login(client, petugas)
    page = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    picker = page.split('id="answer-template"')[1].split("</select>")[0]
    for item in fits:
        assert f'value="{item.id}"' in picker
    for item in others:
        assert f'value="{item.id}"' not in picker
    assert 'id="reply-template"' in page  # the officer's reply form offers them too


def test_using_a_template_with_htmx_fills_the_textarea_after_what_was_typed(client, db, asker,
                                                                           petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    item = template()
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/templat", headers=HX, data={
        "untuk": "answer", "answer-template": str(item.id), "answer-body": "Sudah dicek."})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="answer-body-box"')
    assert textarea(fragment, "answer-body") == (
        f"Sudah dicek.\n\nYth. Sumarni Penanya, pertanyaan {thread.code} ditangani Dinas "
        f"Kesehatan paling lambat " + textarea(fragment, "answer-body").rsplit("lambat ", 1)[1])
    db.session.expire_all()
    assert thread.status == S.DIPROSES  # nothing was sent
    # The empty choice changes nothing.
    assert client.post(f"/tanya/{thread.code}/templat", headers=HX, data={
        "untuk": "answer", "answer-template": ""}).status_code == 204


def test_pakai_without_javascript_reloads_the_form_then_it_is_an_ordinary_answer(client, db,
                                                                                asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    item = template(body="Pertanyaan {kode} sudah kami tindak lanjuti.")
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/templat", data={
        "untuk": "reply", "reply-template": str(item.id), "reply-body": "Halo."})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" in page
    assert textarea(page, "reply-body") == (
        f"Halo.\n\nPertanyaan {thread.code} sudah kami tindak lanjuti.")
    assert 'formaction="/tanya/' in page and "no-js-only" in page
    assert not textarea(page, "answer-body")  # the other form is left as it was
    response = client.post(f"/tanya/{thread.code}/jawab", data={
        "answer-body": f"Pertanyaan {thread.code} sudah kami tindak lanjuti, posyandu buka Senin."})
    assert response.status_code == 302
    db.session.expire_all()
    assert thread.status == S.DIJAWAB
    answer = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                  Post.kind == PostKind.OFFICIAL_ANSWER))
    assert answer.body.endswith("posyandu buka Senin.")


def test_a_template_not_offered_for_the_thread_is_refused(client, db, asker, petugas):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    elsewhere = template("Pertanian", category_slug="pertanian")
    login(client, petugas)
    for template_id in (str(elsewhere.id), "987654", "abc"):
        response = client.post(f"/tanya/{thread.code}/templat", data={
            "untuk": "answer", "answer-template": template_id, "answer-body": "Tetap ada"})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert field_error(page, "answer-template") == "Pilih templat dari daftar."
        assert textarea(page, "answer-body") == "Tetap ada"
    assert client.post(f"/tanya/{thread.code}/templat",
                       data={"untuk": "lain"}).status_code == 400
    assert client.post("/tanya/TNY-26-ZZZZ/templat", data={"untuk": "answer"}).status_code == 404


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("asker", 403), ("pengurus", 403), ("petugas", 200),
    ("dinkes", 200), ("dispertan", 403), ("admin", 200),
])
def test_using_a_template_in_the_answer_by_role(client, db, asker, people, role, expected):
    thread = advance(new_thread(asker), people["petugas"], S.DIPROSES)  # for Dinas Kesehatan
    item = template()
    user = asker if role == "asker" else people[role]
    if user:
        login(client, user)
    which = "reply" if role == "asker" else "answer"
    response = client.post(f"/tanya/{thread.code}/templat", data={
        "untuk": which, f"{which}-template": str(item.id)})
    assert response.status_code == expected


def test_demo_templates_load_once_and_fit_their_threads(db, asker, petugas):
    from kim_app.officer import demo

    assert demo.load() == "Answer templates: 2 created."
    db.session.commit()
    assert demo.load() == "Answer templates: already present."
    health = advance(new_thread(asker), petugas, S.DIPROSES)  # kesehatan, Dinas Kesehatan
    farming = new_thread(asker, category_slug="pertanian")
    assert len(answer_templates.offered(health)) == 2
    assert [t.name for t in answer_templates.offered(farming)] == [
        "Terima kasih dan tindak lanjut"]
    for item in answer_templates.offered(health):
        assert answer_templates.unknown_placeholders(item.body) == []
