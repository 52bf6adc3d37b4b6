"""Cold `/statistik` for the whole regency, in-process, on the large data:

    .venv/bin/python -m bench.stats_cold [--runs 5] [--statements 8] [--kecamatan CODE]

The app is built on `BENCH_LARGE_URL` (as `bench.run` reads it), its connections read-only
(`default_transaction_read_only`: the benchmark data is never written). One GET per period
warms what a worker keeps for its lifetime (compiled templates and statements, the
connection); then, for every period and run, every cache is emptied — the shared cache
(the response cache, the figures, the rendered section: `common/cache.py`), the response
cache's copies in this process, the figure cache's generation and every `functools` cache
of the app (formatted numbers and dates …) — and one GET of `/statistik?periode=…` is
timed, with a browser's `Accept-Encoding` (the page is compressed as a browser gets it):
wall clock, the CPU of this process (Python) and of the PostgreSQL backends it used
(`/proc`; parallel query workers come and go and are not counted: `--no-parallel` plans
none), and the statements run.
The table shows the median and, in brackets, the min–max of the runs.

Then one more cold request of `--explain-period` is recorded statement by statement
(SQLAlchemy cursor events): the slowest, with the app function that ran each.
"""

import argparse
import functools
import gc
import json
import os
import re
import secrets
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event

from bench.run import BROWSER_ENCODINGS, CLOCK_TICK_MS, LARGE_URL, cpu_ticks

ROOT = Path(__file__).resolve().parent.parent
PERIODS = ("30h", "90h", "12b", "semua")
PATH = "/statistik"


def build_app(database_url: str, *, parallel: bool = True):
    """The app as `wsgi` builds it, on `database_url`, with read-only connections
    (without `parallel`, PostgreSQL plans no parallel workers: the backend's CPU is then
    all the database's work)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    from kim_app import create_app
    from kim_app.config import config_for_environment

    config = config_for_environment(str(ROOT / "instance"))
    if config.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        options = ["-c default_transaction_read_only=on",
                   f"-c statement_timeout={config.DB_STATEMENT_TIMEOUT_MS}"]
        if not parallel:
            options.append("-c max_parallel_workers_per_gather=0")
        config.SQLALCHEMY_ENGINE_OPTIONS = {
            **config.SQLALCHEMY_ENGINE_OPTIONS, "connect_args": {"options": " ".join(options)}}
    return create_app(config)


def clear_caches(app) -> None:
    """Empty every cache a cold `/statistik` must not find filled."""
    from kim_app.common import cache
    from kim_app.response_cache import ResponseCacheMiddleware
    from kim_app.stats import services

    cache.store_for(app).clear()
    services.public_cache.clear()
    layer = app.wsgi_app
    while layer is not None:
        if isinstance(layer, ResponseCacheMiddleware):
            layer._local.clear()
        layer = getattr(layer, "wsgi_app", None) or getattr(layer, "app", None)
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("kim_app"):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


# --- what one request costs --------------------------------------------------------------

@dataclass
class Statement:
    ms: float
    rows: int
    caller: str
    sql: str


@dataclass
class Recorder:
    """Statements run on the app's engine, and the PostgreSQL backends that ran them."""

    detailed: bool = False
    count: int = 0
    backends: set = field(default_factory=set)
    statements: list = field(default_factory=list)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        pid = getattr(conn.connection.dbapi_connection, "info", None)
        pid = getattr(pid, "backend_pid", None)
        if pid:
            self.backends.add(pid)
        if self.detailed:
            context._bench_started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if not self.detailed:
            return
        ms = (time.perf_counter() - context._bench_started) * 1000
        self.statements.append(Statement(ms, cursor.rowcount, _caller(), _one_line(statement)))


def _caller() -> str:
    """The app functions on the stack that asked for the statement (the innermost two)."""
    marker = f"{os.sep}kim_app{os.sep}"
    frames = [frame for frame in traceback.extract_stack() if marker in frame.filename]
    if not frames:
        return "?"
    module = frames[-1].filename.split(marker)[-1].removesuffix(".py").replace(os.sep, ".")
    names = [frame.name for frame in frames[-2:]]
    return f"{module}: {' → '.join(names)}"


def _one_line(sql: str, width: int = 110) -> str:
    text = re.sub(r"\s+", " ", sql).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


@contextmanager
def recording(engine, recorder: Recorder) -> Iterator[Recorder]:
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    try:
        yield recorder
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)


@dataclass
class Sample:
    wall_ms: float
    python_ms: float
    database_ms: float
    queries: int


def cold_get(app, client, path: str, recorder: Recorder) -> Sample:
    """Every cache emptied, then one GET of `path`."""
    from kim_app.extensions import db

    with app.app_context():
        engine = db.engine
    clear_caches(app)
    gc.collect()
    known = {pid: cpu_ticks(pid) for pid in recorder.backends}
    with recording(engine, recorder):
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(path, headers={"Accept-Encoding": BROWSER_ENCODINGS})
        wall = (time.perf_counter() - started) * 1000
        python = (time.process_time() - started_cpu) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    database = sum(cpu_ticks(pid) - known.get(pid, 0) for pid in recorder.backends)
    return Sample(wall, python, database * CLOCK_TICK_MS, recorder.count)


# --- the measurement ---------------------------------------------------------------------

def period_path(period: str, kecamatan: str = "") -> str:
    return f"{PATH}?periode={period}" + (f"&kecamatan={kecamatan}" if kecamatan else "")


def measure(app, runs: int, periods=PERIODS, kecamatan: str = "",
            progress: Callable[[str], None] = lambda _line: None) -> dict[str, list[Sample]]:
    """{period: [Sample per run]}: one warm-up GET per period, then the cold runs, the
    periods taking turns (a neighbour's load hits them alike)."""
    client = app.test_client()
    warm = Recorder()
    for period in periods:
        cold_get(app, client, period_path(period, kecamatan), warm)
    samples: dict[str, list[Sample]] = {period: [] for period in periods}
    for run in range(runs):
        for period in periods:
            recorder = Recorder(backends=set(warm.backends))
            sample = cold_get(app, client, period_path(period, kecamatan), recorder)
            warm.backends |= recorder.backends
            samples[period].append(sample)
        progress(f"run {run + 1}/{runs}: " + ", ".join(
            f"{period} {samples[period][-1].wall_ms:.0f} ms" for period in periods))
    return samples


def statements_of(app, period: str, kecamatan: str = "") -> list[Statement]:
    """The statements of one cold request, in the order they ran."""
    client = app.test_client()
    recorder = Recorder(detailed=True)
    cold_get(app, client, period_path(period, kecamatan), recorder)
    return recorder.statements


def _figure(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.0f}"
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def table(samples: dict[str, list[Sample]]) -> str:
    lines = ["| period | wall ms | Python CPU ms | PostgreSQL CPU ms | queries |",
             "| --- | --- | --- | --- | --- |"]
    for period, items in samples.items():
        lines.append(" | ".join([
            f"| {period}", _figure([s.wall_ms for s in items]),
            _figure([s.python_ms for s in items]), _figure([s.database_ms for s in items]),
            _figure([float(s.queries) for s in items])]) + " |")
    return "\n".join(lines)


def statement_table(statements: list[Statement], limit: int) -> str:
    total = sum(item.ms for item in statements)
    lines = [f"{len(statements)} statements, {total:.0f} ms in the database driver; "
             f"the {min(limit, len(statements))} slowest:", "",
             "| ms | rows | asked by | statement |", "| --- | --- | --- | --- |"]
    for item in sorted(statements, key=lambda s: -s.ms)[:limit]:
        sql = item.sql.replace("|", "\\|")
        lines.append(f"| {item.ms:.1f} | {item.rows} | {item.caller} | `{sql}` |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--statements", type=int, default=8,
                        help="how many of the slowest statements to print")
    parser.add_argument("--explain-period", default="semua", choices=PERIODS,
                        help="the period whose statements are printed")
    parser.add_argument("--kecamatan", default="", help="a kecamatan code (default: all)")
    parser.add_argument("--json", action="store_true", help="the samples as JSON too")
    parser.add_argument("--no-parallel", action="store_true",
                        help="no parallel query: the PostgreSQL CPU column is all of it")
    args = parser.parse_args(argv)
    app = build_app(LARGE_URL, parallel=not args.no_parallel)
    load = os.getloadavg()
    print(f"cold {PATH}, {args.runs} runs per period, load average {load[0]:.1f}",
          file=sys.stderr)
    samples = measure(app, args.runs, kecamatan=args.kecamatan,
                      progress=lambda line: print(line, file=sys.stderr))
    statements = statements_of(app, args.explain_period, args.kecamatan)
    scope = f"kecamatan {args.kecamatan}" if args.kecamatan else "the whole regency"
    if args.no_parallel:
        scope += ", no parallel query"
    print(f"Cold `{PATH}`, {scope}: median (min–max) of {args.runs} runs, in-process, "
          f"load average {load[0]:.1f} → {os.getloadavg()[0]:.1f}\n")
    print(table(samples))
    print(f"\nOne cold request, `periode={args.explain_period}`: "
          + statement_table(statements, args.statements))
    if args.json:
        print(json.dumps({period: [vars(s) for s in items]
                          for period, items in samples.items()}))


if __name__ == "__main__":
    main()
