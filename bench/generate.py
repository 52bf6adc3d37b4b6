"""Fill a database with benchmark data on the real schema.

    .venv/bin/python -m bench.generate small postgresql+psycopg://…/kim_bench_small
    .venv/bin/python -m bench.generate large postgresql+psycopg://…/kim_bench_large

The database is emptied (its `public` schema dropped), migrated to head and seeded with the
app's own seed code (regions, the 18 KIM groups, categories, agencies); then the rows of
the chosen size are written with COPY (on SQLite, which the tests also use, with plain
inserts): Indonesian text, threads spread over the whole lifecycle with the posts that
history leaves, valid village codes, unique slugs, codes and phone numbers. One thread has
`long_thread_posts` posts; one officer account (`BENCH_PHONE`, `BENCH_PASSWORD`) has its
share of the notifications, for the logged-in pages.
"""

import argparse
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from bench import corpus

BENCH_PHONE = "+6281199990001"
BENCH_PASSWORD = "bench-kim-2026"  # noqa: S105 - the benchmark officer of throw-away data
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Multiplying by an odd number permutes 0 … 32**4 - 1: distinct, random-looking codes.
CODE_SPACE = 32**4
CODE_STRIDE = 611_953

# (status, weight): most questions are answered or closed, some wait at each step.
STATUSES = (("baru", 8), ("diverifikasi", 5), ("diproses", 12), ("dijawab", 30),
            ("selesai", 40), ("ditolak", 5))
VISIBILITIES = (("public", 80), ("anonymous", 12), ("private", 8))
STEPS = ("diverifikasi", "diproses", "dijawab", "selesai")


@dataclass(frozen=True)
class Size:
    posts: int
    threads: int
    users: int
    kims: int
    business_groups: int
    products: int
    announcements: int
    notifications: int
    long_thread_posts: int = 300
    officers: int = 40
    days: int = 730


SIZES = {
    "tiny": Size(posts=200, threads=30, users=40, kims=2, business_groups=3, products=8,
                 announcements=6, notifications=40, long_thread_posts=40, officers=3),
    "small": Size(posts=10_000, threads=1_000, users=500, kims=3, business_groups=20,
                  products=200, announcements=50, notifications=2_000),
    "large": Size(posts=1_000_000, threads=100_000, users=50_000, kims=300,
                  business_groups=2_000, products=20_000, announcements=5_000,
                  notifications=200_000),
}


class Writer:
    """Rows into a table: COPY on PostgreSQL, inserts elsewhere (SQLite, for the tests)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def next_id(self, table: str, column: str = "id") -> int:
        return (self.connection.scalar(text(f"SELECT max({column}) FROM {table}")) or 0) + 1

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        count = 0
        if self.postgresql:
            cursor = self.connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            from kim_app.extensions import db

            target = db.metadata.tables[table]
            batch: list[dict] = []
            for row in rows:
                batch.append(dict(zip(columns, row, strict=True)))
                count += 1
                if len(batch) == 1000:
                    self.connection.execute(target.insert(), batch)
                    batch = []
            if batch:
                self.connection.execute(target.insert(), batch)
        self.counts[table] = self.counts.get(table, 0) + count

    def finish(self) -> None:
        """Move the id sequences past the ids written here, and refresh the statistics."""
        if not self.postgresql:
            return
        from kim_app.extensions import db

        for table in self.counts:
            if "id" not in db.metadata.tables[table].c:
                continue
            has_id = self.connection.scalar(text(
                "SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table})
            if has_id:
                self.connection.execute(text(
                    f"SELECT setval(:sequence, (SELECT max(id) FROM {table}))"),
                    {"sequence": has_id})


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _code(year: int, serial: int) -> str:
    number = (serial * CODE_STRIDE) % CODE_SPACE
    tail = ""
    for _ in range(4):
        number, digit = divmod(number, 32)
        tail += CODE_ALPHABET[digit]
    return f"TNY-{year % 100:02d}-{tail}"


def _add_working_days(day, count):
    from kim_app.common.workdays import add_working_days

    return add_working_days(day, count)


class Generator:
    def __init__(self, connection: Connection, size: Size, seed: int = 14):
        from kim_app.auth.services import hash_password

        self.connection = connection
        self.size = size
        self.rng = random.Random(seed)
        self.writer = Writer(connection)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.password_hash = hash_password(BENCH_PASSWORD)
        self.villages = [tuple(row) for row in connection.execute(text(
            "SELECT v.code, v.name, v.district_code FROM village v ORDER BY v.code"))]
        self.districts = [row[0] for row in connection.execute(text(
            "SELECT code FROM district ORDER BY code"))]
        self.categories = list(connection.scalars(text("SELECT id FROM category ORDER BY id")))
        self.agencies = list(connection.scalars(text("SELECT id FROM agency ORDER BY id")))

    def moment(self, days_back: float | None = None) -> datetime:
        days = self.size.days if days_back is None else days_back
        return self.now - timedelta(seconds=self.rng.uniform(60, days * 86400))

    def run(self) -> dict[str, int]:
        self.users()
        self.kims()
        self.business()
        self.threads()
        self.announcements()
        self.notifications()
        self.writer.finish()
        # COPY passes by the ORM: the statistics' rows are built from the threads written.
        from kim_app.stats import tally

        tally.rebuild(self.connection)
        return dict(self.writer.counts)

    # --- people ---------------------------------------------------------------------------

    def users(self) -> None:
        first = self.writer.next_id("user_account")
        size, rng = self.size, self.rng
        self.officer_ids = list(range(first, first + size.officers))
        self.bench_user_id = first
        self.warga_ids = list(range(first + size.officers, first + size.users))

        def rows() -> Iterator[tuple]:
            for offset in range(size.users):
                user_id = first + offset
                officer = offset < size.officers
                phone = BENCH_PHONE if offset == 0 else f"+62813{user_id:08d}"
                name = (f"Petugas Bench {offset}" if officer
                        else f"{rng.choice(NAMES)} {rng.choice(NAMES)}")
                village = None if officer else rng.choice(self.villages)[0]
                created = self.moment()
                yield (user_id, name, phone, None, self.password_hash, village,
                       "petugas" if officer else "warga", None, True,
                       f"bench{user_id:016d}", created, None)

        self.writer.write("user_account", (
            "id", "name", "phone", "email", "password_hash", "village_code", "role", "locale",
            "active", "session_token", "created_at", "last_login_at"), rows())

    # --- KIM groups and their members -----------------------------------------------------

    def kims(self) -> None:
        first = self.writer.next_id("kim_group")
        rng, size = self.rng, self.size
        villages = rng.sample(self.villages, min(size.kims, len(self.villages)))
        rows = []
        for offset in range(size.kims):
            code, name, _district = villages[offset % len(villages)]
            rows.append((first + offset, f"KIM {name} {offset + 1}",
                         f"bench-{name.lower().replace(' ', '-')}-{offset + 1}", code,
                         f"Kelompok Informasi Masyarakat Desa {name}.", "", None,
                         "aktif" if rng.random() < 0.95 else "nonaktif", self.moment()))
        self.writer.write("kim_group", ("id", "name", "slug", "village_code", "description",
                                        "contact", "founded_on", "status", "created_at"), rows)
        self.kim_ids = list(self.connection.scalars(text(
            "SELECT id FROM kim_group WHERE status = 'aktif' ORDER BY id")))
        membership_id = self.writer.next_id("membership")

        def memberships() -> Iterator[tuple]:
            for number, user_id in enumerate(self.warga_ids[: len(self.warga_ids) // 4]):
                group = self.kim_ids[number % len(self.kim_ids)]
                role = "ketua" if number < len(self.kim_ids) else (
                    "sekretaris" if number < 2 * len(self.kim_ids) else "anggota")
                status = "active" if number < 2 * len(self.kim_ids) or rng.random() < 0.9 \
                    else "pending"
                requested = self.moment()
                yield (membership_id + number, user_id, group, role, status, "", requested,
                       requested + timedelta(days=1) if status == "active" else None,
                       None, "")

        self.writer.write("membership", (
            "id", "user_id", "group_id", "role", "status", "message", "requested_at",
            "decided_at", "decided_by_id", "reason"), memberships())

    # --- business groups and products -----------------------------------------------------

    def business(self) -> None:
        rng, size = self.rng, self.size
        first = self.writer.next_id("business_group")
        sectors = sorted({category for category, _name, _unit in corpus.PRODUCTS})
        groups = []
        for offset in range(size.business_groups):
            kim = self.kim_ids[offset % len(self.kim_ids)]
            groups.append((first + offset, kim, f"Kelompok Usaha {rng.choice(NAMES)} "
                           f"{offset + 1}", f"usaha-bench-{offset + 1}", rng.choice(sectors),
                           "Usaha bersama warga desa.", f"+62857{first + offset:08d}", None,
                           rng.choice(self.warga_ids), self.moment()))
        self.writer.write("business_group", (
            "id", "kim_group_id", "name", "slug", "sector", "description", "whatsapp",
            "logo_id", "created_by_id", "created_at"), groups)
        member_id = self.writer.next_id("business_member")
        self.writer.write("business_member", (
            "id", "business_group_id", "user_id", "role", "status", "message", "requested_at",
            "decided_at", "decided_by_id"), (
            (member_id + n, group[0], group[8], "pengelola", "active", "", group[9], group[9],
             None) for n, group in enumerate(groups)))
        product_id = self.writer.next_id("product")

        def products() -> Iterator[tuple]:
            for offset in range(size.products):
                group = groups[offset % len(groups)]
                category, name, unit, description = corpus.product(rng)
                created = self.moment()
                yield (product_id + offset, group[0], name,
                       f"{name.lower().replace(' ', '-')}-{offset + 1}", description,
                       rng.randrange(5, 500) * 1000, unit,
                       "tersedia" if rng.random() < 0.8 else "habis", category,
                       rng.random() < 0.9, group[8], created, created, None)

        self.writer.write("product", (
            "id", "business_group_id", "name", "slug", "description", "price", "unit",
            "availability", "category", "published", "created_by_id", "created_at",
            "updated_at", "submission_key"), products())

    # --- questions and their history -------------------------------------------------------

    def threads(self) -> None:
        from kim_app.models import ThreadStatus
        from kim_app.threads.lifecycle import current_due_on

        rng, size = self.rng, self.size
        first = self.writer.next_id("thread")
        serials: dict[int, int] = {}
        threads = []
        for index in range(size.threads):
            created = self.moment()
            status = "dijawab" if index == 0 else _pick(rng, STATUSES)
            visibility = "public" if index == 0 else _pick(rng, VISIBILITIES)
            village, village_name, _district = rng.choice(self.villages)
            title, body = corpus.question(rng, f"Desa {village_name}", index)
            year = created.year
            serials[year] = serials.get(year, 0) + 1
            day = created.date()
            thread = {
                "id": first + index, "code": _code(year, serials[year]),
                "author_id": rng.choice(self.warga_ids), "on_behalf_name": None,
                "submitted_via_kim_id": rng.choice(self.kim_ids) if rng.random() < 0.1
                else None,
                "village_code": village, "category_id": rng.choice(self.categories),
                "title": title, "body": body, "visibility": visibility, "status": status,
                "agency_id": None, "assignee_id": None, "reject_reason": None,
                "duplicate_of_id": None, "verify_due_on": _add_working_days(day, 3),
                "answer_due_on": None, "created_at": created, "verified_at": None,
                "first_response_at": None, "answered_at": None, "closed_at": None,
                "reopen_count": 0, "last_activity_at": created, "rating": None,
                "rating_comment": "", "rated_at": None, "submission_key": None,
            }
            if thread["submitted_via_kim_id"] is not None:
                thread["on_behalf_name"] = f"Mbah {rng.choice(NAMES)}"
            if status == "ditolak":
                thread["reject_reason"] = rng.choice(("spam", "di_luar_kewenangan"))
                thread["first_response_at"] = created + timedelta(hours=rng.uniform(1, 48))
            elif status != "baru":
                verified = created + timedelta(hours=rng.uniform(1, 96))
                thread.update(verified_at=verified, first_response_at=verified,
                              answer_due_on=_add_working_days(verified.date(), 10),
                              agency_id=rng.choice(self.agencies),
                              assignee_id=rng.choice(self.officer_ids))
                if status in ("dijawab", "selesai"):
                    thread["answered_at"] = verified + timedelta(
                        hours=rng.lognormvariate(4.5, 0.8))
                if status == "selesai":
                    thread["closed_at"] = thread["answered_at"] + timedelta(
                        days=rng.uniform(1, 14))
                    if rng.random() < 0.6:
                        thread["rating"] = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
                        thread["rated_at"] = thread["closed_at"]
            thread["due_on"] = current_due_on(ThreadStatus(status), thread["verify_due_on"],
                                              thread["answer_due_on"])
            threads.append(thread)
        posts_per_thread = [len(self._history(thread)) for thread in threads]
        posts_per_thread[0] = max(posts_per_thread[0], size.long_thread_posts)
        spare = size.posts - sum(posts_per_thread)
        for _ in range(max(spare, 0)):
            posts_per_thread[rng.randrange(1, len(threads))] += 1
        for thread, count in zip(threads, posts_per_thread, strict=True):
            last = thread["closed_at"] or thread["answered_at"] or thread["verified_at"] \
                or thread["created_at"]
            thread["last_activity_at"] = min(last + timedelta(hours=count), self.now)
        columns = tuple(threads[0])
        self.writer.write("thread", columns, (tuple(t[c] for c in columns) for t in threads))
        self.long_thread_code = threads[0]["code"]
        post_id = self.writer.next_id("post")

        def posts() -> Iterator[tuple]:
            number = post_id
            for thread, count in zip(threads, posts_per_thread, strict=True):
                history = self._history(thread)
                replies = count - len(history)
                stamp = thread["created_at"]
                for reply in range(replies):
                    stamp = stamp + timedelta(minutes=rng.uniform(5, 600))
                    officer = reply % 3 == 1
                    history.append((stamp, "reply", rng.choice(corpus.REPLIES), None, None,
                                    rng.choice(self.officer_ids) if officer
                                    else thread["author_id"], None))
                history.sort(key=lambda post: post[0])
                for stamp, kind, body, from_status, to_status, author, agency in history:
                    yield (number, thread["id"], author, kind, body, from_status, to_status, "",
                           agency, stamp)
                    number += 1

        self.writer.write("post", ("id", "thread_id", "author_id", "kind", "body",
                                   "from_status", "to_status", "reason", "agency_id",
                                   "created_at"), posts())

    def _history(self, thread: dict) -> list[tuple]:
        """The status-change and answer posts a thread in this status has behind it."""
        status = thread["status"]
        officer = thread["assignee_id"] or self.officer_ids[0]
        if status == "baru":
            return []
        if status == "ditolak":
            return [(thread["first_response_at"], "status_change", "", "baru", "ditolak",
                     officer, None)]
        history = []
        previous = "baru"
        stamps = {"diverifikasi": thread["verified_at"],
                  "diproses": thread["verified_at"] + timedelta(minutes=30),
                  "dijawab": thread["answered_at"], "selesai": thread["closed_at"]}
        for step in STEPS[: STEPS.index(status) + 1]:
            if step == "dijawab":
                history.append((stamps[step], "official_answer", self.rng.choice(corpus.ANSWERS),
                                None, None, officer, thread["agency_id"]))
            history.append((stamps[step], "status_change", "", previous, step,
                            thread["author_id"] if step == "selesai" else officer, None))
            previous = step
        return history

    # --- announcements, relays, notifications ----------------------------------------------

    def announcements(self) -> None:
        rng, size = self.rng, self.size
        first = self.writer.next_id("announcement")
        rows, districts, kims = [], [], []
        for offset in range(size.announcements):
            announcement_id = first + offset
            audience = _pick(rng, (("kabupaten", 60), ("kecamatan", 25), ("kim", 15)))
            _code_, village_name, district = rng.choice(self.villages)
            title, body = corpus.announcement(rng, f"Desa {village_name}")
            published = self.moment(365)
            expires = (published + timedelta(days=rng.randrange(7, 120))).date() \
                if rng.random() < 0.7 else None
            kim = rng.choice(self.kim_ids) if audience == "kim" else None
            rows.append((announcement_id, self.officer_ids[offset % len(self.officer_ids)],
                         kim, title, body, audience, None, None, expires, published, None))
            if audience == "kecamatan":
                districts.append((announcement_id, district))
            elif audience == "kim":
                kims.append((announcement_id, kim))
        self.writer.write("announcement", (
            "id", "author_id", "kim_group_id", "title", "body", "audience", "photo_id",
            "document_id", "expires_on", "published_at", "submission_key"), rows)
        self.writer.write("announcement_district", ("announcement_id", "district_code"),
                          districts)
        self.writer.write("announcement_kim", ("announcement_id", "group_id"), kims)
        relay_id = self.writer.next_id("relay")
        relays = []
        ketua = dict(self.connection.execute(text(
            "SELECT group_id, user_id FROM membership WHERE role = 'ketua'")).all())
        for row in rows:
            for group in rng.sample(self.kim_ids, min(2, len(self.kim_ids))):
                if group in ketua:
                    relays.append((relay_id + len(relays), row[0], group, ketua[group],
                                   "Mohon disebarkan ke warga.", "id",
                                   row[9] + timedelta(hours=rng.uniform(1, 48))))
        self.writer.write("relay", ("id", "announcement_id", "group_id", "relayed_by_id",
                                    "note", "note_lang", "created_at"), relays)

    def notifications(self) -> None:
        rng, size = self.rng, self.size
        first = self.writer.next_id("notification")
        own = max(size.notifications // 200, 5)

        def rows() -> Iterator[tuple]:
            for offset in range(size.notifications):
                user = self.bench_user_id if offset < own else rng.choice(self.warga_ids)
                kind, message = rng.choice(corpus.NOTIFICATIONS)
                created = self.moment(180)
                read = created + timedelta(hours=rng.uniform(1, 72)) \
                    if rng.random() < 0.7 else None
                yield (first + offset, user, kind, message, f"/tanya/{self.long_thread_code}",
                       created, read)

        self.writer.write("notification", ("id", "user_id", "kind", "text", "link",
                                           "created_at", "read_at"), rows())


NAMES = ("Sri", "Budi", "Siti", "Agus", "Dewi", "Joko", "Wati", "Slamet", "Ani", "Bambang",
         "Endang", "Heru", "Yuni", "Teguh", "Lestari", "Sugeng", "Rina", "Darmaji", "Ratna",
         "Suparman", "Kartini", "Wahyu", "Ningsih", "Supriyadi")


def reset_database(app) -> None:
    """Empty the database, migrate it to head and seed the reference data."""
    from flask_migrate import upgrade

    from kim_app.extensions import db
    from kim_app.seeding import seed_reference_data

    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name != "postgresql":
                raise SystemExit("the benchmark data goes into PostgreSQL")
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        seed_reference_data()
        db.session.remove()


def build(app, size: Size) -> dict[str, int]:
    """Write the rows of `size` into the app's (migrated, seeded) database and commit."""
    from kim_app.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        counts = Generator(connection, size).run()
    vacuum_analyze(app)
    return counts


def vacuum_analyze(app) -> None:
    """Fresh planner statistics: columns a migration added have none, and the planner,
    taking them for rare, chooses plans that walk whole tables."""
    from kim_app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE"))


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database of this URL if it does not exist yet."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": url.database}):
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def has_data(app, size: Size) -> bool:
    """Whether the database already holds the posts of this size (from an earlier run)."""
    from sqlalchemy import inspect

    from kim_app.extensions import db

    with app.app_context():
        if not inspect(db.engine).has_table("post"):
            return False
        with db.engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM post")) == size.posts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("database_url")
    parser.add_argument("--if-missing", action="store_true",
                        help="keep data of this size from an earlier run (migrated to head)")
    args = parser.parse_args(argv)
    import os

    os.environ["DATABASE_URL"] = args.database_url
    from flask_migrate import upgrade

    from kim_app import create_app

    ensure_database(args.database_url)
    app = create_app()
    if args.if_missing and has_data(app, SIZES[args.size]):
        with app.app_context():
            upgrade()
        vacuum_analyze(app)
        print(f"{args.size}: data from an earlier run kept (migrated to head).",
              file=sys.stderr)
        return
    began = time.perf_counter()
    reset_database(app)
    migrated = time.perf_counter()
    counts = build(app, SIZES[args.size])
    done = time.perf_counter()
    for table, count in counts.items():
        print(f"  {table:24} {count:>10,}")
    print(f"{args.size}: migrated and seeded in {migrated - began:.1f} s, "
          f"data written in {done - migrated:.1f} s.", file=sys.stderr)


if __name__ == "__main__":
    main()
