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
    rows = db.session.execute(services.inbox_query(filters, petugas)).all()
    assert [row.code for row in rows] == [first.code]
    assert (rows[0].category, rows[0].district) == (first.category.name,
                                                    first.village.district.name)
    everything = services.parse_inbox_filters({"status": "semua"})
    assert len(db.session.execute(services.inbox_query(everything, petugas)).all()) == 2


def test_waiting_counts_stop_at_their_limit_and_say_so(client, db, asker, petugas,
                                                       monkeypatch, query_counter):
    """Each waiting status is counted up to `WAITING_COUNT_LIMIT` + 1: a larger backlog
    reads "more than" the limit, in the reader's language, for the same queries."""
    monkeypatch.setattr(services, "WAITING_COUNT_LIMIT", 3)
    bulk_waiting(asker, 3)
    advance(new_thread(asker, title="Menunggu jawaban dinas"), petugas, ThreadStatus.DIPROSES)
    login(client, petugas)
    with query_counter() as at_limit:
        html = client.get("/petugas/").get_data(as_text=True)
    assert "Baru: 3" in html and "Diproses: 1" in html and "lebih dari" not in html
    bulk_waiting(asker, 5, start=3)
    with query_counter() as beyond:
        html = client.get("/petugas/").get_data(as_text=True)
    assert "Baru: lebih dari 3" in html and "Diproses: 1" in html
    assert len(codes(html)) == 9  # the list itself is not bounded by the count
    assert len(beyond) == len(at_limit)
    petugas.locale = "en"
    db.session.commit()
    assert "New: more than 3" in client.get("/petugas/").get_data(as_text=True)


def test_inbox_row_shows_what_it_is_about(client, db, asker, petugas, officer2):
    """A row's texts, put together once a page (`officer.inbox_view`): status, due date,
    escalation, category, desa and kecamatan, agency, officer, "saya juga"."""
    from babel.dates import format_date

    from kim_app.threads import lifecycle

    thread = advance(new_thread(asker, title="Jalan desa rusak berat", category_slug="pertanian",
                                village="33.18.14.2003"), petugas, ThreadStatus.DIVERIFIKASI)
    lifecycle.assign(thread, petugas, agency("dispertan"), officer2)
    db.session.commit()
    thread.escalation_level, thread.escalated_due_on = 2, thread.due_on
    thread.me_too_count = 4
    db.session.commit()
    login(client, petugas)
    html = client.get("/petugas/").get_data(as_text=True)
    row = html.split(f'value="{thread.id}:diproses"')[1].split("</li>")[0]
    due = format_date(thread.due_on, "medium", locale="id")
    for text in (f'href="/tanya/{thread.code}"', "Jalan desa rusak berat",
                 '<span class="status status-diproses">Diproses</span>', f"batas {due}",
                 "escalation-2\">Dieskalasi ke instansi dan admin", "Pertanian",
                 f"{thread.village.name}, Kec. {thread.village.district.name}",
                 agency("dispertan").short_name, officer2.name, "4 saya juga"):
        assert text in row, text
    assert f'aria-label="Pilih {thread.code}"' in html.split(f'value="{thread.id}:')[1]
    petugas.locale = "en"
    db.session.commit()
    html = client.get("/petugas/").get_data(as_text=True)
    row = html.split(f'value="{thread.id}:diproses"')[1].split("</li>")[0]
    assert f"due {format_date(thread.due_on, 'medium', locale='en')}" in row
    assert f"{thread.village.district.name} District" in row and "4 me too" in row


def test_quick_select_writes_what_wtforms_writes(app):
    """The officer forms' select writes its options itself: the same text as WTForms'."""
    from flask_babel import lazy_gettext
    from wtforms import Form
    from wtforms.validators import InputRequired
    from wtforms.widgets import Select

    from kim_app.officer.forms import Choice

    class Probe(Form):
        pick = Choice("Pilih")
        needed = Choice("Wajib", validators=[InputRequired()])

    with app.test_request_context():
        for data in ("", "1", "x<y", "nothing"):
            form = Probe(data={"pick": data, "needed": data})
            for field in (form.pick, form.needed):
                field.choices = [("", lazy_gettext("Semua")), ("1", 'A & "B" <c>'),
                                 ("x<y", "Lain")]
                assert field.widget(field, aria_describedby="hint") == Select()(
                    field, aria_describedby="hint")
                assert field() == Select()(field)


@pytest.mark.parametrize("args, index", [
    ({}, "ix_thread_waiting_due"),
    ({"setelah": "cursor"}, "ix_thread_waiting_due"),
    ({"instansi": "dispertan"}, "ix_thread_waiting_"),
    ({"kategori": "pertanian"}, "ix_thread_waiting_"),
    ({"saya": "1"}, "ix_thread_waiting_"),
    ({"eskalasi": "1"}, "ix_thread_waiting_"),
    ({"status": "dijawab"}, "ix_thread_status_due"),
    ({"status": "semua"}, "ix_thread_due"),
    ({"urut": "saya-juga"}, "ix_thread_waiting_me_too"),
    ({"urut": "saya-juga", "status": "semua"}, "ix_thread_me_too"),
])
def test_inbox_pages_are_read_in_index_order(db, asker, petugas, args, index):
    """PostgreSQL reads a page of the inbox from an index in the page's order, whatever the
    backlog: with sorting switched off, no plan sorts. The plan is a prepared statement's
    generic plan, which knows no parameter's value: the waiting statuses are written into
    the statement, so the planner can still prove the partial indexes' condition."""
    from sqlalchemy import literal, text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL planner's choice")
    from kim_app.threads import lifecycle

    waiting = [new_thread(asker, title=f"Pertanyaan menunggu nomor {n}") for n in range(4)]
    advance(waiting[0], petugas, ThreadStatus.DIJAWAB)
    lifecycle.assign(advance(waiting[1], petugas, ThreadStatus.DIVERIFIKASI), petugas,
                     agency("dispertan"), petugas)
    db.session.commit()
    # As in a real regency, most questions are done: 500 closed ones beside the few that
    # wait (on a table of four rows the planner may as well read any index).
    columns = [column.name for column in Thread.__table__.columns
               if column.name != "id" and column.computed is None]
    copied = ["'TNY-99-' || lpad(n::text, 4, '0')" if name == "code"
              else "'selesai'" if name == "status" else name for name in columns]
    copies = (f"INSERT INTO thread ({', '.join(columns)}) SELECT {', '.join(copied)} "  # noqa: S608  # nosec B608 - column names from the model
              "FROM thread, generate_series(1, 500) AS n WHERE thread.id = :id")
    db.session.execute(text(copies), {"id": waiting[0].id})
    args = {**args}
    if "instansi" in args:
        args["instansi"] = str(agency("dispertan").id)
    if "kategori" in args:
        args["kategori"] = str(category("pertanian").id)
    after = args.pop("setelah", None) and waiting[2].id
    filters = services.parse_inbox_filters(args)
    query = services.inbox_query(filters, petugas)
    if after:
        query = query.where(services._after(filters, after))
    compiled = query.limit(services.PAGE_SIZE + 1).compile(
        db.engine, compile_kwargs={"render_postcompile": True})
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", str(compiled))))
    sql = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", str(compiled))
    db.session.execute(text("ANALYZE thread"))
    for setting in ("enable_sort = off", "enable_seqscan = off",
                    "plan_cache_mode = force_generic_plan"):
        db.session.execute(text(f"SET LOCAL {setting}"))
    db.session.execute(text("PREPARE inbox_page AS " + sql))
    values = ", ".join(str(literal(compiled.params[name], compiled.binds[name].type).compile(
        db.engine, compile_kwargs={"literal_binds": True})) for name in names)
    plan = "\n".join(db.session.execute(text(f"EXPLAIN EXECUTE inbox_page({values})")).scalars())
    db.session.execute(text("DEALLOCATE inbox_page"))
    db.session.rollback()
    assert "Sort" not in plan, plan
    # (which of the waiting threads' indexes a filtered page reads is the planner's choice)
    assert re.search(rf"Index Scan (Backward )?using {index}\w* on thread", plan), plan


def test_waiting_statuses_are_written_into_the_statement(db, asker, petugas):
    """`lifecycle.waiting_clause()` sends the statuses as literals: SQLite, too, then reads
    a filtered page from its partial index (it matches only a condition written out)."""

    filters = services.parse_inbox_filters({"instansi": str(agency("dispertan").id)})
    compiled = services.inbox_query(filters, petugas).limit(31).compile(
        db.engine, compile_kwargs={"render_postcompile": True})
    assert "IN ('baru', 'diverifikasi', 'diproses')" in str(compiled)
    if db.engine.dialect.name == "sqlite":
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        plan = db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", params).all()
        assert any("USING INDEX ix_thread_waiting_agency_due" in row[-1] for row in plan), plan
