"""The shared response cache for guests' pages.

A guest who has not logged in and has not opened a form carries no session cookie (the
CSRF token only goes into the session when a form needs one; the language is a cookie of
its own). Such a person's GET of a public page (`CACHED_BLUEPRINTS`) is the same for every
guest with the same URL, language, `HX-Request` shape, `Accept-Encoding` and `Save-Data`, so the
finished response (compressed, with its headers) is kept in the shared cache
(`common/cache.py`: Redis, or this process) for `RESPONSE_CACHE_SECONDS` and served from
there without entering Flask.

What may be kept is decided when the page is rendered: status 200, HTML, a guest, the
session untouched by the view, no cookie set. Invalidation is generic: a page records the
generations of the tables its request read (`common/tables.py`), every committed write
bumps those of the tables it wrote, and a page that read a table written since is not
served. Nothing a new feature writes needs to know about this cache. Guests' full pages
also say `Cache-Control: public, s-maxage=…` so a proxy in front may micro-cache them
(fragments stay `no-store` for browsers).

`RESPONSE_CACHE_SECONDS=0` switches the server cache off (the header stays).
"""

import hashlib
import json
import time

from flask import Flask, current_app, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from kim_app.common import cache, tables

CACHED_BLUEPRINTS = frozenset({"main", "kim", "threads", "business", "info", "stats"})
NOT_CACHED = frozenset({"main.media", "main.healthz", "static"})
SKIPPED_PATHS = ("/static/", "/media/", "/healthz")
STATUS_HEADER = "X-Cache"
# Per-request figures that must not be replayed from the cache.
NOT_STORED_HEADERS = frozenset({"x-query-count", "x-cache"})
LOCAL_SECONDS = 1.0
LOCAL_ENTRIES = 500
CANDIDATE = "kim.response_cache.candidate"
KEEP = "kim.response_cache.keep"
READ_TABLES = "kim.response_cache.read"
WROTE = "kim_wrote"


class ResponseCacheMiddleware:
    """WSGI middleware: answers guests' GETs from the cache, stores what Flask marked."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cookies = (app.config["SESSION_COOKIE_NAME"],
                        app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
        # Pages from Redis, kept in this process for LOCAL_SECONDS: most hits then need no
        # round trip. A write in this process ends them at once, another's within a second.
        self._local: dict[str, tuple] = {}

    def _keep_locally(self, key: str, entry: tuple) -> None:
        if len(self._local) >= LOCAL_ENTRIES:
            self._local.clear()
        self._local[key] = entry

    def _is_candidate(self, environ) -> bool:
        if environ.get("REQUEST_METHOD") != "GET":
            return False
        if environ.get("PATH_INFO", "").startswith(SKIPPED_PATHS):
            return False
        raw_cookies = environ.get("HTTP_COOKIE", "")
        return not any(f"{name}=" in raw_cookies for name in self.cookies)

    def _key(self, environ) -> str:
        parts = [environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                 _cookie(environ.get("HTTP_COOKIE", ""), self.app.config["LANGUAGE_COOKIE"]),
                 environ.get("HTTP_HX_REQUEST", ""), environ.get("HTTP_HX_BOOSTED", ""),
                 environ.get("HTTP_HX_HISTORY_RESTORE_REQUEST", ""),
                 environ.get("HTTP_ACCEPT_ENCODING", ""),
                 # Data saver pages show photo placeholders (common/data_saver.py).
                 "save-data" if environ.get("HTTP_SAVE_DATA", "").strip().lower() == "on"
                 else ""]
        digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()
        return cache.cache_key("page:" + digest[:32], self.app)

    def __call__(self, environ, start_response):
        if not self._is_candidate(environ):
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        now = time.monotonic()
        local = self._local.get(key)
        if local is not None and local[0] > now and local[1] == cache.local_writes():
            start_response(local[2], local[3])
            return [local[4]]
        store = cache.store_for(self.app)
        writes = cache.local_writes()
        [stored], generations = cache.get_with_generations([key], self.app)
        if stored is not None:
            head, _, body = stored.partition(b"\n")
            entry = json.loads(head)
            # (An entry without "tables" was kept by an older release: stale.)
            if "tables" in entry and cache.is_current(entry["tables"].encode(), generations):
                headers = [*map(tuple, entry["headers"]), (STATUS_HEADER, "hit")]
                if isinstance(store, cache.RedisStore):
                    self._keep_locally(key, (now + LOCAL_SECONDS, writes, entry["status"],
                                             headers, body))
                start_response(entry["status"], headers)
                return [body]
        environ[CANDIDATE] = True
        environ[cache.GENERATIONS_READ] = generations
        captured: dict = {}

        def start(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, [*headers, (STATUS_HEADER, "miss")], exc_info)

        app_iter = self.wsgi_app(environ, start)
        seconds = environ.get(KEEP)
        if not seconds or "status" not in captured:
            return app_iter
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        headers = [(name, value) for name, value in captured["headers"]
                   if name.lower() not in NOT_STORED_HEADERS]
        read = cache.snapshot(set().union(*environ.get(READ_TABLES, ())), generations)
        head = json.dumps({"tables": read.decode(), "status": captured["status"],
                           "headers": headers}).encode()
        cache.store_for(self.app).set(key, head + b"\n" + body, seconds)
        return [body]


def _cookie(raw: str, name: str) -> str:
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def mark_response(response):
    """After the view: may this guest's page be kept and micro-cached by a proxy?"""
    if (request.method != "GET" or response.status_code != 200
            or response.mimetype != "text/html" or request.blueprint not in CACHED_BLUEPRINTS
            or request.endpoint in NOT_CACHED or session.modified
            or current_user.is_authenticated or "Set-Cookie" in response.headers
            or request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])):
        return response
    seconds = current_app.config["RESPONSE_CACHE_SECONDS"]
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = (
            f"public, max-age=0, s-maxage={current_app.config['PROXY_CACHE_SECONDS']}")
    if seconds and request.environ.get(CANDIDATE):
        request.environ[KEEP] = seconds
        # The log itself: what the teardown still reads is recorded too.
        request.environ[READ_TABLES] = tables.read_log()
    return response


def _note_flush(session, _flush_context, _instances):
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


def _note_execute(state):
    if not state.is_select:
        state.session.info[WROTE] = True


def _after_commit(session):
    # The tables written are bumped by common/tables.py.
    session.info.pop(WROTE, None)


def leave_pages_fresh(session) -> None:
    """The writes of this transaction so far change no page at once (the order-click
    counter: the figures it feeds are shown from their own caches, a little later), so its
    commit leaves what was kept of those tables current."""
    session.info.pop(WROTE, None)
    tables.forget_writes()


def _after_rollback(session):
    session.info.pop(WROTE, None)


def _listen_once() -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "before_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def register(app: Flask) -> None:
    cache.init_app(app)
    _listen_once()
    app.after_request(mark_response)
    if app.config["RESPONSE_CACHE_SECONDS"]:
        app.wsgi_app = ResponseCacheMiddleware(app, app.wsgi_app)
