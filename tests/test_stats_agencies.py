"""Agency responsiveness at /statistik/instansi/: every figure against a hand-computed
fixture, working days across Christmas, grades at their boundaries, the sortable table,
and that private, anonymous and unverified questions are counted but never shown.

The fixture ("today" is Friday 15 January 2027; the 12 months start 1 February 2026).
Dinas Uji Cepat (X), times in UTC (WIB = UTC+7, all on the same local day):

      asked            first response   answer          due          visibility  status
  t1  Thu 24 Dec 2026  Mon 28 Dec (1)   Tue 29 Dec (2)  8 Jan 2027   public      selesai, 5
  t2  Mon  2 Nov 2026  same day   (0)   Mon  9 Nov (5)  16 Nov       anonymous   selesai, 4
  t3  Mon  5 Oct 2026  Wed  7 Oct (2)   Mon 26 Oct (15) 19 Oct       private     selesai, 2
  t4  Tue  1 Dec 2026  Thu  3 Dec (2)   –               15 Dec       public      diproses
  t5  Tue 12 Jan 2027  –                –               (verify 15 Jan) public   baru
  t6  Tue  1 Sep 2026  Thu  3 Sep (2)   Thu  3 Sep (2)  15 Sep       public      selesai

(working days in brackets: 25 December is a holiday, 26–27 a weekend, so Thursday 24 to
Monday 28 is one working day.)

- received 6; judged (answered or past due) t1 t2 t3 t4 t6 = 5; on time t1 t2 t6 = 3 → 60 %
- first response 0, 1, 2, 2, 2 → median 2; answer 2, 2, 5, 15 → median 3.5
- rating (5 + 4 + 2) / 3; overdue now: t4 (due 15 Dec, still diproses)
- grade: 60 % on time (C's least) and 3.5 ≤ 10 days → C, exactly at the boundary
- linked: t1 and t6 (public, verified, answered); t2 t3 t5 counted, never shown

Dinas Uji Sepi (Y): two answered public questions → fewer than 3: count only, no grade.
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from kim_app.common.workdays import working_days_between
from kim_app.extensions import db
from kim_app.models import Agency, Role, ThreadStatus, Visibility
from kim_app.stats import agencies, services
from kim_app.stats.services import StatsFilter
from tests.conftest import count_queries, make_user
from tests.stats_fixtures import agency, category, thread, utc

TODAY = date(2027, 1, 15)
YEAR = StatsFilter(period="12b")
S = ThreadStatus


def build(fast=None):
    author = make_user(Role.WARGA, name="Penanya Rahasia")
    cat = category("Uji Instansi")
    fast = fast or agency("Dinas Uji Cepat", slug="dinas-uji-cepat")
    quiet = agency("Dinas Uji Sepi", slug="dinas-uji-sepi")
    done = {"status": S.SELESAI, "agency_": fast}
    t = {
        "t1": thread(author, cat, created=utc(2026, 12, 24, 2), first_response=utc(2026, 12, 28, 3),
                     answered=utc(2026, 12, 29, 3), answer_due=date(2027, 1, 8), rating=5,
                     title="Jalan rusak di Gunungwungkal", **done),
        "t2": thread(author, cat, created=utc(2026, 11, 2, 2), first_response=utc(2026, 11, 2, 5),
                     answered=utc(2026, 11, 9, 3), answer_due=date(2026, 11, 16), rating=4,
                     visibility=Visibility.ANONYMOUS, title="Pertanyaan anonim rahasia",
                     **done),
        "t3": thread(author, cat, created=utc(2026, 10, 5, 2), first_response=utc(2026, 10, 7, 3),
                     answered=utc(2026, 10, 26, 3), answer_due=date(2026, 10, 19), rating=2,
                     visibility=Visibility.PRIVATE, title="Pertanyaan pribadi rahasia",
                     **done),
        "t4": thread(author, cat, created=utc(2026, 12, 1, 2), first_response=utc(2026, 12, 3, 3),
                     answer_due=date(2026, 12, 15), status=S.DIPROSES, agency_=fast,
                     title="Masih diproses"),
        "t5": thread(author, cat, created=utc(2027, 1, 12, 2), verify_due=date(2027, 1, 15),
                     status=S.BARU, agency_=fast, title="Belum diverifikasi rahasia"),
        "t6": thread(author, cat, created=utc(2026, 9, 1, 2), first_response=utc(2026, 9, 3, 3),
                     answered=utc(2026, 9, 3, 3), answer_due=date(2026, 9, 15),
                     title="Lampu jalan mati", **done),
    }
    for day in (3, 4):
        thread(author, cat, created=utc(2026, 6, day, 2), answered=utc(2026, 6, day + 1, 2),
               first_response=utc(2026, 6, day, 3), answer_due=date(2026, 6, 20),
               status=S.SELESAI, agency_=quiet)
    db.session.commit()
    return {"fast": fast, "quiet": quiet, **t}


@pytest.fixture
def in_fixture_time(monkeypatch):
    """The pages' "today" is the fixture's."""
    real = services.local_today
    monkeypatch.setattr(services, "local_today",
                        lambda now=None: TODAY if now is None else real(now))


def by_slug(items):
    return {item.slug: item for item in items}


def test_working_days_across_christmas_match_the_calendar(app):
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 1
    assert working_days_between(date(2026, 10, 5), date(2026, 10, 26)) == 15
    calendar_rows = {day: n for day, n in db.session.execute(select(agencies.calendar(
        date(2026, 12, 23), date(2026, 12, 29))))}
    assert calendar_rows[date(2026, 12, 28)] - calendar_rows[date(2026, 12, 24)] == 1
    assert calendar_rows[date(2026, 12, 25)] == calendar_rows[date(2026, 12, 24)]


def test_every_figure_of_an_agency(app):
    built = build()
    x = by_slug(agencies.agency_figures(YEAR, TODAY))["dinas-uji-cepat"]
    assert (x.received, x.answered, x.due_total, x.on_time) == (6, 4, 5, 3)
    assert x.on_time_share == pytest.approx(0.60)
    assert x.first_days == pytest.approx(2.0)
    assert x.answer_days == pytest.approx(3.5)
    assert x.rating_avg == pytest.approx(11 / 3) and x.rating_count == 3
    assert x.overdue_now == 1
    assert x.grade == "C" and not x.suppressed
    y = by_slug(agencies.agency_figures(YEAR, TODAY))["dinas-uji-sepi"]
    assert (y.received, y.suppressed, y.grade) == (2, True, None)
    assert built["fast"].id != built["quiet"].id


def test_the_period_and_the_trend(app):
    build()
    last_90 = by_slug(agencies.agency_figures(StatsFilter(period="90h"), TODAY))
    x = last_90["dinas-uji-cepat"]  # from 18 October: t1, t2, t4, t5
    assert (x.received, x.due_total, x.on_time) == (4, 3, 2)
    assert x.first_days == pytest.approx(1.0)  # 0, 1, 2
    assert x.answer_days == pytest.approx(3.5)  # 2, 5
    assert x.overdue_now == 1  # overdue now does not depend on the period
    fast = db.session.scalars(select(Agency).where(Agency.slug == "dinas-uji-cepat")).one()
    page = agencies.agency_page(fast, YEAR, TODAY)
    months = {f"{m.month:%Y-%m}": (m.figures.total, m.figures.answered) for m in page.months}
    assert len(months) == 12 and "2027-01" in months
    assert months["2026-12"] == (2, 1) and months["2026-09"] == (1, 1)
    assert months["2027-01"] == (1, 0) and months["2026-02"] == (0, 0)
    assert [r.title for r in page.recent] == ["Jalan rusak di Gunungwungkal", "Lampu jalan mati"]
    assert page.not_shown == 3
    # The last 30 days (from 17 December): t1 shown, t5 (baru) counted only.
    recent = agencies.agency_page(fast, StatsFilter(period="30h"), TODAY)
    assert [r.title for r in recent.recent][:1] == ["Jalan rusak di Gunungwungkal"]
    assert recent.not_shown == 1


@pytest.mark.parametrize(("share", "days", "judged", "expected"), [
    (0.90, 5, 5, "A"), (1.0, 0, 5, "A"),
    (0.8999, 5, 5, "B"), (0.90, 5.5, 5, "B"), (0.75, 8, 5, "B"),
    (0.7499, 8, 5, "C"), (0.75, 8.5, 5, "C"), (0.60, 10, 5, "C"),
    (0.5999, 1, 5, "D"), (0.60, 10.5, 5, "D"), (0.40, 30, 5, "D"), (0.40, None, 5, "D"),
    (0.3999, 0, 5, "E"), (0.0, None, 5, "E"),
    (1.0, 1, 4, None), (None, None, 9, None),
])
def test_grades_at_their_boundaries(share, days, judged, expected):
    assert agencies.grade(share, days, judged) == expected


def test_the_page_lists_every_agency_with_the_rule_written(client, in_fixture_time):
    build()
    html = client.get("/statistik/instansi/?periode=semua").get_data(as_text=True)
    assert 'id="agency-dinas-uji-cepat"' in html and 'id="agency-dinas-uji-sepi"' in html
    assert "Dinas Kesehatan" in html or "Dinkes" in html  # seeded agencies, even empty
    row = html[html.index('id="agency-dinas-uji-cepat"'):]
    row = row[:row.index("</tr>")]
    assert ">C<" in row and "60%" in row and "3,5" in row and ">2,0<" in row
    assert 'id="grade-rules"' in html and "paling sedikit 60% dijawab tepat waktu" in html
    assert "rahasia" not in html.lower()


def test_sorting_by_a_column_both_ways(client, in_fixture_time):
    build()

    def order(query):
        html = client.get(f"/statistik/instansi/?periode=semua&{query}").get_data(as_text=True)
        return [slug for slug in ("dinas-uji-cepat", "dinas-uji-sepi")
                if f'id="agency-{slug}"' in html] and sorted(
            ("dinas-uji-cepat", "dinas-uji-sepi"), key=lambda s: html.index(f'id="agency-{s}"'))

    assert order("urut=pertanyaan&arah=turun") == ["dinas-uji-cepat", "dinas-uji-sepi"]
    assert order("urut=pertanyaan&arah=naik") == ["dinas-uji-sepi", "dinas-uji-cepat"]
    assert order("urut=nilai") == ["dinas-uji-cepat", "dinas-uji-sepi"]  # ungraded last
    assert order("urut=tidak-ada&arah=kemana")  # unknown: the default, no error
    fragment = client.get("/statistik/instansi/?urut=nama", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="agency-table"')
    assert 'aria-sort="ascending"' in fragment.get_data(as_text=True)


def test_agency_page_links_only_public_verified_questions(client, in_fixture_time):
    built = build()
    response = client.get("/statistik/instansi/dinas-uji-cepat?periode=semua")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in ("t1", "t6"):
        assert f'href="/tanya/{built[shown].code}"' in html
    for hidden in ("t2", "t3", "t5"):
        assert built[hidden].code not in html
    assert "rahasia" not in html.lower()
    assert "3 pertanyaan lain" in html
    assert 'id="agency-trend-table"' in html and 'id="grade-rules"' in html
    assert client.get("/statistik/instansi/tidak-ada").status_code == 404
    assert client.get("/statistik/instansi/" + "x" * 3000).status_code == 404


def test_the_pages_take_the_same_queries_whatever_the_data(client, in_fixture_time):
    def queries(path):
        with count_queries(db.engine) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    fast = agency("Dinas Uji Cepat", slug="dinas-uji-cepat")
    empty = (queries("/statistik/instansi/"), queries("/statistik/instansi/dinas-uji-cepat"))
    build(fast)
    assert (queries("/statistik/instansi/"),
            queries("/statistik/instansi/dinas-uji-cepat")) == empty


def test_cached_pages_come_back_the_same(client, app, in_fixture_time, monkeypatch):
    build()
    monkeypatch.setitem(app.config, "STATS_CACHE_SECONDS", 300)
    for path in ("/statistik/instansi/?periode=semua",
                 "/statistik/instansi/dinas-uji-cepat?periode=semua",
                 "/statistik?periode=semua"):
        first = client.get(path).get_data(as_text=True)
        with count_queries(db.engine) as statements:
            again = client.get(path).get_data(as_text=True)
        assert again == first
        assert not any("thread" in statement for statement in statements)


def test_a_question_hidden_by_a_moderator_is_counted_but_not_linked(client, in_fixture_time):
    built = build()
    built["t1"].hidden_at = datetime(2027, 1, 2, tzinfo=UTC)
    db.session.commit()
    html = client.get("/statistik/instansi/dinas-uji-cepat?periode=semua").get_data(
        as_text=True)
    assert built["t1"].code not in html and f'href="/tanya/{built["t6"].code}"' in html
    assert "4 pertanyaan lain" in html
    x = by_slug(agencies.agency_figures(YEAR, TODAY))["dinas-uji-cepat"]
    assert x.received == 6
