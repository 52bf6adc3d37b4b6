"""`/petugas/`: the officer inbox, its order by due date, filters, and the reusable query."""

import re
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from kim_app.extensions import db as _db
from kim_app.models import Thread, ThreadStatus, utcnow
from kim_app.officer import services
from kim_app.threads.tracking import new_code
from tests.conftest import HX, login
from tests.threads.conftest import VILLAGE, advance, agency, category, new_thread


def codes(html):
    return re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html)


@pytest.mark.parametrize("role, expected", [("guest", 302), ("warga", 403), ("petugas", 200),
                                            ("admin", 200)])
def test_inbox_is_for_officers(client, warga, petugas, admin, role, expected):
    people = {"warga": warga, "petugas": petugas, "admin": admin}
    if role != "guest":
        login(client, people[role])
    response = client.get("/petugas/")
    assert response.status_code == expected
    nav = client.get("/").get_data(as_text=True)
    assert ('href="/petugas/"' in nav) == (expected == 200)


def test_inbox_sorts_by_due_date_and_marks_overdue(client, db, asker, petugas):
    late = new_thread(asker, title="Sudah lewat batas verifikasi")
    soon = new_thread(asker, title="Baru saja masuk ke kotak")
    waiting_answer = advance(new_thread(asker, title="Menunggu jawaban dinas"), petugas,
                             ThreadStatus.DIPROSES)
    done = advance(new_thread(asker, title="Sudah dijawab dinas"), petugas,
                   ThreadStatus.DIJAWAB)
    late.verify_due_on = date.today() - timedelta(days=3)
    waiting_answer.answer_due_on = date.today() + timedelta(days=20)
    soon.verify_due_on = date.today() + timedelta(days=3)
    db.session.commit()
    login(client, petugas)
    html = client.get("/petugas/").get_data(as_text=True)
    assert codes(html) == [late.code, soon.code, waiting_answer.code]
    assert done.code not in html
    late_row = html.split(late.code)[0].rsplit("<li", 1)[1]
    assert "is-overdue" in late_row
    assert html.count("badge-overdue") == 1
    assert "Baru: 2" in html and "Diproses: 1" in html


def test_inbox_filters(client, db, asker, petugas, officer2):
    mine = advance(new_thread(asker, title="Ditugaskan ke saya"), petugas, ThreadStatus.DIPROSES)
    theirs = advance(new_thread(asker, title="Untuk pertanian", category_slug="pertanian",
                                village="33.18.14.2003"), petugas, ThreadStatus.DIVERIFIKASI)
    from kim_app.threads import lifecycle

    lifecycle.assign(theirs, petugas, agency("dispertan"), officer2)
    db.session.commit()
    fresh = new_thread(asker, title="Masih baru sekali")
    login(client, petugas)
    assert codes(client.get("/petugas/?saya=1").get_data(as_text=True)) == [mine.code]
    assert codes(client.get(f"/petugas/?instansi={agency('dispertan').id}").get_data(
        as_text=True)) == [theirs.code]
    assert codes(client.get(f"/petugas/?kategori={category('pertanian').id}").get_data(
        as_text=True)) == [theirs.code]
    assert codes(client.get("/petugas/?kecamatan=33.18.14").get_data(as_text=True)) == [
        theirs.code]
    assert codes(client.get("/petugas/?status=baru", headers=HX).get_data(as_text=True)) == [
        fresh.code]
    assert len(codes(client.get("/petugas/?status=semua&instansi=x").get_data(
        as_text=True))) == 3


def test_inbox_fragment_and_page(client, db, asker, petugas):
    new_thread(asker)
    login(client, petugas)
    page = client.get("/petugas/")
    assert "<html" in page.get_data(as_text=True)
    fragment = client.get("/petugas/?status=baru", headers=HX)
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="inbox-list"') and "<html" not in html
    assert "HX-Request" in fragment.headers["Vary"]


def bulk_waiting(author, count, start=0):
    now = utcnow()
    for number in range(start, start + count):
        _db.session.add(Thread(
            code=new_code()[:-4] + f"{number:04d}".translate(str.maketrans("01", "AB")),
            author_id=author.id, title=f"Menunggu verifikasi nomor {number}", body="Isi.",
            category_id=category().id, village_code=VILLAGE, created_at=now,
            last_activity_at=now, verify_due_on=date.today() + timedelta(days=number % 7)))
    _db.session.commit()


def test_inbox_pages_by_due_date_without_gaps(client, db, asker, petugas):
    bulk_waiting(asker, 70)
    login(client, petugas)
    html = client.get("/petugas/").get_data(as_text=True)
    seen = codes(html)
    while match := re.search(r'id="inbox-more".*?href="([^"]+)"', html, re.S):
        html = client.get(match.group(1).replace("&amp;", "&"), headers=HX).get_data(
            as_text=True)
        seen += codes(html)
    assert len(seen) == len(set(seen)) == 70
    dues = [db.session.scalar(_db.select(Thread.verify_due_on).where(Thread.code == code))
            for code in seen]
    assert dues == sorted(dues)


def test_inbox_queries_do_not_grow_with_threads(client, db, asker, petugas, query_counter):
    bulk_waiting(asker, 10)
    login(client, petugas)
    with query_counter() as few:
        client.get("/petugas/")
    bulk_waiting(asker, 190, start=10)
    with query_counter() as many:
        html = client.get("/petugas/").get_data(as_text=True)
    assert len(codes(html)) == services.PAGE_SIZE
    assert len(many) == len(few)


def test_inbox_query_is_reusable_for_exports(db, asker, petugas):
    first = new_thread(asker)
    advance(new_thread(asker, title="Sudah diproses dinas"), petugas, ThreadStatus.DIPROSES)
    filters = services.parse_inbox_filters(MultiDict({"status": "baru", "instansi": "abc"}))
    assert filters.status == "baru" and filters.agency is None
    rows = db.session.scalars(services.inbox_query(filters, petugas)).unique().all()
    assert [t.code for t in rows] == [first.code]
    everything = services.parse_inbox_filters({"status": "semua"})
    assert len(db.session.scalars(services.inbox_query(everything, petugas)).unique().all()) == 2
