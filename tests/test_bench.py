"""The benchmark's own pieces: the data generator, the pages it loads, its table.

Timings are never asserted here (they belong to `make bench`); these tests only show that
the generator builds a consistent dataset on the test database, that every page the
runner loads answers on it, and that the runner reads wrk and prints its table.
"""

import pytest
from sqlalchemy import func, select

from bench import generate, stats_cold
from bench.run import PAGES, PageResult, Run, find_targets, parse_wrk, table
from kim_app.models import Notification, Post, Product, Thread, User


def _build_tiny(db) -> dict[str, int]:
    counts = generate.Generator(db.session.connection(), generate.SIZES["tiny"]).run()
    db.session.commit()
    return counts


def test_generator_builds_a_tiny_dataset(app, db):
    size = generate.SIZES["tiny"]
    counts = _build_tiny(db)

    assert counts["post"] == size.posts
    assert db.session.scalar(select(func.count()).select_from(Thread)) == size.threads
    assert db.session.scalar(select(func.count()).select_from(Post)) == size.posts
    assert db.session.scalar(select(func.count()).select_from(Product)) == size.products
    assert db.session.scalar(select(func.count()).select_from(User)) == size.users
    longest = db.session.execute(
        select(Post.thread_id, func.count()).group_by(Post.thread_id)
        .order_by(func.count().desc()).limit(1)).one()
    assert longest[1] >= size.long_thread_posts
    statuses = set(db.session.scalars(select(Thread.status).distinct()))
    assert len(statuses) >= 4
    codes = db.session.scalars(select(Thread.code)).all()
    assert len(set(codes)) == len(codes)
    bench_user = db.session.scalar(select(User).where(User.phone == generate.BENCH_PHONE))
    assert bench_user.is_petugas
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == bench_user.id)) >= 5


def test_every_benchmarked_page_answers_on_the_generated_data(app, db, client):
    _build_tiny(db)
    found = find_targets(db.session.connection())
    assert all(found.values()), found

    for page in PAGES:
        if page.logged_in:
            continue
        headers = {"HX-Request": "true"} if page.htmx else {}
        response = client.get(page.path.format(**found), headers=headers)
        assert response.status_code == 200, page

    response = client.post("/auth/masuk", data={"identifier": generate.BENCH_PHONE,
                                                "password": generate.BENCH_PASSWORD})
    assert response.status_code == 302
    for page in PAGES:
        if page.logged_in:
            assert client.get(page.path.format(**found)).status_code == 200, page


def test_the_runner_reads_wrk_and_prints_one_table():
    run = parse_wrk("Running 2s test @ http://127.0.0.1:8700/\n"
                    "BENCH requests=400 duration_us=2000000 errors=0 p50_us=4200 "
                    "p95_us=9100\n")
    assert (run.requests, run.rps, run.p50_ms, run.p95_ms) == (400, 200.0, 4.2, 9.1)

    result = PageResult("/tanya/", queries=3)
    for rps, p95_small, p95_large in ((100, 10, 12), (120, 11, 13), (110, 12, 15)):
        result.app.append(Run(rps * 2, 2.0, 0, 5.0, p95_large, cpu_ms=rps * 2 * 8.0))
        result.bare.append(Run(2000 * 2, 2.0, 0, 1.0, 2.0))
        result.small.append(Run(rps * 2, 2.0, 0, 5.0, p95_small))
    lines = table([result, PageResult("/never-loaded")]).splitlines()

    assert lines[0].startswith("| page | req/s app | req/s bare | app/bare | p95 small ms")
    assert lines[2] == ("| /tanya/ | 110.0 (100.0–120.0) | 2000 (2000–2000) | 5.5 % "
                        "| 11.0 (10.0–12.0) | 13.0 (12.0–15.0) | 1.18 | 8.0 (8.0–8.0) | 3 |")
    assert lines[3] == "| /never-loaded | – | – | – | – | – | – | – | – |"


def test_cold_statistics_are_computed_afresh_at_every_request(app_factory, db):
    _build_tiny(db)
    app = app_factory(RESPONSE_CACHE_SECONDS=30, STATS_CACHE_SECONDS=300)

    samples = stats_cold.measure(app, runs=2)

    assert list(samples) == list(stats_cold.PERIODS)
    # Every request ran the figures' queries: nothing came from a cache.
    assert min(sample.queries for items in samples.values() for sample in items) > 5
    lines = stats_cold.table(samples).splitlines()
    assert lines[0] == "| period | wall ms | Python CPU ms | PostgreSQL CPU ms | queries |"
    assert [line.split(" | ")[0] for line in lines[2:]] == [
        f"| {period}" for period in stats_cold.PERIODS]
    statements = stats_cold.statements_of(app, "semua")
    assert any(item.caller.startswith("stats.services: public_figures") for item in statements)
    assert "slowest" in stats_cold.statement_table(statements, 3)


@pytest.mark.real_db  # the counter listens on the app's own engine, not the tests' shared one
def test_query_count_header_only_in_bench_mode(app_factory):
    counted = app_factory(QUERY_COUNT_HEADER=True).test_client().get("/")
    assert int(counted.headers["X-Query-Count"]) > 0

    plain = app_factory().test_client().get("/")
    assert "X-Query-Count" not in plain.headers


def test_the_writer_bumps_the_hash_the_app_reads(app):
    """`--writes` bumps the same table generations the app's pages are kept under."""
    from bench.run import Writer
    from kim_app.common import cache

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    writer = Writer("redis://127.0.0.1:6379/0", [url], "notification", 10)
    assert writer._hashes == [cache.cache_key(cache.TABLES, app)]
