"""The officer dashboard, the CSV exports, who may see them, and what never leaks."""

import contextvars
import csv
import io
import tracemalloc
from datetime import date

import pytest
from flask.testing import FlaskClient

from kim_app.extensions import db
from kim_app.models import Role, ThreadStatus, Visibility
from kim_app.officer import export
from kim_app.stats import services
from tests.conftest import HX, login, make_user
from tests.stats_fixtures import (
    KEC_A,
    KEC_B,
    VILLAGE_B,
    agency,
    bulk_threads,
    category,
    hand_computed,
    thread,
    utc,
)

DASHBOARD = "/petugas/dasbor"
THREADS_CSV = "/petugas/dasbor/ekspor/pertanyaan.csv"
STATS_CSV = "/petugas/dasbor/ekspor/statistik.csv"


def read_csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# --- permissions -------------------------------------------------------------------------

@pytest.mark.parametrize("url", [DASHBOARD, THREADS_CSV, STATS_CSV])
@pytest.mark.parametrize(("role", "expected"), [
    (None, 302), (Role.WARGA, 403), (Role.PETUGAS, 200), (Role.ADMIN, 200),
])
def test_permission_table(client, url, role, expected):
    if role is not None:
        login(client, make_user(role))
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/auth/masuk" in response.headers["Location"]


def test_guest_htmx_request_is_sent_to_login(client):
    response = client.get(DASHBOARD, headers=HX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/masuk")


def test_warga_htmx_request_gets_the_error_in_flash(client, warga):
    login(client, warga)
    response = client.get(DASHBOARD, headers=HX)
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#flash"


def test_dashboard_link_only_for_officers(client, warga, petugas):
    assert 'href="/petugas/dasbor"' not in client.get("/").get_data(as_text=True)
    login(client, warga)
    assert 'href="/petugas/dasbor"' not in client.get("/").get_data(as_text=True)
    client.post("/auth/keluar")
    login(client, petugas)
    assert 'href="/petugas/dasbor"' in client.get("/").get_data(as_text=True)


# --- dashboard ---------------------------------------------------------------------------

def workload_fixture():
    """Open questions on known dates; `today` is Monday 3 March 2025."""
    author = make_user(name="Warga Penanya")
    budi = make_user(Role.PETUGAS, name="Budi Petugas", village=None)
    ani = make_user(Role.PETUGAS, name="Ani Petugas", village=None)
    cat = category()
    dinkes = agency("Dinas Kesehatan")
    dispertan = agency("Dinas Pertanian")
    threads = {
        # New, due for verification Wed 26 Feb: overdue by 3 working days on Mon 3 Mar.
        "late_verify": thread(author, cat, created=utc(2025, 2, 21, 2), title="Jalan rusak",
                              verify_due=date(2025, 2, 26)),
        # Being processed by Budi, answer due Fri 28 Feb: overdue by 1 working day.
        "late_answer": thread(author, cat, created=utc(2025, 2, 10, 2), agency_=dinkes,
                              assignee=budi, status=ThreadStatus.DIPROSES,
                              visibility=Visibility.ANONYMOUS, title="Vaksin anak",
                              answer_due=date(2025, 2, 28)),
        # Budi, due later: open, not overdue.
        "in_time": thread(author, cat, created=utc(2025, 2, 27, 2), agency_=dinkes,
                          assignee=budi, status=ThreadStatus.DIPROSES, title="Posyandu",
                          answer_due=date(2025, 3, 14), village=VILLAGE_B),
        # Ani, verified and waiting for assignment of work, due later.
        "ani": thread(author, cat, created=utc(2025, 2, 28, 2), agency_=dispertan,
                      assignee=ani, status=ThreadStatus.DIVERIFIKASI, title="Pupuk",
                      answer_due=date(2025, 3, 14)),
        # Answered: not open, not workload.
        "done": thread(author, cat, created=utc(2025, 2, 3, 2), agency_=dinkes,
                       assignee=budi, status=ThreadStatus.DIJAWAB, title="Sudah dijawab",
                       answered=utc(2025, 2, 4, 2), answer_due=date(2025, 2, 17)),
    }
    db.session.commit()
    return {"budi": budi, "ani": ani, "dinkes": dinkes, "dispertan": dispertan,
            "cat": cat, **threads}


def test_dashboard_figures(app):
    from kim_app.officer import workload

    fixture = workload_fixture()
    today = date(2025, 3, 3)
    f = services.StatsFilter(period="semua")
    summary = workload.summary(f, today)
    assert (summary.open, summary.overdue, summary.to_verify, summary.unassigned) == (4, 2, 1, 0)
    officers = {row.label: row for row in workload.by_officer(f, today)}
    assert (officers["Budi Petugas"].open, officers["Budi Petugas"].overdue) == (2, 1)
    assert (officers["Ani Petugas"].open, officers["Ani Petugas"].overdue) == (1, 0)
    assert (officers[""].open, officers[""].overdue, officers[""].verify) == (1, 1, 1)
    agencies = {row.label: row for row in workload.by_agency(f, today)}
    assert (agencies["Dinas Kesehatan"].open, agencies["Dinas Kesehatan"].overdue) == (2, 1)
    overdue = workload.overdue(f, today)
    assert [item.thread.id for item in overdue] == [fixture["late_verify"].id,
                                                   fixture["late_answer"].id]
    assert [item.working_days for item in overdue] == [3, 1]
    oldest = workload.oldest_waiting(f, today)
    assert [item.thread.title for item in oldest] == ["Vaksin anak", "Jalan rusak",
                                                      "Posyandu", "Pupuk"]
    # Kecamatan filter: only the question from Tlogowungu.
    chosen = services.StatsFilter(period="semua", kecamatan=KEC_B)
    assert workload.summary(chosen, today).open == 1


def test_dashboard_page(client, app, petugas):
    workload_fixture()
    login(client, petugas)
    response = client.get(DASHBOARD + "?periode=semua")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html
    assert "Budi Petugas" in html and "Dinas Kesehatan" in html
    assert "Jalan rusak" in html and "TNY-" in html  # officers see titles and codes
    assert 'id="overdue-table"' in html and 'id="oldest-table"' in html
    assert 'id="answer-times"' in html
    assert 'action="/petugas/dasbor/ekspor/pertanyaan.csv" method="get"' in html


def test_dashboard_htmx_returns_the_fragment(client, app, admin):
    workload_fixture()
    login(client, admin)
    response = client.get(DASHBOARD + f"?periode=30h&kecamatan={KEC_B}", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="dashboard-body"')
    assert "Posyandu" in html and "Jalan rusak" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_dashboard_figures_are_shared_for_a_while(app_factory):
    """With `DASHBOARD_CACHE_SECONDS` the aggregates are computed once for every officer
    (and come back from JSON the same); the lists of questions are read each time."""
    from kim_app.common import cache
    from tests.conftest import count_queries

    cached = app_factory(DASHBOARD_CACHE_SECONDS=60)
    with cached.app_context():
        cache.store_for(cached).clear()
        workload_fixture()
        first, second = cached.test_client(), cached.test_client()
        login(first, make_user(Role.PETUGAS, name="Bu Petugas", village=None))
        login(second, make_user(Role.ADMIN, name="Pak Admin", village=None))
        with count_queries(db.engine) as computed:
            fresh = first.get(DASHBOARD + "?periode=semua").get_data(as_text=True)
        with count_queries(db.engine) as shared:
            again = second.get(DASHBOARD + "?periode=semua").get_data(as_text=True)
        assert len(shared) < len(computed)
        assert "Dinas Kesehatan" in again and "Jalan rusak" in again
        section = 'id="answer-times"'
        assert again[again.index(section):].split("</table>")[0] == \
            fresh[fresh.index(section):].split("</table>")[0]
        cache.store_for(cached).clear()


def test_dashboard_lists_are_bounded(client, app, petugas, query_counter):
    from kim_app.officer import workload

    login(client, petugas)
    author = make_user()
    cat = category()
    bulk_threads(author, cat, 5, start=utc(2025, 1, 6, 0),
                 status=ThreadStatus.DIPROSES, answered_at=None)
    with query_counter() as few:
        client.get(DASHBOARD)
    bulk_threads(author, cat, 60, start=utc(2025, 1, 7, 0),
                 status=ThreadStatus.DIPROSES, answered_at=None)
    with query_counter() as many:
        html = client.get(DASHBOARD).get_data(as_text=True)
    assert len(few) == len(many)
    assert html.count("<tr") <= 2 * (workload.LIST_LIMIT + 1) + 20
    assert "Unduh semua 65 pertanyaan terlambat (CSV)" in html


# --- thread export -----------------------------------------------------------------------

def test_thread_export_is_a_utf8_attachment_with_indonesian_headers(client, app, petugas):
    hand_computed()
    login(client, petugas)
    response = client.get(THREADS_CSV)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="pertanyaan-')
    rows = read_csv(response)
    assert rows[0][:4] == ["Kode", "Judul", "Status", "Visibilitas"]
    assert "Batas jawaban" in rows[0] and "Terlambat" in rows[0]
    assert len(rows) == 7
    assert b"\r\n" in response.get_data()


def test_thread_export_keeps_anonymous_askers_anonymous(client, app, petugas):
    fixture = hand_computed()
    login(client, petugas)
    rows = read_csv(client.get(THREADS_CSV))
    header = rows[0]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_code[fixture["t2"].code]["Penanya"] == "Anonim"
    assert by_code[fixture["t1"].code]["Penanya"] == "Penanya Rahasia"
    t3 = by_code[fixture["t3"].code]
    assert t3["Visibilitas"] == "Pribadi"
    assert t3["Dijawab"] == "2025-02-22 05:00"  # Pati time
    assert t3["Batas jawaban"] == "2025-02-21"


def test_thread_export_neutralises_formulas(client, app, petugas):
    author = make_user(name="=cmd|' /C calc'!A0")
    cat = category("+Kategori")
    for title in ("=HYPERLINK(\"http://x\")", "-2+3", "@SUM(A1)", "Judul biasa"):
        thread(author, cat, created=utc(2025, 2, 3, 1), title=title)
    db.session.commit()
    login(client, petugas)
    rows = read_csv(client.get(THREADS_CSV))
    titles = [row[1] for row in rows[1:]]
    assert titles == ["'=HYPERLINK(\"http://x\")", "'-2+3", "'@SUM(A1)", "Judul biasa"]
    assert all(row[4] == "'=cmd|' /C calc'!A0" for row in rows[1:])
    assert all(row[5] == "'+Kategori" for row in rows[1:])


def test_safe_cell():
    assert export.safe_cell("=1+1") == "'=1+1"
    assert export.safe_cell("\tx") == "'\tx"
    assert export.safe_cell("a=b") == "a=b"
    assert export.safe_cell(-3) == -3


def test_thread_export_filters(client, app, petugas):
    fixture = workload_fixture()
    login(client, petugas)

    def codes(query):
        response = client.get(THREADS_CSV + "?" + query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {row[0] for row in read_csv(response)[1:]}

    everything = codes("")
    assert len(everything) == 5
    assert codes("status=diproses") == {fixture["late_answer"].code, fixture["in_time"].code}
    assert codes(f"agency={fixture['dispertan'].id}") == {fixture["ani"].code}
    assert codes(f"category={fixture['cat'].id}") == everything
    assert codes(f"kecamatan={KEC_B}") == {fixture["in_time"].code}
    assert codes(f"kecamatan={KEC_A}&status=diproses") == {fixture["late_answer"].code}
    assert codes("mine=y") == set()  # nothing assigned to this officer
    # The overdue filter is about today: everything open in the fixture is long past due.
    assert codes("overdue=y") == {fixture[name].code for name in
                                  ("late_verify", "late_answer", "in_time", "ani")}


def test_thread_export_assigned_to_me(client, app):
    fixture = workload_fixture()
    login(client, fixture["budi"])
    rows = read_csv(client.get(THREADS_CSV + "?mine=y"))
    assert {row[0] for row in rows[1:]} == {
        fixture[name].code for name in ("late_answer", "in_time", "done")}


@pytest.mark.parametrize(("query", "field_id"), [
    ("status=hilang", "status"), ("agency=999999", "agency"), ("category=abc", "category"),
    ("kecamatan=99.99", "kecamatan"),
])
def test_thread_export_bad_filter_is_explained(client, app, petugas, query, field_id):
    from tests.conftest import field_error

    login(client, petugas)
    response = client.get(THREADS_CSV + "?" + query)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" in html
    assert field_error(html, field_id) == "Pilihan ini tidak dikenal. Pilih dari daftar."
    # The page around the form is the dashboard, its filter still pointing at it.
    assert 'action="/petugas/dasbor" method="get"' in html
    assert 'id="overdue-heading"' in html


def test_thread_export_streams_in_bounded_memory(client, app, petugas, monkeypatch):
    """Peak memory while exporting 2,000 threads stays near that of 200 threads."""
    monkeypatch.setattr(export, "CHUNK_ROWS", 100)
    author = make_user()
    cat = category()
    login(client, petugas)

    def consume() -> tuple[int, int]:
        # Read the body chunk by chunk, in one context like a server does.
        response = FlaskClient.open(client, THREADS_CSV, buffered=False)
        assert response.is_streamed
        size = chunks = 0
        for chunk in response.response:
            size += len(chunk)
            chunks += 1
        response.close()
        assert chunks > 1
        return size

    def export_peak() -> tuple[int, int]:
        client.get(THREADS_CSV + "?status=baru")  # warm up (templates, compiled SQL)
        tracemalloc.start()
        size = contextvars.Context().run(consume)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size, peak

    bulk_threads(author, cat, 200, start=utc(2025, 1, 1, 0))
    small_size, small_peak = export_peak()
    bulk_threads(author, cat, 1800, start=utc(2025, 3, 1, 0))
    large_size, large_peak = export_peak()
    assert large_size > 9 * small_size  # ten times the rows …
    # … but memory grows by far less than the extra 1,800 rows of text would take.
    assert large_peak - small_peak < (large_size - small_size) / 4
    assert large_peak < 1.5 * small_peak + 100_000


# --- statistics export -------------------------------------------------------------------

def test_statistics_export(client, app, petugas):
    hand_computed()
    login(client, petugas)
    response = client.get(STATS_CSV + "?periode=semua")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="statistik-')
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Bagian", "Nama", "Pertanyaan"]
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    summary = table[0]
    assert summary["Bagian"] == "Ringkasan"
    assert (summary["Pertanyaan"], summary["Ditolak"], summary["Dijawab"]) == ("6", "1", "4")
    assert summary["Persen dijawab"] == "80.0"
    assert summary["Persen tepat waktu"] == "60.0"
    assert summary["Median tanggapan pertama (jam)"] == "4.0"
    assert summary["Persentil 90 tanggapan pertama (jam)"] == "9.2"
    assert summary["Median jawaban (jam)"] == "72.0"
    assert summary["Persentil 90 jawaban (jam)"] == "278.7"
    assert summary["Rata-rata penilaian"] == "4.00"
    agencies = {row["Nama"]: row for row in table if row["Bagian"] == "Instansi"}
    # Officers get every cell, small ones included.
    assert agencies["Dinas Kesehatan"]["Median jawaban (jam)"] == "72.0"
    assert agencies["Belum ditentukan"]["Pertanyaan"] == "1"
    assert len([row for row in table if row["Bagian"] == "Bulan"]) == 12
    assert {row["Nama"] for row in table if row["Bagian"] == "Kecamatan"} == {
        "Gunungwungkal", "Tlogowungu"}


# --- privacy -----------------------------------------------------------------------------

def test_public_statistics_never_identify_a_thread_or_asker(client, app):
    secret_author = make_user(name="Sukarni Rahasiawati")
    on_behalf = "Mbah Wiryo Tersembunyi"
    cat = category("Kependudukan")
    secrets = []
    for index, visibility in enumerate((Visibility.PRIVATE, Visibility.ANONYMOUS,
                                        Visibility.PRIVATE)):
        item = thread(secret_author, cat, created=utc(2025, 2, 3 + index, 1),
                      visibility=visibility, title=f"Judul sangat rahasia {index}",
                      body="Isi pribadi yang tidak boleh bocor",
                      first_response=utc(2025, 2, 3 + index, 3),
                      answered=utc(2025, 2, 4 + index, 1), status=ThreadStatus.DIJAWAB,
                      rating=2)
        item.on_behalf_name = on_behalf
        secrets.append(item.code)
    db.session.commit()
    pages = [
        client.get("/statistik?periode=semua"),
        client.get("/statistik?periode=semua", headers=HX),
        client.get("/statistik?periode=semua&kecamatan=33.18.17"),
        client.get("/statistik?periode=semua&kecamatan=33.18.17", headers=HX),
    ]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Kependudukan" in html  # the category is public …
        assert ">3<" in html  # … and the questions are counted
        for secret in ("Sukarni", "Rahasiawati", "Judul sangat rahasia", "Isi pribadi",
                       "Wiryo", "TNY-", *secrets, secret_author.phone):
            assert secret not in html


def test_statistics_export_never_names_threads(client, app, petugas):
    fixture = hand_computed()
    login(client, petugas)
    text = client.get(STATS_CSV + "?periode=semua").get_data(as_text=True)
    assert "TNY-" not in text
    assert fixture["author"].name not in text
    assert "Pertanyaan nomor" not in text


def test_export_queries_do_not_grow_with_rows(client, app, petugas, query_counter):
    author = make_user()
    cat = category()
    login(client, petugas)
    bulk_threads(author, cat, 10, start=utc(2025, 1, 1, 0))
    with query_counter() as few:
        client.get(THREADS_CSV).get_data()
    bulk_threads(author, cat, 500, start=utc(2025, 2, 1, 0))
    with query_counter() as many:
        client.get(THREADS_CSV).get_data()
    assert len(few) == len(many)


def test_today_is_the_day_in_pati():
    from datetime import UTC, datetime

    # 18:00 UTC on 31 December is already 1 January in Pati.
    assert services.local_today(datetime(2025, 12, 31, 18, tzinfo=UTC)) == date(2026, 1, 1)
    assert services.month_start(date(2026, 1, 20), 11) == date(2025, 2, 1)
    assert services.month_start(date(2026, 1, 20), 13) == date(2024, 12, 1)
