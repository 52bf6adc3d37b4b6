"""The statistics' own rows (`stats.tally`): the public figures read from them equal the
figures computed from the threads directly, and every write of a thread keeps them so.

Runs on both databases (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""

from dataclasses import asdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kim_app.extensions import db
from kim_app.models import DayFigure, KimGroup, ThreadFigure, ThreadStatus, utcnow
from kim_app.stats import services, tally
from kim_app.stats.services import PERIODS, StatsFilter, figures
from kim_app.threads import lifecycle
from tests.conftest import count_queries, make_user
from tests.stats_fixtures import (
    KEC_A,
    KEC_B,
    VILLAGE_B,
    bulk_threads,
    category,
    hand_computed,
    thread,
    utc,
)
from tests.threads.conftest import agency, new_thread

S = ThreadStatus


def _plain(value):
    """Figures as plain data, durations to the millisecond, averages to 1e-9 (the two ways
    add in other orders)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return round(value, 3) if isinstance(value, float) else value


def direct(f: StatsFilter, today: date) -> dict:
    """What the public page shows, computed from the thread table (`figures`)."""
    area = "desa" if f.kecamatan else "kecamatan"
    return _plain({
        "overall": asdict(figures(f, today)[0]),
        "areas": [asdict(item) for item in figures(f, today, area, full=False)],
        "categories": [asdict(item) for item in figures(f, today, "kategori", full=False)],
        "agencies": [asdict(item) for item in figures(f, today, "instansi", full=False)],
        "months": [asdict(month) for month in services.trend(f, today, full=False)],
        "kims": [asdict(kim) for kim in services.kim_activity(f, today)],
    })


def from_rows(f: StatsFilter, today: date) -> dict:
    data = services.public_figures(f, today)
    return _plain({
        "overall": asdict(data.overall),
        "areas": [asdict(item) for item in data.areas],
        "categories": [asdict(item) for item in data.categories],
        "agencies": [asdict(item) for item in data.agencies],
        "months": [asdict(month) for month in data.months],
        "kims": [asdict(kim) for kim in data.kims],
    })


def rows_snapshot() -> tuple[list, list]:
    figure = sorted(tuple(row) for row in db.session.execute(
        select(*ThreadFigure.__table__.c)))
    day_columns = [c for c in DayFigure.__table__.c if c.name != "id"]
    days = sorted((tuple("" if v is None else v for v in row) for row in db.session.execute(
        select(*day_columns))), key=repr)
    return figure, days


def assert_rows_are_current() -> None:
    """The rows kept by the writes are those a rebuild from the threads makes."""
    kept = rows_snapshot()
    tally.rebuild(db.session.connection())
    assert rows_snapshot() == kept


def assert_page_equals_direct(today: date, filters=((None,), (KEC_A,), (KEC_B,))) -> None:
    for period in PERIODS:
        for (kecamatan,) in filters:
            chosen = StatsFilter(period=period, kecamatan=kecamatan)
            assert from_rows(chosen, today) == direct(chosen, today), (period, kecamatan)


def _spread(today: date):
    """The hand-computed February 2025 questions, and more across the trend's months, two
    kecamatan, open and overdue ones, one asked through a KIM."""
    fixture = hand_computed()
    author = fixture["author"]
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "bermi"))
    for back in (0, 1, 2, 5, 11, 13):
        day = today - timedelta(days=3 + 30 * back)
        created = utc(day.year, day.month, day.day, 3)
        thread(author, fixture["pertanian"], created=created, agency_=fixture["dispertan"],
               answered=created + timedelta(hours=5 + back), status=S.DIJAWAB,
               first_response=created + timedelta(hours=1), answer_due=day + timedelta(10),
               kim=group if back % 2 else None, rating=1 + back % 5)
        thread(author, fixture["kesehatan"], created=created - timedelta(days=1),
               village=VILLAGE_B, status=S.DIPROSES, agency_=fixture["dinkes"],
               first_response=created + timedelta(hours=2),
               answer_due=today - timedelta(days=back - 3))
        thread(author, fixture["kesehatan"], created=created - timedelta(days=2),
               status=S.BARU, verify_due=today + timedelta(days=1 - back))
    # Asked in the last days (inside "30 hari terakhir"), one answered the same hour.
    recent = utcnow() - timedelta(days=2)
    thread(author, fixture["kesehatan"], created=recent, status=S.SELESAI,
           first_response=recent + timedelta(minutes=20),
           answered=recent + timedelta(minutes=50), answer_due=today, rating=4)
    db.session.commit()
    return fixture


def test_figures_from_the_rows_equal_the_direct_computation(app):
    today = services.local_today()
    _spread(today)
    assert_rows_are_current()
    assert_page_equals_direct(today)


def test_an_empty_database_gives_the_same_empty_figures(app):
    today = services.local_today()
    assert_page_equals_direct(today, filters=((None,), (KEC_A,)))
    assert services.public_figures(StatsFilter(), today).overall.total == 0


def test_every_lifecycle_step_keeps_the_rows_current(app, petugas):
    """Asking, verifying, assigning, answering, closing with a rating, reopening,
    rejecting, editing and deleting: after each, the rows equal a rebuild and the page
    figures equal the direct ones."""
    today = services.local_today()
    asker = make_user(name="Penanya Statistik")
    everything = StatsFilter(period="semua")

    def check():
        assert_rows_are_current()
        assert_page_equals_direct(today, filters=((None,), (KEC_A,)))
        return services.public_figures(everything, today).overall

    question = new_thread(asker)  # a new thread
    overall = check()
    assert (overall.total, overall.waiting, overall.answered) == (1, 1, 0)
    lifecycle.verify(question, petugas)
    db.session.commit()
    assert check().first_median is not None  # the verification was the first response
    lifecycle.assign(question, petugas, agency(), petugas)
    db.session.commit()
    check()
    agencies = services.public_figures(everything, today).agencies
    assert [item.label for item in agencies] == [agency().name]
    lifecycle.answer(question, petugas, "Posyandu buka lagi mulai Senin depan.")
    db.session.commit()
    overall = check()
    assert (overall.answered, overall.waiting, overall.on_time) == (1, 0, 1)
    assert overall.answer_median is not None
    lifecycle.close(question, asker, 4)
    db.session.commit()
    assert check().rating_avg == pytest.approx(4.0)
    lifecycle.reopen(question, petugas, "Belum tuntas.")
    db.session.commit()
    assert check().waiting == 1
    spam = new_thread(asker, title="Iklan obat kuat murah sekali")
    lifecycle.reject(spam, petugas, "spam", "Iklan")
    db.session.commit()
    assert check().rejected == 1
    # An edit of where it was asked and when (an admin's correction, the demo).
    spam.village_code = VILLAGE_B
    spam.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    check()
    assert KEC_B in {item.key for item in services.public_figures(everything, today).areas}
    db.session.delete(spam)
    db.session.commit()
    overall = check()
    assert (overall.total, overall.rejected) == (1, 0)


def test_writes_that_change_nothing_counted_leave_the_rows_alone(app, petugas):
    asker = make_user()
    question = new_thread(asker)
    with count_queries(db.engine) as statements:
        question.last_activity_at = utcnow()
        question.title = "Posyandu tutup sejak dua bulan lalu"
        db.session.commit()
    assert not [sql for sql in statements if "thread_figure" in sql]
    with count_queries(db.engine) as statements:
        lifecycle.verify(question, petugas)
        db.session.commit()
    assert [sql for sql in statements if "thread_figure" in sql]


def test_the_page_shows_what_a_write_changed(client, petugas):
    asker = make_user()
    question = new_thread(asker)
    new_thread(asker, title="Jalan desa rusak di dekat balai")
    new_thread(asker, title="Lampu jalan padam sejak seminggu")
    html = client.get("/statistik").get_data(as_text=True)
    assert "0 dari 3 pertanyaan" in html
    for step in (lambda: lifecycle.verify(question, petugas),
                 lambda: lifecycle.assign(question, petugas, agency(), petugas),
                 lambda: lifecycle.answer(question, petugas, "Sudah dibuka lagi.")):
        step()
        db.session.commit()
    html = client.get("/statistik").get_data(as_text=True)
    assert "1 dari 3 pertanyaan" in html  # answered 1 of 3 accepted
    assert "33%" in html


def test_rebuild_from_the_shell(app, runner):
    today = services.local_today()
    author = make_user()
    bulk_threads(author, category(), 12, start=utc(2025, 6, 1, 0))
    db.session.execute(ThreadFigure.__table__.delete())
    db.session.execute(DayFigure.__table__.delete())
    db.session.commit()
    assert services.public_figures(StatsFilter(period="semua"), today).overall.total == 0
    result = runner.invoke(args=["rebuild-stats"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert services.public_figures(StatsFilter(period="semua"), today).overall.total == 12
    assert_page_equals_direct(today, filters=((None,), (KEC_A,)))


def test_percentiles_read_at_their_ranks_are_the_interpolated_ones(app):
    """For the whole regency the page reads each group's percentiles at the ranks the day
    sums give (the long periods, the trend's months); the values are exactly those of the
    direct computation, for groups of one, two and many durations, an agency's and the
    unassigned ones, the medians and the whole's 90th percentiles."""
    today = services.local_today()
    author = make_user()
    health, farming = category(), category("Pertanian")
    month_ago = utcnow() - timedelta(days=40)
    bulk_threads(author, health, 1, start=month_ago)  # one answered question
    bulk_threads(author, farming, 4, start=month_ago - timedelta(days=3), village=VILLAGE_B,
                 agency_id=agency().id)  # two answered
    bulk_threads(author, health, 31, start=month_ago - timedelta(days=200))
    bulk_threads(author, farming, 40, start=month_ago - timedelta(days=500),
                 village=VILLAGE_B, agency_id=agency().id)
    for period in ("12b", "semua"):
        chosen = StatsFilter(period=period)
        page = services.public_figures(chosen, today)
        (whole,) = figures(chosen, today)
        assert (page.overall.first_median, page.overall.first_p90, page.overall.answer_median,
                page.overall.answer_p90) == (whole.first_median, whole.first_p90,
                                             whole.answer_median, whole.answer_p90)
        for items, dimension in ((page.areas, "kecamatan"), (page.categories, "kategori"),
                                 (page.agencies, "instansi")):
            direct_medians = {item.key: item.answer_median
                              for item in figures(chosen, today, dimension, full=False)}
            assert {item.key: item.answer_median for item in items} == direct_medians
        trend = services.trend(chosen, today, full=False)
        assert [month.figures.answer_median for month in page.months] == [
            month.figures.answer_median for month in trend]
        assert len({month.figures.answer_median for month in page.months}) > 2


@pytest.mark.parametrize("kecamatan", [None, KEC_A])
def test_public_figures_take_four_queries_at_any_size(app, kecamatan):
    """Counts, what depends on today, the times, the KIM activity: four queries whatever
    the number of threads, days or groups."""
    author = make_user()
    cat = category()
    chosen = StatsFilter(period="semua", kecamatan=kecamatan)
    today = services.local_today()
    bulk_threads(author, cat, 10, start=utc(2025, 6, 1, 0))
    with count_queries(db.engine) as small:
        services.public_figures(chosen, today)
    other = category("Pertanian")
    bulk_threads(author, other, 150, start=utc(2025, 1, 1, 0))
    bulk_threads(author, cat, 150, start=utc(2026, 3, 1, 0), village=VILLAGE_B)
    with count_queries(db.engine) as large:
        data = services.public_figures(chosen, today)
    assert len(small) == len(large) == 4
    assert data.overall.total == (310 if kecamatan is None else 160)


def test_the_cached_figures_are_the_figures_and_asdict_s_json(app):
    """What the shared cache keeps (`_encode`) is `asdict`'s JSON without its deep copies,
    and reads back (`_decode`) as the same figures."""
    import json

    today = services.local_today()
    _spread(today)
    data = services.public_figures(StatsFilter(), today)
    assert data.areas and data.months and data.kims  # something in every list
    old = asdict(data)
    old["computed_at"] = data.computed_at.isoformat()
    for month in old["months"]:
        month["month"] = month["month"].isoformat()
    encoded = services._encode(data)
    assert json.loads(json.dumps(encoded)) == json.loads(json.dumps(old))
    assert services._decode(json.loads(json.dumps(encoded))) == data
