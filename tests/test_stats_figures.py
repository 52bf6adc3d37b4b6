"""Each figure of the statistics against a fixture worked out by hand.

The six questions of `hand_computed()` (February 2025):

| | kec. | category | agency | first response | answer | due | answered by due? | rating |
|--|--|--|--|--|--|--|--|--|
| t1 | A | Kesehatan | Dinkes | 2 h | 48 h | 17 Feb | yes | 5 |
| t2 | A | Kesehatan | Dinkes | 4 h | 96 h | 18 Feb | yes | 3 |
| t3 | A | Pertanian | Dispertan | 1 h | 357 h | 21 Feb | no (22 Feb in Pati) | – |
| t4 | B | Pertanian | Dispertan | 10 h | – | 24 Feb | no (past due) | – |
| t5 | B | Kesehatan | – | – | – | – (rejected) | – | – |
| t6 | B | Pertanian | Dispertan | 8 h | 8 h | 26 Feb | yes | 4 |

Questions 6, rejected 1, accepted 5, answered 4 → 80 %. Due and decided 5, on time 3 → 60 %.
Rating (5 + 3 + 4) / 3 = 4.0. First response [1, 2, 4, 8, 10] h: median 4 h, p90 9.2 h.
Answer [8, 48, 96, 357] h: median 72 h, p90 96·0.3 + 357·0.7 = 278.7 h.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kim_app.common.workdays import add_working_days, working_days_between
from kim_app.extensions import db
from kim_app.models import Thread, ThreadStatus
from kim_app.stats import services
from kim_app.stats.services import StatsFilter, figures
from kim_app.stats.sql import seconds_between
from tests.conftest import HX, count_queries, make_user
from tests.stats_fixtures import (
    KEC_A,
    KEC_B,
    VILLAGE_A,
    category,
    hand_computed,
    thread,
    utc,
)

TODAY = date(2026, 1, 15)
ALL = StatsFilter(period="semua")
HOUR = 3600.0


def by_label(items):
    return {item.label: item for item in items}


def test_due_date_skips_the_weekend_in_the_fixture(app):
    # Friday 7 February 2025 + 10 working days: two weekends skipped.
    assert add_working_days(date(2025, 2, 7), 10) == date(2025, 2, 21)
    assert working_days_between(date(2025, 2, 7), date(2025, 2, 21)) == 10


def test_overall_figures(app):
    hand_computed()
    (overall,) = figures(ALL, TODAY)
    assert overall.total == 6
    assert overall.rejected == 1
    assert overall.accepted == 5
    assert overall.answered == 4
    assert overall.answered_share == pytest.approx(0.8)
    assert overall.due_total == 5
    assert overall.on_time == 3
    assert overall.on_time_share == pytest.approx(0.6)
    assert overall.rating_avg == pytest.approx(4.0)
    assert overall.rating_count == 3
    assert overall.first_median == pytest.approx(4 * HOUR)
    assert overall.first_p90 == pytest.approx(9.2 * HOUR)
    assert overall.answer_median == pytest.approx(72 * HOUR)
    assert overall.answer_p90 == pytest.approx(278.7 * HOUR)
    assert not overall.suppressed


def test_answer_on_the_due_date_in_pati_counts_as_on_time(app):
    fixture = hand_computed()
    # 16:59 UTC on the due date is still 23:59 on 21 February in Pati.
    fixture["t3"].answered_at = utc(2025, 2, 21, 16, 59)
    db.session.commit()
    (overall,) = figures(ALL, TODAY)
    assert overall.on_time == 4


def test_open_question_not_yet_due_is_not_counted_yet(app):
    hand_computed()
    # t4's due date (24 Feb 2025) has not come yet on 20 Feb 2025: only 4 decided.
    (overall,) = figures(ALL, date(2025, 2, 20))
    assert overall.due_total == 4
    assert overall.on_time == 3


def test_per_kecamatan(app):
    hand_computed()
    items = by_label(figures(ALL, TODAY, "kecamatan"))
    assert set(items) == {"Gunungwungkal", "Tlogowungu"}
    a, b = items["Gunungwungkal"], items["Tlogowungu"]
    assert (a.key, a.total, a.answered, a.due_total, a.on_time) == (KEC_A, 3, 3, 3, 2)
    assert a.rating_avg == pytest.approx(4.0)
    assert a.answer_median == pytest.approx(96 * HOUR)
    assert (b.key, b.total, b.rejected, b.answered, b.due_total, b.on_time) == (
        KEC_B, 3, 1, 1, 2, 1)
    assert b.answered_share == pytest.approx(0.5)
    assert b.answer_median == pytest.approx(8 * HOUR)
    assert b.first_median == pytest.approx(9 * HOUR)  # 8 h and 10 h


def test_per_category(app):
    hand_computed()
    items = by_label(figures(ALL, TODAY, "kategori"))
    kesehatan, pertanian = items["Kesehatan"], items["Pertanian"]
    assert (kesehatan.total, kesehatan.rejected, kesehatan.answered) == (3, 1, 2)
    assert kesehatan.answered_share == pytest.approx(1.0)
    assert kesehatan.answer_median == pytest.approx(72 * HOUR)
    assert (pertanian.total, pertanian.answered, pertanian.on_time, pertanian.due_total) == (
        3, 2, 1, 3)
    assert pertanian.rating_avg == pytest.approx(4.0)


def test_per_agency_with_small_cells_suppressed(app):
    hand_computed()
    items = by_label(figures(ALL, TODAY, "instansi"))
    assert set(items) == {"Dinas Kesehatan", "Dinas Pertanian", ""}
    dinkes = items["Dinas Kesehatan"]
    assert (dinkes.total, dinkes.answered, dinkes.on_time) == (2, 2, 2)
    assert dinkes.suppressed  # two questions: below the three-question threshold
    assert items[""].total == 1 and items[""].key is None and items[""].suppressed
    assert not items["Dinas Pertanian"].suppressed
    assert items["Dinas Pertanian"].answer_p90 == pytest.approx((0.1 * 8 + 0.9 * 357) * HOUR)
    unsuppressed = by_label(figures(ALL, TODAY, "instansi", suppress=False))
    assert not unsuppressed["Dinas Kesehatan"].suppressed


def test_kecamatan_filter_breaks_down_by_village(app):
    hand_computed()
    chosen = StatsFilter(period="semua", kecamatan=KEC_B)
    (overall,) = figures(chosen, TODAY)
    assert (overall.total, overall.answered) == (3, 1)
    villages = figures(chosen, TODAY, "desa")
    assert [item.key for item in villages] == ["33.18.14.2003"]


def test_period_filter(app):
    hand_computed()
    # 30 days up to 15 February 2025 (Pati): 17 January … 15 February → all six.
    assert figures(StatsFilter(period="30h"), date(2025, 2, 15))[0].total == 6
    # 30 days up to 13 March 2025 starts on 12 February (midnight in Pati): t6 only.
    assert figures(StatsFilter(period="30h"), date(2025, 3, 13))[0].total == 1
    # 12 months up to June 2026 start on 1 July 2025.
    assert figures(StatsFilter(period="12b"), date(2026, 6, 1))[0].total == 0
    assert figures(StatsFilter(period="12b"), date(2026, 1, 31))[0].total == 6


def test_empty_data(app):
    (overall,) = figures(ALL, TODAY)
    assert overall.total == 0
    assert overall.answered_share is None
    assert overall.on_time_share is None
    assert overall.rating_avg is None
    assert overall.first_median is None and overall.answer_p90 is None
    assert figures(ALL, TODAY, "kecamatan") == []
    months = services.trend(ALL, TODAY)
    assert len(months) == 12 and all(month.figures.total == 0 for month in months)


def test_single_duration_is_its_own_median_and_p90(app):
    author = make_user()
    cat = category()
    thread(author, cat, created=utc(2025, 5, 1, 0), first_response=utc(2025, 5, 1, 3),
           answered=utc(2025, 5, 2, 0))
    db.session.commit()
    (overall,) = figures(ALL, TODAY)
    assert overall.first_median == overall.first_p90 == pytest.approx(3 * HOUR)
    assert overall.answer_median == pytest.approx(24 * HOUR)


def test_trend_covers_twelve_months_with_zero_months(app):
    author = make_user()
    cat = category()
    today = services.local_today()
    this_month = services.month_start(today)
    three_back = services.month_start(today, 3)
    thirteen_back = services.month_start(today, 13)
    thread(author, cat, created=utc(this_month.year, this_month.month, 1, 0))
    for hour in (1, 2):
        thread(author, cat, created=utc(three_back.year, three_back.month, 10, hour),
               answered=utc(three_back.year, three_back.month, 11, hour),
               status=ThreadStatus.DIJAWAB)
    thread(author, cat, created=utc(thirteen_back.year, thirteen_back.month, 10, 0))
    db.session.commit()
    months = services.trend(StatsFilter(), today)
    assert [month.month for month in months][0] == services.month_start(today, 11)
    assert months[-1].month == this_month
    totals = [month.figures.total for month in months]
    assert totals[-1] == 1
    assert totals[-4] == 2
    assert months[-4].figures.answered == 2
    assert sum(totals) == 3
    assert months[-4].figures.suppressed  # two questions


def test_kim_activity_counts_members_and_questions(app):
    from kim_app.models import (
        BusinessGroup,
        KimGroup,
        MemberRole,
        Membership,
        MembershipStatus,
        Product,
        ProductCategory,
    )

    author = make_user()
    cat = category()
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "bermi"))
    for status in (MembershipStatus.ACTIVE, MembershipStatus.ACTIVE, MembershipStatus.PENDING):
        db.session.add(Membership(user_id=make_user().id, group_id=group.id,
                                  role=MemberRole.ANGGOTA, status=status))
    thread(author, cat, created=utc(2025, 2, 1, 0), kim=group)
    for number, name in enumerate(("Batik Bermi", "Kopi Bermi")):
        business = BusinessGroup(kim_group_id=group.id, name=name, slug=f"usaha-{number}",
                                 sector=ProductCategory.MAKANAN, whatsapp="+6281200000000")
        db.session.add(business)
        db.session.flush()
        for index, published in enumerate((True, True, False)[number:]):
            db.session.add(Product(business_group_id=business.id, name=f"Produk {index}",
                                   slug=f"produk-{index}", price=10_000, unit="pcs",
                                   category=ProductCategory.MAKANAN, published=published))
    from kim_app.models import Announcement, Relay

    officer = make_user()
    for number, published in enumerate((utc(2025, 3, 1, 0), utc(2026, 5, 1, 0))):
        announcement = Announcement(author_id=officer.id, title=f"Info {number}", body="Isi")
        db.session.add(announcement)
        db.session.flush()
        db.session.add(Relay(announcement_id=announcement.id, group_id=group.id,
                             relayed_by_id=author.id, created_at=published))
    db.session.commit()
    rows = {row.slug: row for row in services.kim_activity(ALL, TODAY)}
    assert len(rows) == 18
    assert rows["bermi"].relays == 2
    assert sum(row.relays for row in rows.values()) == 2
    assert (rows["bermi"].members, rows["bermi"].questions) == (2, 1)
    # Two business groups; published products 2 + 1 (drafts are not counted).
    assert (rows["bermi"].business_groups, rows["bermi"].products) == (2, 3)
    assert sum(row.products for row in rows.values()) == 3
    assert sum(row.questions for row in rows.values()) == 1
    recent = {row.slug: row for row in services.kim_activity(StatsFilter(), date(2026, 6, 1))}
    assert recent["bermi"].questions == 0  # asked more than 12 months before TODAY
    assert recent["bermi"].relays == 1  # one of the two relays is within the 12 months


def test_percentiles_match_postgresql_percentile_cont(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("percentile_cont exists on PostgreSQL only")
    author = make_user()
    cat = category()
    start = utc(2025, 1, 1, 0)
    for index, hours in enumerate((3, 7, 7, 12, 30, 31, 50, 90, 91, 200, 201)):
        thread(author, cat, created=start + timedelta(days=index),
               answered=start + timedelta(days=index, hours=hours))
    db.session.commit()
    seconds = seconds_between(Thread.created_at, Thread.answered_at)
    expected = db.session.execute(select(
        func.percentile_cont(0.5).within_group(seconds),
        func.percentile_cont(0.9).within_group(seconds),
    )).one()
    (overall,) = figures(ALL, TODAY)
    assert overall.answer_median == pytest.approx(float(expected[0]))
    assert overall.answer_p90 == pytest.approx(float(expected[1]))


def test_page_shows_the_figures(client, app):
    hand_computed()
    response = client.get("/statistik?periode=semua")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in html
    assert "80%" in html  # answered
    assert "60%" in html  # on time
    assert "4,0" in html  # rating (Indonesian decimal comma)
    assert "4 jam" in html  # median first response
    assert "3 hari" in html  # median answer (72 h)
    assert "11,6 hari" in html  # p90 answer (278.7 h)
    assert "Gunungwungkal" in html and "Tlogowungu" in html
    assert "Dinas Pertanian" in html and "Belum ditentukan" in html
    assert 'value="semua" selected' in html


def test_page_in_english(client, app):
    hand_computed()
    client.post("/bahasa", data={"lang": "en", "next": "/statistik"})
    html = client.get("/statistik?periode=semua").get_data(as_text=True)
    assert "4.0" in html and "3 days" in html


def test_page_with_no_data(client):
    response = client.get("/statistik")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Belum ada pertanyaan pada periode ini." in html
    assert html.count("<svg") >= 3  # the trend charts and the KIM chart still draw


def test_small_cells_hide_their_derived_figures_on_the_page(client, app):
    author = make_user()
    cat = category("Air Bersih")
    thread(author, cat, created=utc(2025, 2, 3, 1), first_response=utc(2025, 2, 3, 2),
           answered=utc(2025, 2, 3, 3), rating=1, status=ThreadStatus.DIJAWAB)
    db.session.commit()
    html = client.get("/statistik?periode=semua").get_data(as_text=True)
    assert "angka rinci disembunyikan" in html
    assert ">100%<" not in html  # the one question's answered share
    assert "1,0" not in html  # its rating
    assert "2 jam" not in html and "1 jam" not in html


def test_filter_by_htmx_returns_the_fragment(client, app):
    hand_computed()
    response = client.get(f"/statistik?periode=semua&kecamatan={KEC_B}", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="stats-figures"')
    assert "Per desa/kelurahan" in html
    assert "Tlogowungu" in html
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"


def test_filter_without_js_is_a_full_page(client, app):
    hand_computed()
    response = client.get(f"/statistik?periode=semua&kecamatan={KEC_A}")
    html = response.get_data(as_text=True)
    assert "<html" in html
    assert f'value="{KEC_A}" selected' in html
    assert 'hx-push-url="true"' in html
    assert 'action="/statistik" method="get"' in html


def test_unknown_filters_fall_back_to_defaults(client):
    response = client.get("/statistik?periode=<script>&kecamatan=99.99")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>" not in html
    assert 'value="12b" selected' in html


def test_charts_have_tables_and_no_inline_style(client, app):
    hand_computed()
    html = client.get("/statistik?periode=semua").get_data(as_text=True)
    assert html.count('<svg class="chart') == html.count('role="img"') >= 5  # icons aside
    assert html.count("<table") >= 5
    assert "style=" not in html
    assert "<script>" not in html


def test_statistik_link_in_header(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/statistik"' in html


@pytest.mark.parametrize("village", [VILLAGE_A])
def test_statistik_queries_do_not_grow_with_data(client, app, query_counter, village):
    from tests.stats_fixtures import bulk_threads

    author = make_user()
    cat = category()
    start = utc(2025, 6, 1, 0)
    bulk_threads(author, cat, 20, start=start, village=village)
    with query_counter() as small:
        assert client.get("/statistik?periode=semua").status_code == 200
    bulk_threads(author, cat, 180, start=start + timedelta(days=30), village=village)
    with query_counter() as large:
        assert client.get("/statistik?periode=semua").status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 14 + 7  # 7: the business figures (stats.business.public_business)


def test_light_breakdown_computes_only_the_median_answer(app):
    hand_computed()
    full = by_label(figures(ALL, TODAY, "kecamatan"))
    light = by_label(figures(ALL, TODAY, "kecamatan", full=False))
    for name in ("Gunungwungkal", "Tlogowungu"):
        assert light[name].answer_median == pytest.approx(full[name].answer_median)
        assert light[name].total == full[name].total
        assert light[name].first_median is None and light[name].answer_p90 is None


def test_public_figures_are_cached_per_filter(app_factory, query_counter):
    from kim_app.stats.services import public_cache

    app = app_factory(STATS_CACHE_SECONDS=300)
    public_cache.clear()
    client = app.test_client()
    with app.app_context():
        hand_computed()
        with count_queries(db.engine) as first:
            html = client.get("/statistik?periode=semua").get_data(as_text=True)
        assert "80%" in html
        with count_queries(db.engine) as second:
            html = client.get("/statistik?periode=semua", headers=HX).get_data(as_text=True)
        assert "80%" in html
        assert len(second) == 1 < len(first)  # only the kecamatan list for the filter
        with count_queries(db.engine) as other:
            client.get(f"/statistik?periode=semua&kecamatan={KEC_A}")
        assert len(other) == len(first)  # another filter is computed afresh
        # Labels are not frozen into the cache in the first reader's language.
        client.post("/bahasa", data={"lang": "en", "next": "/statistik"})
        html = client.get("/statistik?periode=semua").get_data(as_text=True)
        assert "Not yet decided" in html and "Belum ditentukan" not in html
    public_cache.clear()


def test_number_and_duration_formats(app):
    from kim_app.stats import duration, number, percent

    with app.test_request_context("/statistik"):
        assert number(100000) == "100.000"
        assert duration(None) == "–"
        assert duration(30 * 60) == "30 menit"
        assert duration(5.5 * HOUR) == "5,5 jam"
        assert duration(47 * HOUR) == "47 jam"
        assert duration(72 * HOUR) == "3 hari"
        assert percent(2 / 3) == "67%"
        assert percent(None) == "–"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_whole_numbers_and_rupiah_read_as_babel_writes_them(app, locale):
    """`number` and `rupiah` group whole numbers themselves (a page of figures asks for
    thousands); the text is Babel's, in both languages and for negative numbers."""
    from babel.numbers import format_currency
    from flask_babel import force_locale, format_decimal

    from kim_app.stats import number
    from kim_app.templating import rupiah

    values = [0, 7, 999, 1000, -1000, 25_000, -1_234_567, 10**9 + 7, 2.5]
    with app.test_request_context("/statistik"), force_locale(locale):
        for value in values:
            assert number(value) == format_decimal(value, format="#,##0")
            if value >= 0:
                assert rupiah(value) == format_currency(
                    value, "IDR", format="¤\u00a0#,##0", locale="id_ID", currency_digits=False)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_shares_ratings_and_durations_read_as_babel_writes_them(app, locale):
    """`percent`, `decimal` and the hours and days of `duration` write the figures'
    patterns themselves (a page of figures, computed afresh, asks for hundreds); the text
    is Babel's in both languages, halves rounded as Babel rounds them, and negative
    numbers still go to Babel."""
    import random

    from flask_babel import force_locale, format_decimal, format_percent

    from kim_app.stats import DAY, HOUR, decimal, duration, percent

    generator = random.Random(7)
    values = [0, 1e-7, 0.005, 0.125, 0.135, 0.5, 2 / 3, 1, 1.25, 1.35, 2.05, 2.45, 12.5,
              999.95, 1234.56, 99999.95, 123456.789, -0.125, -2.45, -1234.5]
    values += [generator.uniform(0, 2) for _ in range(300)]
    values += [generator.uniform(0, 50_000) for _ in range(300)]
    values += [round(generator.uniform(0, 100), 2) + 0.005 for _ in range(100)]
    with app.test_request_context("/statistik"), force_locale(locale):
        for value in values:
            assert percent(value) == format_percent(value, "#,##0%"), value
            assert decimal(value) == format_decimal(value, "#,##0.0"), value
            hours = HOUR + abs(value) % (2 * DAY - HOUR)
            assert duration(hours).split()[0] == format_decimal(hours / HOUR, "#,##0.#")
            days = 2 * DAY + abs(value) * DAY
            assert duration(days).split()[0] == format_decimal(days / DAY, "#,##0.#")


def test_the_section_of_figures_is_rendered_once_per_language_and_reader_kind(
        app_factory, petugas):
    """Full page and htmx fragment show one rendering of the figures, kept in the cache
    beside them; another language and an officer (who gets the CSV link) have their own."""
    from flask import template_rendered

    from kim_app.stats.services import public_cache
    from tests.conftest import login

    app = app_factory(STATS_CACHE_SECONDS=300)
    public_cache.clear()
    rendered = []

    def record(_sender, template, context, **_extra):
        if template.name == "stats/_figures.html":
            rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        with app.app_context():
            hand_computed()
            guest = app.test_client()
            page = guest.get("/statistik?periode=semua").get_data(as_text=True)
            fragment = guest.get("/statistik?periode=semua", headers=HX).get_data(as_text=True)
            assert len(rendered) == 1
            assert fragment.strip() in page
            assert "80%" in fragment and "usaha.csv" not in fragment
            guest.post("/bahasa", data={"lang": "en", "next": "/statistik"})
            english = guest.get("/statistik?periode=semua", headers=HX).get_data(as_text=True)
            assert "Not yet decided" in english and len(rendered) == 2
            officer = app.test_client()
            login(officer, petugas)
            html = officer.get("/statistik?periode=semua").get_data(as_text=True)
            assert "usaha.csv" in html and len(rendered) == 3
            assert "usaha.csv" not in guest.get("/statistik?periode=semua").get_data(
                as_text=True)
    finally:
        template_rendered.disconnect(record, app)
        public_cache.clear()
