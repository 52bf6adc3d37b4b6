"""Tracking codes: read in any case and spacing, or by their last four characters; the
"Cek kode pelacakan" box and the search box of `/tanya/` open the thread for whoever may
see it, and say the same "not found" for a missing code and for someone else's private one."""

import pytest

from kim_app.extensions import db as _db
from kim_app.models import Visibility
from kim_app.threads import tracking
from tests.conftest import HX, login
from tests.threads.conftest import new_thread


def with_code(thread, code):
    thread.code = code
    _db.session.commit()
    return thread


@pytest.mark.parametrize("typed, code, tail", [
    ("TNY-26-7CX9", "TNY-26-7CX9", "7CX9"),
    ("tny 26 7cx9", "TNY-26-7CX9", "7CX9"),
    (" tny-26-7cx9 ", "TNY-26-7CX9", "7CX9"),
    ("7cx9", "", "7CX9"),
    ("7 C X 9", "", "7CX9"),
])
def test_read_any_case_and_spacing(typed, code, tail):
    query = tracking.read(typed)
    assert query is not None and query.code == code and query.tail == tail
    assert query.surely_a_code


@pytest.mark.parametrize("typed", ["", "posyandu", "TNY-2X-7CX9", "TNY-26-7CX", "7CX0",
                                   "I0O1", "<script>", "TNY-26-7CX9-8", "x" * 500])
def test_not_a_code(typed):
    assert tracking.read(typed) is None
    assert tracking.normalise_code(typed) == ""


def test_a_word_of_letters_is_not_surely_a_code():
    assert not tracking.read("desa").surely_a_code


@pytest.mark.parametrize("typed", ["TNY-26-7CX9", "tny 26 7cx9", "7cx9", "7CX9"])
def test_lookup_box_opens_the_thread(client, db, asker, typed):
    thread = with_code(new_thread(asker, verified=True), "TNY-26-7CX9")
    response = client.get("/tanya/kode", query_string={"kode": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tanya/{thread.code}"


def test_lookup_box_on_home_and_list(client, db):
    for page in ("/", "/tanya/"):
        html = client.get(page).get_data(as_text=True)
        assert 'action="/tanya/kode"' in html and "Cek kode pelacakan" in html


def test_private_thread_only_for_who_may_see_it(app, client, db, asker, other, petugas):
    private = with_code(new_thread(asker, visibility=Visibility.PRIVATE), "TNY-26-P7Q2")
    missing = client.get("/tanya/kode?kode=TNY-26-ZZZ9")
    hidden = client.get("/tanya/kode?kode=p7q2")
    assert missing.status_code == hidden.status_code == 404
    assert "Tidak ada pertanyaan dengan kode" in hidden.get_data(as_text=True)
    assert private.title not in hidden.get_data(as_text=True)
    login(client, other)
    assert client.get("/tanya/kode?kode=p7q2").status_code == 404
    assert client.get("/tanya/?q=p7q2").headers.get("Location") is None
    client = app.test_client()
    login(client, asker)
    assert client.get("/tanya/kode?kode=p7q2").headers["Location"] == f"/tanya/{private.code}"
    client = app.test_client()
    login(client, petugas)
    assert client.get("/tanya/?q=TNY 26 P7Q2").headers["Location"] == f"/tanya/{private.code}"


@pytest.mark.parametrize("typed, status", [("", 400), ("posyandu", 400), ("<b>x</b>", 400),
                                           ("x" * 5000, 400), ("TNY-99-2222", 404)])
def test_lookup_bad_input(client, db, typed, status):
    response = client.get("/tanya/kode", query_string={"kode": typed})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert 'id="tracking-code-error"' in html and "<b>x</b>" not in html


def test_same_short_form_in_two_years_lists_both(client, db, asker):
    old = with_code(new_thread(asker, title="Pertanyaan tahun lalu soal air", verified=True),
                    "TNY-25-7CX9")
    new = with_code(new_thread(asker, verified=True), "TNY-26-7CX9")
    response = client.get("/tanya/kode?kode=7cx9")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"/tanya/{old.code}" in html and f"/tanya/{new.code}" in html
    # The whole code still opens the one thread.
    assert client.get("/tanya/kode?kode=tny-25-7cx9").headers["Location"] == f"/tanya/{old.code}"


def test_search_box_opens_a_code(client, db, asker):
    thread = with_code(new_thread(asker, verified=True), "TNY-26-7CX9")
    for typed in ("tny 26 7cx9", "7CX9", "TNY-26-7CX9"):
        response = client.get("/tanya/", query_string={"q": typed})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/tanya/{thread.code}"
    # Search as you type (htmx): the browser is sent to the thread, not a page in the list.
    response = client.get("/tanya/?q=7cx9", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/tanya/{thread.code}"
    assert "HX-Request" in response.headers["Vary"]


def test_search_word_like_a_code_searches_and_offers_the_thread(client, db, asker):
    coded = with_code(new_thread(asker, title="Lampu jalan padam", verified=True), "TNY-26-DESA")
    about = new_thread(asker, title="Balai desa kapan dibuka?",
                       body="Balai DESA tutup terus, kapan dibuka untuk warga umum?", verified=True)
    response = client.get("/tanya/?q=desa")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/tanya/{about.code}" class="thread-title"' in html
    assert "Kode pelacakan yang cocok" in html and f"/tanya/{coded.code}" in html
    plain = client.get("/tanya/?q=posyandu").get_data(as_text=True)
    assert "Kode pelacakan yang cocok" not in plain


def test_short_form_lookup_reads_the_code_index(app, db, asker, query_counter):
    with_code(new_thread(asker, verified=True), "TNY-26-7CX9")
    with query_counter() as queries:
        found = tracking.find(tracking.read("7cx9"), None)
    assert [t.code for t in found] == ["TNY-26-7CX9"]
    assert len(queries) == 1 and " IN " in queries[0].upper()
