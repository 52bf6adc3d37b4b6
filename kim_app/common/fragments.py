"""Regions of a page kept rendered in the shared cache, for readers the response cache
does not serve (someone logged in, or a guest whose kept page has expired).

A template marks a region it may keep:

    {% call fragment("threads.list") %}<section id="thread-list">…</section>{% endcall %}

and the view hands it what the region shows as `Deferred` values, which run their query
only when the region is rendered. A kept region is served as it was rendered for

- the same region name and the same URL (path and query string, and the htmx headers
  that choose a page's shape),
- the same language, time zone and data-saver choice,
- the same reader: every guest alike; someone logged in alone, and per session (a region
  may hold a form whose CSRF token belongs to that session),
- the same data: a region records the generations of the tables its request read
  (`common/tables.py`), and a committed write to any of them makes it stale (nothing a
  feature writes needs to know about this cache; a write elsewhere leaves it kept). The
  layout's regions (the header, the footer) count their own queries for themselves alone:
  the bell's unread count does not make a page's list stale,

for at most `FRAGMENT_CACHE_SECONDS` (what depends on the clock, "due today" and the like,
is at most that late). Only GET and HEAD requests that have written nothing use it.

So a page whose every region is kept needs nothing from the database: a thread, product
or KIM page (`page_head` in base.html keeps its title and description with its preview)
does not look its object up, since with no write to what it read it is as it was, and as
visible to this reader, when the page answered 200 at this URL.

The regions live where every worker reads the same generations: Redis. Without `REDIS_URL`
the setting defaults to 0 (off), since one worker would not see another's writes; a single
process (the development server) may switch it on.
"""

import hashlib

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup

from kim_app.common import cache, data_saver, tables

GUEST = "guest"
LAYOUT = ("layout.header", "layout.footer")  # base.html's regions
ASKED_SAVE_DATA = b"s"
_UNSET = object()


class Deferred:
    """A value computed the first time a template uses it: `Deferred(load, *args)` stands
    for `load(*args)` (iterated, measured, indexed, its attributes read)."""

    __slots__ = ("_load", "_args", "_kwargs", "_value")

    def __init__(self, load, *args, **kwargs):
        self._load, self._args, self._kwargs = load, args, kwargs
        self._value = _UNSET

    def value(self):
        if self._value is _UNSET:
            self._value = self._load(*self._args, **self._kwargs)
        return self._value

    def __iter__(self):
        return iter(self.value())

    def __len__(self):
        return len(self.value())

    def __bool__(self):
        return bool(self.value())

    def __getitem__(self, item):
        return self.value()[item]

    def __contains__(self, item):
        return item in self.value()

    def __getattr__(self, name):
        return getattr(self.value(), name)

    def __str__(self):
        return str(self.value())

    def __int__(self):
        return int(self.value())

    def __index__(self):
        return self.value().__index__()

    def __eq__(self, other):
        return self.value() == resolved(other)

    __hash__ = None

    def part(self, index) -> "Deferred":
        """What `value()[index]` will be: a view's query that returns a pair (rows and a
        cursor) handed to the template as two deferred values."""
        return Deferred(lambda: self.value()[index])


def resolved(value):
    """`value` itself, or what a `Deferred` stands for."""
    return value.value() if isinstance(value, Deferred) else value


def _enabled() -> bool:
    if not current_app.config.get("FRAGMENT_CACHE_SECONDS"):
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    from kim_app.extensions import db
    from kim_app.response_cache import WROTE

    state = db.session()
    return not (state.info.get(WROTE) or state.new or state.dirty or state.deleted)


def _reader() -> str:
    if not current_user.is_authenticated:
        return GUEST
    token = session.get("csrf_token") or ""
    return f"u{current_user.id}:" + hashlib.sha256(token.encode()).hexdigest()[:12]


def _request_part() -> bytes:
    """What every region's key on this request shares (see the module's docstring)."""
    part = request.environ.get("kim.fragment_request")
    if part is None:
        headers = request.headers
        parts = (request.path, request.query_string.decode("latin-1"),
                 headers.get("HX-Request", ""), headers.get("HX-Boosted", ""),
                 headers.get("HX-History-Restore-Request", ""), str(get_locale()),
                 str(get_timezone()), "save-data" if data_saver.wanted() else "", _reader())
        part = "\x00".join(parts).encode("utf-8", "replace")
        request.environ["kim.fragment_request"] = part
    return part


def key_for(name: str) -> str:
    """The cache key of region `name` on this request, for this reader."""
    digest = hashlib.sha256(name.encode() + b"\x00" + _request_part()).hexdigest()
    return cache.cache_key("fragment:" + digest[:32])


def _lookup(*names: str) -> list[tuple[str, Markup | None]]:
    """(key, the kept HTML or None) of each region, asked of the cache once per request
    (the regions not yet asked in one round trip)."""
    looked = g.setdefault("kim_fragments", {})
    # The layout's regions come along with the first look-up: one round trip for a page.
    wanted = [name for name in dict.fromkeys((*names, *LAYOUT)) if name not in looked]
    if wanted:
        keys = [key_for(name) for name in wanted]
        stored = cache.store_for(current_app).get_many(keys)
        generations = _generations()
        for name, key, entry in zip(wanted, keys, stored, strict=True):
            looked[name] = (key, _kept_html(entry, generations))
    return [looked[name] for name in names]


def _generations() -> dict[bytes, bytes]:
    """The table generations when this request began (`_note_generations`, or the response
    cache's reading before the app ran): what the view reads may be older than any later
    reading, and must not be kept as newer."""
    generations = g.get("kim_fragment_generations")
    if generations is None:
        generations = request.environ.get(cache.GENERATIONS_READ)
        if generations is None:
            generations = cache.generations()
        g.kim_fragment_generations = generations
    return generations


def _note_generations() -> None:
    if _enabled():
        _generations()


def _kept_html(entry: bytes | None, generations: dict[bytes, bytes]) -> Markup | None:
    if entry is None:
        return None
    head, _, body = entry.partition(b"\n")
    recorded, _, flags = head.partition(b" ")
    if not cache.is_current(recorded, generations):
        return None
    if flags == ASKED_SAVE_DATA:
        data_saver.mark_asked()  # the page still says `Vary: Save-Data`
    return Markup(body.decode())  # noqa: S704  # nosec B704 - rendered by us


def is_kept(*names: str) -> bool:
    """Whether all these regions of this page will come from the cache: a view may then
    skip loading what only they show."""
    return _enabled() and all(html is not None for _key, html in _lookup(*names))


def fragment(name: str, caller) -> Markup:
    """The region's HTML: kept, or rendered now by `caller` (Jinja's `{% call %}` body)."""
    if not _enabled():
        return caller()
    [(key, html)] = _lookup(name)
    if html is not None:
        return html
    asked_before = data_saver.was_asked()
    data_saver.forget_asked()  # did this region ask? (kept with it, for when it is served)
    log = tables.read_log()
    start = len(log)
    html = caller()
    flags = ASKED_SAVE_DATA if data_saver.was_asked() else b""
    if asked_before:
        data_saver.mark_asked()
    # Kept once the response is known to be a 200 (`_store_rendered`): a region of an
    # error page must not come back on the page the view serves from the cache.
    g.setdefault("kim_fragments_rendered", []).append(
        (key, name in LAYOUT, start, len(log), flags, str(html).encode()))
    return html


def _store_rendered(response):
    rendered = g.pop("kim_fragments_rendered", None)
    if rendered and response.status_code == 200:
        store = cache.store_for(current_app)
        generations = _generations()
        log = tables.read_log()
        layout = [range(start, end) for _key, is_layout, start, end, *_rest in rendered
                  if is_layout]
        # A page's own regions: every table the request read, but those read only by the
        # layout's own queries (the bell's count), which nothing else shows.
        page_reads = set().union(*(names for index, names in enumerate(log)
                                   if not any(index in span for span in layout)))
        page = cache.snapshot(page_reads, generations)
        for key, is_layout, _start, end, flags, html in rendered:
            # A layout region: what was read before it and by it.
            read = cache.snapshot(set().union(*log[:end]), generations) if is_layout else page
            store.set(key, read + b" " + flags + b"\n" + html,
                      current_app.config["FRAGMENT_CACHE_SECONDS"])
    return response


def register(app: Flask) -> None:
    app.jinja_env.globals["fragment"] = fragment
    app.before_request(_note_generations)
    app.after_request(_store_rendered)
