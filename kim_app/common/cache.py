"""A cache every worker shares: Redis when `REDIS_URL` is set, this process's memory
otherwise (one process in development; several workers without Redis each keep their own,
so what one of them caches may be up to its lifetime stale in another).

Values are bytes; keys are namespaced by the database the app serves (`cache_key`), so two
apps on one Redis (the benchmark's two datasets, a staging copy) never read each other's
entries. Redis failing is a miss, never an error: the cache then stays out of the way for
`RETRY_SECONDS` instead of making every request wait for its timeout.

The *table generations* are counters, one per table, each bumped after every committed
write to that table (`common/tables.py`). A kept page or region records the generations of
the tables its request read (`snapshot`); it is stale once any of them moved on
(`is_current`), and only then: a write to the notifications leaves the thread lists kept.
"""

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

RETRY_SECONDS = 5.0
MEMORY_ENTRIES = 2_000
TABLES = "tables"  # the hash of table generations
# The generations a request began with, in its WSGI environ: the response cache reads them
# before the app runs, and the app's kept regions use the same reading.
GENERATIONS_READ = "kim.table_generations"
T = TypeVar("T")


class MemoryStore:
    """Entries with an expiry time, the least recently used dropped beyond `MEMORY_ENTRIES`."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._counters: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        now = time.monotonic()
        found: list[bytes | None] = []
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is None or entry[0] < now:
                    found.append(None)
                    continue
                self._entries.move_to_end(key)
                found.append(entry[1])
        return found

    def set(self, key: str, value: bytes, seconds: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > MEMORY_ENTRIES:
                self._entries.popitem(last=False)

    def get_with_counters(self, keys: list[str], name: str):
        """The entries under `keys` and the counters of the hash `name`, at one moment."""
        with self._lock:
            counters = {field.encode(): str(value).encode()
                        for field, value in self._counters.get(name, {}).items()}
        return self.get_many(keys), counters

    def incr_counters(self, name: str, fields) -> None:
        with self._lock:
            counters = self._counters.setdefault(name, {})
            for field in fields:
                counters[field] = counters.get(field, 0) + 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counters.clear()


class RedisStore:
    def __init__(self, url: str, timeout: float):
        import redis

        self._redis = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                           socket_timeout=timeout)
        self._errors = (redis.RedisError, OSError)
        self._down_until = 0.0

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return None
        try:
            return getattr(self._redis, method)(*args, **kwargs)
        except self._errors:
            self._down_until = time.monotonic() + RETRY_SECONDS
            return None

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        return self._call("mget", keys) or [None] * len(keys)

    def set(self, key: str, value: bytes, seconds: float) -> None:
        self._call("set", key, value, px=max(1, int(seconds * 1000)))

    def get_with_counters(self, keys: list[str], name: str):
        """The entries under `keys` and the counters of the hash `name`: one round trip."""
        if time.monotonic() < self._down_until:
            return [None] * len(keys), {}
        try:
            pipe = self._redis.pipeline(transaction=False)
            if keys:
                pipe.mget(keys)
            pipe.hgetall(name)
            answers = pipe.execute()
        except self._errors:
            self._down_until = time.monotonic() + RETRY_SECONDS
            return [None] * len(keys), {}
        return (answers[0] if keys else []), answers[-1]

    def incr_counters(self, name: str, fields) -> None:
        if time.monotonic() < self._down_until:
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for field in fields:
                pipe.hincrby(name, field, 1)
            pipe.execute()
        except self._errors:
            self._down_until = time.monotonic() + RETRY_SECONDS

    def clear(self) -> None:
        """Only this app's keys."""
        keys = self._call("keys", cache_key("*"))
        if keys:
            self._call("delete", *keys)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    store = RedisStore(url, app.config["REDIS_TIMEOUT"]) if url else MemoryStore()
    database = str(app.config["SQLALCHEMY_DATABASE_URI"]).encode()
    app.extensions["kim_cache"] = store
    app.extensions["kim_cache_prefix"] = "kim:" + hashlib.sha256(database).hexdigest()[:12] + ":"


def store_for(app: Flask):
    return app.extensions["kim_cache"]


def cache_key(name: str, app: Flask | None = None) -> str:
    return (app or current_app).extensions["kim_cache_prefix"] + name


def get(name: str) -> bytes | None:
    return store_for(current_app).get_many([cache_key(name)])[0]


def put(name: str, value: bytes, seconds: float) -> None:
    store_for(current_app).set(cache_key(name), value, seconds)


def remember(name: str, seconds: float, compute: Callable[[], T], *,
             dump: Callable[[T], object], load: Callable[[object], T]) -> T:
    """`compute()`, kept as JSON under `name` for `seconds` (`0`: always computed). JSON,
    never pickles: what Redis holds is data, not code."""
    if seconds <= 0:
        return compute()
    stored = get(name)
    if stored is not None:
        return load(json.loads(stored))
    value = compute()
    put(name, json.dumps(dump(value)).encode(), seconds)
    return value


def get_with_generations(keys: list[str], app: Flask | None = None):
    """The entries under `keys` (already `cache_key`s) and the table generations now
    ({table: counter}, as bytes; a table never written is absent): one round trip."""
    app = app or current_app
    return store_for(app).get_with_counters(keys, cache_key(TABLES, app))


def generations(app: Flask | None = None) -> dict[bytes, bytes]:
    return get_with_generations([], app)[1]


def snapshot(tables, generations: dict[bytes, bytes]) -> bytes:
    """What an entry records of the tables its request read: `table=counter,…`."""
    return b",".join(table.encode() + b"=" + generations.get(table.encode(), b"0")
                     for table in sorted(tables))


def is_current(recorded: bytes, generations: dict[bytes, bytes]) -> bool:
    """Whether no table `snapshot` recorded has been written since."""
    if not recorded:
        return True
    for item in recorded.split(b","):
        table, _, counter = item.partition(b"=")
        if generations.get(table, b"0") != counter:
            return False
    return True


_writes = 0


def local_writes() -> int:
    """Writes committed in this process so far (what copies kept in it compare)."""
    return _writes


def bump_tables(tables, app: Flask | None = None) -> None:
    """After a committed write to `tables`: what was kept from them is stale."""
    global _writes
    _writes += 1
    app = app or current_app
    store_for(app).incr_counters(cache_key(TABLES, app), sorted(tables))
