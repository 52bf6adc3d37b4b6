"""Serve the app on the small and the large data and a bare Flask app, load them, print a table.

    .venv/bin/python -m bench.run [--duration 2] [--rounds 3] [--connections 2] [--only /tanya]

Three gunicorn servers with the same settings (2 sync workers): the app on the small data,
the app on the large data, and `bench.hello` (Flask's hello world). For every page, each
round loads the large app, the bare app and the small app one after the other with `wrk`
(A, B, C, A, B, C …: a neighbour's load hits all three alike); the table shows the median
and, in brackets, the min–max over the rounds. CPU per request is the user + system time of
the large app's gunicorn workers, of their PostgreSQL backends and of the Redis server
(read from /proc before and after a run) divided by the requests served. Queries are the
app's own count for one request (the `X-Query-Count` header of `KIM_QUERY_COUNT_HEADER=1`).

The apps use Redis (`--redis`, local by default) as on several workers in production: the
response cache, the figures and the kept regions of pages (common/fragments.py, on only with
a shared cache) live there. `KIM_FRAGMENT_CACHE_SECONDS=0` measures every page rendered
from the database; `KIM_RESPONSE_CACHE_SECONDS=0` guests' pages without the response cache.

The logged-in pages use the benchmark officer of `bench.generate`, logged in once per
server through the real login form; its cookies are sent with every request.

`--writes notification:10` measures the pages while the site is written to: ten times a
second the generation of table `notification` is bumped in Redis, as every committed write
to it does (common/tables.py), so what read that table is rendered again and what did not
stays kept.
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import corpus
from bench.generate import BENCH_PASSWORD, BENCH_PHONE

ROOT = Path(__file__).resolve().parent.parent
SMALL_URL = os.environ.get(
    "BENCH_SMALL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kim_bench_small")
LARGE_URL = os.environ.get(
    "BENCH_LARGE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kim_bench_large")
CLOCK_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
GUNICORN_SETTINGS = ("--workers", "2", "--worker-class", "sync", "--timeout", "60",
                     "--log-level", "warning")
WORKERS = 2
REDIS_URL = "redis://127.0.0.1:6379/0"
# What every browser sends: guests get the compressed copy the response cache keeps.
# `--accept-encoding ""` measures uncompressed answers (no browser asks for those).
BROWSER_ENCODINGS = "gzip, deflate, br"


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may hold {names} filled from `targets()`
    logged_in: bool = False
    htmx: bool = False


PAGES = (
    Page("/", "/"),
    Page("/kim/", "/kim/"),
    Page("/kim/<slug>", "/kim/{kim}"),
    Page("/tanya/", "/tanya/"),
    Page(f"/tanya/?q={corpus.COMMON_WORD} (common)", f"/tanya/?q={corpus.COMMON_WORD}"),
    Page(f"/tanya/?q={corpus.RARE_WORD} (rare)", f"/tanya/?q={corpus.RARE_WORD}"),
    Page(f"/tanya/?q={corpus.ABSENT_WORD} (absent)", f"/tanya/?q={corpus.ABSENT_WORD}"),
    Page("/tanya/ (htmx fragment)", "/tanya/", htmx=True),
    Page("thread page", "/tanya/{thread}"),
    Page("300-post thread", "/tanya/{long_thread}"),
    Page("/usaha/", "/usaha/"),
    Page("/usaha/ 600 deep (keyset)", "/usaha/?setelah={catalog_cursor}"),
    Page("/usaha/ 600 deep (htmx more)", "/usaha/?setelah={catalog_cursor}", htmx=True),
    Page("product", "/usaha/{product}"),
    Page("/info/", "/info/"),
    Page("/statistik", "/statistik"),
    Page("/petugas/ (logged in)", "/petugas/", logged_in=True),
    Page("/petugas/dasbor (logged in)", "/petugas/dasbor", logged_in=True),
    Page("/akun/notifikasi (logged in)", "/akun/notifikasi", logged_in=True),
)

TARGETS = {
    "kim": "SELECT k.slug FROM kim_group k JOIN relay r ON r.group_id = k.id "
           "WHERE k.status = 'aktif' GROUP BY k.id, k.slug ORDER BY count(*) DESC, k.id "
           "LIMIT 1",
    "thread": "SELECT code FROM thread WHERE visibility = 'public' AND status = 'selesai' "
              "ORDER BY id DESC LIMIT 1",
    "long_thread": "SELECT t.code FROM thread t JOIN (SELECT thread_id, count(*) AS n "
                   "FROM post GROUP BY thread_id ORDER BY n DESC LIMIT 1) p "
                   "ON p.thread_id = t.id",
    "product": "SELECT g.slug || '/' || p.slug FROM product p JOIN business_group g "
               "ON g.id = p.business_group_id WHERE p.published ORDER BY p.id DESC LIMIT 1",
}


def find_targets(connection) -> dict[str, str]:
    """The slugs, codes and the catalog cursor the page paths need, in this database."""
    found = {name: connection.scalar(text(sql)) for name, sql in TARGETS.items()}
    found["catalog_cursor"] = catalog_cursor(connection)
    return found


def catalog_cursor(connection, depth: int = 600) -> str:
    """The catalog's "Muat lebih banyak" cursor `depth` products deep (newest first), or as
    deep as a small catalog goes with a page still after it; written by the catalog."""
    from sqlalchemy import func, select

    from kim_app.business.catalog import SORTS
    from kim_app.models import Product

    published = select(Product.created_at, Product.id).where(Product.published.is_(True))
    count = connection.scalar(select(func.count()).select_from(published.subquery()))
    row = connection.execute(published.order_by(Product.created_at.desc(), Product.id.desc())
                             .offset(max(0, min(depth - 1, count - 25))).limit(1)).one()
    return SORTS["terbaru"].cursor(*row)


def targets(database_url: str) -> dict[str, str]:
    """`find_targets` on the database at `database_url`."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = find_targets(connection)
    engine.dispose()
    return found


# --- measuring ---------------------------------------------------------------------------

@dataclass
class Run:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    cpu_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_request(self) -> float:
        return self.cpu_ms / self.requests if self.requests else 0.0


WRK_LINE = re.compile(r"BENCH requests=(\d+) duration_us=(\d+) errors=(\d+) "
                      r"p50_us=(\d+) p95_us=(\d+)")


def parse_wrk(output: str) -> Run:
    match = WRK_LINE.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    requests, duration, errors, p50, p95 = (int(value) for value in match.groups())
    return Run(requests, duration / 1e6, errors, p50 / 1000, p95 / 1000)


def cpu_ticks(pid: int) -> int:
    """User + system clock ticks of a process (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


class Server:
    """A gunicorn serving `app` on a free port, with the given environment."""

    def __init__(self, name: str, app: str, port: int, env: dict[str, str],
                 database_url: str | None = None, accept_encoding: str = BROWSER_ENCODINGS):
        self.name, self.port, self.database_url = name, port, database_url
        self.redis_url = env.get("REDIS_URL", "")
        self.accept_encoding = accept_encoding
        self.base = f"http://127.0.0.1:{port}"
        self.cookie = ""
        _port_is_free(port)  # else the load would measure whatever answers there
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, *GUNICORN_SETTINGS, "--bind", f"127.0.0.1:{port}", app],
            cwd=ROOT, env={**os.environ, **env},
        )
        self._engine = create_engine(database_url) if database_url else None

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=30):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def workers(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                content = stat.read_text()
            except OSError:
                continue
            if int(content[content.rindex(")") + 2:].split()[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def backends(self) -> list[int]:
        if self._engine is None:
            return []
        database = self.database_url.rsplit("/", 1)[-1]
        with self._engine.connect() as connection:
            return list(connection.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :name "
                "AND pid <> pg_backend_pid()"), {"name": database}))

    def processes(self) -> list[int]:
        return self.workers() + self.backends() + self.redis_server()

    def redis_server(self) -> list[int]:
        """The Redis server the app's caches live in: its CPU is the page's too."""
        if not self.redis_url:
            return []
        import redis

        return [int(redis.Redis.from_url(self.redis_url).info("server")["process_id"])]

    def drain(self) -> None:
        """Wait until both workers are free again (a slow page may still be running)."""
        self._together([("/healthz", False, False)] * WORKERS)

    def _together(self, requests: list[tuple]) -> list:
        results: list = [None] * len(requests)

        def call(index: int, args: tuple) -> None:
            results[index] = self.get(*args)

        calls = [threading.Thread(target=call, args=(index, args))
                 for index, args in enumerate(requests)]
        for thread in calls:
            thread.start()
        for thread in calls:
            thread.join()
        return results

    def warm(self, path: str, htmx: bool = False, logged_in: bool = False) -> list:
        """Ask for the page from every worker at once, twice, before it is measured: each
        worker then has what it caches in its own memory (without Redis), and no run pays
        a first computation in one worker. Every answer's status and headers."""
        results = []
        for _round in range(2):
            results += self._together([(path, htmx, logged_in)] * (2 * WORKERS))
        return results

    def get(self, path: str, htmx: bool = False, logged_in: bool = False):
        request = urllib.request.Request(self.base + path, headers=self.headers(htmx, logged_in))
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers

    def headers(self, htmx: bool, logged_in: bool) -> dict[str, str]:
        headers = {"Accept-Encoding": self.accept_encoding} if self.accept_encoding else {}
        if htmx:
            headers["HX-Request"] = "true"
        if logged_in:
            headers["Cookie"] = self.cookie
        return headers

    def log_in(self) -> None:
        """Log the benchmark officer in through the login form; keep the cookies."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(self.base + "/auth/masuk", timeout=60) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "identifier": BENCH_PHONE,
                                       "password": BENCH_PASSWORD, "remember": "y"}).encode()
        with opener.open(self.base + "/auth/masuk", data=form, timeout=60) as response:
            response.read()
        # The first page after logging in gives the new session its form token, as a
        # browser keeps it (without it every request would start the token anew).
        with opener.open(self.base + "/petugas/", timeout=60) as response:
            response.read()
        self.cookie = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
        status, _headers = self.get("/petugas/", logged_in=True)
        if status != 200:
            raise RuntimeError(f"{self.name}: the benchmark officer could not log in")

    def load(self, path: str, seconds: int, connections: int, htmx: bool = False,
             logged_in: bool = False) -> Run:
        command = ["wrk", "--threads", "1", "--connections", str(connections),
                   "--duration", f"{max(1, round(seconds))}s", "--timeout", "60s",
                   "--script", str(ROOT / "bench" / "report.lua")]
        for name, value in self.headers(htmx, logged_in).items():
            command += ["--header", f"{name}: {value}"]
        processes = self.processes()
        before = {pid: cpu_ticks(pid) for pid in processes}
        output = subprocess.run(
            [*command, self.base + path], capture_output=True, text=True, check=True).stdout
        after_processes = set(processes) | set(self.processes())
        ticks = sum(cpu_ticks(pid) - before.get(pid, 0) for pid in after_processes)
        run = parse_wrk(output)
        run.cpu_ms = ticks * CLOCK_TICK_MS
        self.drain()
        return run

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        if self._engine is not None:
            self._engine.dispose()


class Writer(threading.Thread):
    """Bumps a table's generation for every app on the Redis `per_second` times a second,
    as a committed write to that table does (the rows themselves stay: only what the pages
    keep is at stake)."""

    def __init__(self, redis_url: str, database_urls: list[str], table: str,
                 per_second: float):
        super().__init__(daemon=True)
        import hashlib

        import redis

        from kim_app.common.cache import TABLES
        from kim_app.config import normalise_database_url

        self._redis = redis.Redis.from_url(redis_url)
        # The apps' hashes of table generations (common/cache.py: keys per database).
        self._hashes = [
            "kim:" + hashlib.sha256(normalise_database_url(url).encode()).hexdigest()[:12]
            + ":" + TABLES for url in database_urls]
        self.table, self.pause = table, 1 / per_second
        self._done = threading.Event()
        self.writes = 0

    def run(self) -> None:
        while not self._done.wait(self.pause):
            for name in self._hashes:
                self._redis.hincrby(name, self.table, 1)
            self.writes += 1

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


def _port_is_free(port: int) -> None:
    import socket

    with socket.socket() as probe:
        # As gunicorn binds: connections of the last run waiting to close do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SystemExit(
                f"port {port} is taken (an earlier run still serving?): {error}") from error


# --- the table ---------------------------------------------------------------------------

@dataclass
class PageResult:
    name: str
    queries: int | None = None
    app: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    small: list[Run] = field(default_factory=list)


def _median_range(values: list[float], digits: int = 0) -> str:
    if not values:
        return "–"
    middle = statistics.median(values)
    low, high = min(values), max(values)
    return f"{middle:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def _ratio(top: list[float], bottom: list[float], percent: bool = False) -> str:
    if not top or not bottom or not statistics.median(bottom):
        return "–"
    value = statistics.median(top) / statistics.median(bottom)
    return f"{value * 100:.1f} %" if percent else f"{value:.2f}"


COLUMNS = ("page", "req/s app", "req/s bare", "app/bare", "p95 small ms", "p95 large ms",
           "p95 large/small", "CPU ms/req", "queries")


def table(results: list[PageResult]) -> str:
    """A Markdown table: page × (req/s app and bare, their ratio, p95 small and large,
    their ratio, CPU per request and queries of the large app)."""
    rows = [COLUMNS, tuple("---" for _ in COLUMNS)]
    for result in results:
        app_rps = [run.rps for run in result.app]
        bare_rps = [run.rps for run in result.bare]
        small_p95 = [run.p95_ms for run in result.small if run.requests]
        large_p95 = [run.p95_ms for run in result.app if run.requests]
        rows.append((
            result.name,
            _median_range(app_rps, 1),
            _median_range(bare_rps),
            _ratio(app_rps, bare_rps, percent=True),
            _median_range(small_p95, 1),
            _median_range(large_p95, 1),
            _ratio(large_p95, small_p95),
            _median_range([run.cpu_per_request for run in result.app if run.requests], 1),
            "–" if result.queries is None else str(result.queries),
        ))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


# --- the run -----------------------------------------------------------------------------

def measure(pages, servers: dict[str, Server], paths: dict[str, dict[str, str]],
            rounds: int, seconds: int, connections: int,
            progress: Callable[[str], None] = print) -> list[PageResult]:
    results = []
    for page in pages:
        result = PageResult(page.name)
        large_path = page.path.format(**paths["large"])
        small_path = page.path.format(**paths["small"])
        for server, path in ((servers["large"], large_path), (servers["small"], small_path)):
            answers = server.warm(path, page.htmx, page.logged_in)
            for status, _headers in answers:
                if status != 200:
                    raise RuntimeError(f"{server.name} {path}: HTTP {status}")
            if server is servers["large"]:
                # A cached page counts its queries on the answer that computed it.
                result.queries = max(int(headers.get("X-Query-Count", -1))
                                     for _status, headers in answers)
        for _round in range(rounds):
            result.app.append(servers["large"].load(large_path, seconds, connections,
                                                    page.htmx, page.logged_in))
            result.bare.append(servers["bare"].load("/", seconds, connections))
            result.small.append(servers["small"].load(small_path, seconds, connections,
                                                      page.htmx, page.logged_in))
        progress(f"  {page.name}: {statistics.median(r.rps for r in result.app):.1f} req/s, "
                 f"p95 {statistics.median(r.p95_ms for r in result.app):.0f} ms")
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int,
                        default=int(os.environ.get("BENCH_DURATION", 2)),
                        help="seconds of load per page, server and round")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--port", type=int, default=8700, help="first of three ports")
    parser.add_argument("--accept-encoding", default=BROWSER_ENCODINGS,
                        help="the Accept-Encoding sent (a browser's by default; \"\" for none)")
    parser.add_argument("--writes", default="", metavar="TABLE:PER_SECOND",
                        help="bump this table's generation so many times a second while "
                             "loading (e.g. notification:10)")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", REDIS_URL),
                        help="the apps' REDIS_URL, as on several workers in production "
                             "(\"\": none, each worker caching for itself)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    pages = [page for page in PAGES if args.only in page.name]
    paths = {"small": targets(SMALL_URL), "large": targets(LARGE_URL)}
    common = {"KIM_QUERY_COUNT_HEADER": "1", "SECRET_KEY": secrets.token_urlsafe(32),
              **({"REDIS_URL": args.redis} if args.redis else {})}
    servers = {
        "large": Server("app (large)", "wsgi:app", args.port,
                        {**common, "DATABASE_URL": LARGE_URL}, LARGE_URL, args.accept_encoding),
        "bare": Server("bare Flask", "bench.hello:app", args.port + 1, {},
                       accept_encoding=args.accept_encoding),
        "small": Server("app (small)", "wsgi:app", args.port + 2,
                        {**common, "DATABASE_URL": SMALL_URL}, SMALL_URL, args.accept_encoding),
    }
    writer = None
    try:
        for server in servers.values():
            server.wait()
        for name in ("large", "small"):
            servers[name].log_in()
        print(f"{len(pages)} pages × {args.rounds} rounds × {args.duration:g} s, "
              f"{args.connections} connections, 2 sync workers each", file=sys.stderr)
        if args.writes:
            if not args.redis:
                raise SystemExit("--writes needs the apps on Redis (--redis)")
            table_name, _, rate = args.writes.partition(":")
            writer = Writer(args.redis, [LARGE_URL, SMALL_URL], table_name, float(rate or 10))
            writer.start()
        results = measure(pages, servers, paths, args.rounds, args.duration,
                          args.connections, progress=lambda line: print(line, file=sys.stderr))
    finally:
        if writer is not None:
            writer.stop()
            print(f"{writer.writes} writes to {writer.table}", file=sys.stderr)
        for server in servers.values():
            server.stop()
    print(table(results))


if __name__ == "__main__":
    main()
