"""Benchmark `/statistik` at size: fill a database with many threads, then time the page.

Usage:

    .venv/bin/python scripts/bench_stats.py                  # SQLite file, 100,000 threads
    DATABASE_URL=postgresql+psycopg://…/bench .venv/bin/python scripts/bench_stats.py
    .venv/bin/python scripts/bench_stats.py --threads 20000 --runs 7 --reuse

Without `DATABASE_URL` a fresh SQLite file `instance/bench_stats.sqlite3` is created. With
`DATABASE_URL` the database must be empty (it is migrated to head) unless `--reuse` keeps
the data of an earlier run there. Threads are spread over the last 24 months across all
villages, categories and agencies, with realistic statuses, response and answer times,
working-day due dates and ratings, inserted in bulk (executemany in batches).

Reports, for each URL, the SQL statements per request and the server time (median, min and
max over the runs, after one warm-up request), measured in-process with the test client:
that is the time the server spends, without network. First with the figure cache off
(every request computes everything: the cold cost), then with it on (the usual case).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kim_app import create_app  # noqa: E402
from kim_app.auth.services import hash_password  # noqa: E402
from kim_app.common.workdays import add_working_days, local_date  # noqa: E402
from kim_app.extensions import db  # noqa: E402
from kim_app.models import (  # noqa: E402
    Agency,
    Category,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Role,
    Thread,
    ThreadStatus,
    User,
    Village,
    Visibility,
)
from kim_app.seeding import seed_reference_data  # noqa: E402
from kim_app.threads import lifecycle  # noqa: E402

BATCH = 5000
STATUSES = [  # (status, weight)
    (ThreadStatus.BARU, 8), (ThreadStatus.DIVERIFIKASI, 5), (ThreadStatus.DIPROSES, 12),
    (ThreadStatus.DIJAWAB, 30), (ThreadStatus.SELESAI, 40), (ThreadStatus.DITOLAK, 5),
]
VISIBILITIES = [(Visibility.PUBLIC, 80), (Visibility.ANONYMOUS, 12), (Visibility.PRIVATE, 8)]
URLS = [
    "/statistik",
    "/statistik?periode=semua",
    "/statistik?periode=30h&kecamatan=33.18.10",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the threads already in the database")
    return parser.parse_args()


def prepare_database() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = ROOT / "instance" / "bench_stats.sqlite3"
        path.parent.mkdir(exist_ok=True)
        if not ARGS.reuse and path.exists():
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def _pick(rng: random.Random, weighted):
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def reference_rows() -> tuple[list[int], list[int], list[int], list[int], list[str]]:
    """Users, officers, categories, agencies to point at (created once), and villages."""
    if not db.session.scalar(select(func.count()).select_from(User)):  # seeds bring categories
        for number in range(12):
            db.session.add(Category(name=f"Kategori {number + 1}", slug=f"kategori-{number}",
                                    position=number))
        for number in range(15):
            db.session.add(Agency(name=f"Dinas Uji {number + 1}", slug=f"dinas-{number}"))
        password = hash_password("bench-password-not-used")
        villages = list(db.session.scalars(select(Village.code)))
        db.session.execute(insert(User), [
            {"name": f"Warga Uji {n}", "phone": f"+628199{n:06d}", "password_hash": password,
             "village_code": villages[n % len(villages)], "role": Role.WARGA}
            for n in range(2000)
        ] + [
            {"name": f"Petugas Uji {n}", "phone": f"+628198{n:06d}", "password_hash": password,
             "role": Role.PETUGAS}
            for n in range(12)
        ])
        db.session.flush()
        wargas = list(db.session.scalars(select(User.id).where(User.role == Role.WARGA)))
        groups = list(db.session.scalars(select(KimGroup.id)))
        db.session.execute(insert(Membership), [
            {"user_id": user_id, "group_id": groups[index % len(groups)],
             "role": MemberRole.KETUA if index < len(groups) else MemberRole.ANGGOTA,
             "status": MembershipStatus.ACTIVE}
            for index, user_id in enumerate(wargas[:400])
        ])
        db.session.commit()
    return (
        list(db.session.scalars(select(User.id).where(User.role == Role.WARGA))),
        list(db.session.scalars(select(User.id).where(User.role == Role.PETUGAS))),
        list(db.session.scalars(select(Category.id))),
        list(db.session.scalars(select(Agency.id))),
        list(db.session.scalars(select(Village.code))),
    )


def fill(count: int) -> None:
    rng = random.Random(7)  # noqa: S311  # nosec B311 - reproducible test data
    wargas, officers, categories, agencies, villages = reference_rows()
    groups = list(db.session.scalars(select(KimGroup.id)))
    now = datetime.now(UTC)
    start = now - timedelta(days=730)
    existing = db.session.scalar(select(func.count()).select_from(Thread))
    rows = []
    began = time.perf_counter()
    for index in range(existing, existing + count):
        created = start + timedelta(seconds=rng.uniform(0, 730 * 86400))
        status = _pick(rng, STATUSES)
        visibility = _pick(rng, VISIBILITIES)
        day = local_date(created)
        verify_due = add_working_days(day, 3)
        row = {
            "code": f"TNY-X{index:07d}", "author_id": rng.choice(wargas),
            "village_code": rng.choice(villages), "category_id": rng.choice(categories),
            "title": f"Pertanyaan uji nomor {index}", "body": "Isi pertanyaan uji.",
            "visibility": visibility, "status": status, "created_at": created,
            "last_activity_at": created, "verify_due_on": verify_due, "reopen_count": 0,
            "rating_comment": "",
            "submitted_via_kim_id": rng.choice(groups) if rng.random() < 0.1 else None,
        }
        if status is not ThreadStatus.BARU and status is not ThreadStatus.DITOLAK:
            verified = created + timedelta(hours=rng.uniform(1, 96))
            first = created + timedelta(hours=rng.uniform(0.5, 72))
            row.update(verified_at=verified, first_response_at=min(first, verified),
                       answer_due_on=add_working_days(local_date(verified), 10),
                       agency_id=rng.choice(agencies), assignee_id=rng.choice(officers))
            if status in (ThreadStatus.DIJAWAB, ThreadStatus.SELESAI):
                answered = verified + timedelta(hours=rng.lognormvariate(4.5, 0.8))
                row["answered_at"] = answered
                if status is ThreadStatus.SELESAI:
                    row["closed_at"] = answered + timedelta(days=rng.uniform(1, 14))
                    if rng.random() < 0.6:
                        row["rating"] = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
        # A bulk INSERT passes by the ORM's flush: fill the stored due date by its rule.
        row["due_on"] = lifecycle.current_due_on(status, verify_due, row.get("answer_due_on"))
        rows.append(row)
        if len(rows) == BATCH:
            db.session.execute(insert(Thread), rows)
            db.session.commit()
            rows = []
    if rows:
        db.session.execute(insert(Thread), rows)
        db.session.commit()
    print(f"Inserted {count:,} threads in {time.perf_counter() - began:.1f} s.")


def measure(app, url: str, runs: int, headers=None) -> tuple[int, list[float]]:
    client = app.test_client()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client.get(url, headers=headers)  # warm-up: templates compiled, caches filled
    timings = []
    for _ in range(runs):
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", record)
        began = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - began) * 1000)
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200, response.status_code
    return len(statements), timings


def main() -> None:
    prepare_database()
    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_reference_data()
        if not ARGS.reuse:
            fill(ARGS.threads)
        total = db.session.scalar(select(func.count()).select_from(Thread))
        dialect = db.engine.dialect.name
    print(f"Database: {dialect}, {total:,} threads. {ARGS.runs} runs per URL, after a warm-up.")
    for cache_seconds, state in ((0, "cold"), (300, "cached")):
        app.config["STATS_CACHE_SECONDS"] = cache_seconds
        for url in URLS:
            for label, headers in (("page", None), ("htmx", {"HX-Request": "true"})):
                queries, timings = measure(app, url, ARGS.runs, headers)
                print(f"{state:6} {url:42} {label:4} {queries:3d} queries  median "
                      f"{statistics.median(timings):8.1f} ms  (min {min(timings):.1f}, "
                      f"max {max(timings):.1f})")


if __name__ == "__main__":
    ARGS = parse_args()
    main()
