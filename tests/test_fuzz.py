"""Property-based fuzzing: every route, every form and query parameter, as each role; no
request may answer 5xx (or raise).

The parameter names are every form field of the app's forms plus every name the code reads
from `request.args` / `request.form` (found in the source), so a new parameter is fuzzed
without touching this file. Values are drawn from what breaks naive code: huge and negative
numbers, blanks, CR/LF, foreign URLs, markup, long and odd Unicode text.

CI runs a bounded, derandomised number of examples (`KIM_FUZZ_EXAMPLES`, default 120); set
`KIM_FUZZ_EXAMPLES=5000 KIM_FUZZ_SEED=random` for a long, random run. The test prints the
status counts it saw.
"""

import io
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from flask import url_for
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from wtforms.fields.core import UnboundField

from kim_app.models import (
    BusinessGroup,
    Category,
    KimGroup,
    MemberRole,
    Notification,
    Product,
    Thread,
    Visibility,
)
from tests import business_factories as bf
from tests.conftest import PASSWORD
from tests.test_info import publish
from tests.threads.conftest import kim, member, new_thread

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("KIM_FUZZ_EXAMPLES", "120"))
RANDOM = os.environ.get("KIM_FUZZ_SEED") == "random"
# Requests that would end the role's session for the rest of the run.
SKIPPED = {"auth.logout", "static"}

NASTY_NUMBERS = ["0", "-1", "1", "2", "2147483647", "2147483648", "9223372036854775808",
                 "99999999999999999999", "-99999999999999999999", "1e9", "1.5", " ", "",
                 "０", "٣", "²", "NaN", "-0", "1_000", " 7 "]
NASTY_TEXT = ["", " ", "\r\n", "a\r\nLocation: //evil.example", "//evil.example",
              "https://evil.example/", "/\\evil.example", "\\\\evil.example", "<script>x</script>",
              "' OR 1=1 --", "%00", "\x00", "ā" * 300, "x" * 5000, "🙂", "../../etc/passwd",
              "javascript:alert(1)", "/akun", "/tanya/?q=x", "on", "true", "id", "en", "zz"]
PARAM_PATTERN = re.compile(
    r"""(?:args|form|values|formdata|data)\.get(?:list)?\(\s*["']([\w-]+)["']""")


def parameter_names(app) -> list[str]:
    names = {"_method", "next", "csrf_token", "submission_key"}
    for path in (ROOT / "kim_app").rglob("*.py"):
        names.update(PARAM_PATTERN.findall(path.read_text()))
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        for klass in form.__mro__:
            names.update(key for key, value in vars(klass).items()
                         if isinstance(value, UnboundField))
    return sorted(names)


@pytest.fixture
def world(app, db, petugas, admin):
    """Something of everything, so ids, slugs and codes can hit real rows too."""
    home = kim()
    ketua = member(home, MemberRole.KETUA, name="Ketua Fuzz")
    warga = member(home, name="Warga Fuzz")
    public = new_thread(warga)
    private = new_thread(warga, title="Pertanyaan pribadi", visibility=Visibility.PRIVATE)
    group = bf.business_group(home, "Keripik Fuzz")
    bf.appoint(ketua, group)
    bf.product(group, "Keripik Pedas", 15000, photos=1)
    publish(db, petugas, title="Pengumuman fuzz")
    return {"anonim": None, "warga": warga, "ketua": ketua, "petugas": petugas,
            "admin": admin, "threads": [public, private]}


def real_values(db) -> tuple[list[str], list[int]]:
    strings = set()
    for column in (KimGroup.slug, BusinessGroup.slug, Product.slug, Thread.code, Category.slug):
        strings.update(db.session.scalars(select(column)))
    strings.update(["kategori", "instansi", "status", "anggota", "pengurus", "naik", "turun",
                    "atas", "bawah", "foto", "kelola", "csv"])
    ids = set()
    for model in (KimGroup, BusinessGroup, Product, Thread, Notification):
        ids.update(db.session.scalars(select(model.id)))
    return sorted(strings), sorted(ids)


LINK = re.compile(r'(href|action|hx-get|hx-post|formaction)="(/[^"#]*)"')


def crawl(clients: dict, start: list[str], limit: int = 150) -> list[tuple[str, str, str]]:
    """(role, method, URL) of every link, form and htmx target on the pages each role
    reaches from `start` (two clicks deep): real URLs, so fuzzed values meet real rows."""
    found: set[tuple[str, str, str]] = set()
    for role, client in clients.items():
        queue, seen = list(start), set()
        while queue and len(seen) < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            for attribute, target in LINK.findall(response.get_data(as_text=True)):
                target = target.replace("&amp;", "&").split("?")[0]
                if target.startswith(("/static/", "/media/", "/auth/keluar")):
                    continue
                method = "POST" if attribute in ("action", "hx-post", "formaction") else "GET"
                found.add((role, method, target))
                if method == "GET" and url.count("/") < 5:
                    queue.append(target)
    return sorted(found)


def routes(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method))
    return sorted(found)


def test_fuzz_every_route_parameter_and_role(app, db, world):
    names = parameter_names(app)
    strings, ids = real_values(db)
    clients = {}
    for role, user in world.items():
        if role == "threads":
            continue
        client = app.test_client()
        if user is not None:
            response = client.post("/auth/masuk",
                                   data={"identifier": user.phone, "password": PASSWORD})
            assert response.status_code == 302
        clients[role] = client
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    targets = routes(app)
    crawled = crawl(clients, ["/", "/tanya/", "/kim/", "/usaha/", "/info/", "/statistik",
                              "/petugas/", "/akun", "/akun/notifikasi", "/kim/gulangpongge"])
    statuses: Counter = Counter()
    failures: dict[str, str] = {}

    text = st.one_of(st.sampled_from(NASTY_TEXT + NASTY_NUMBERS + strings),
                     st.text(max_size=40))
    number = st.one_of(st.sampled_from([str(i) for i in ids] + NASTY_NUMBERS),
                       st.integers(min_value=-2**70, max_value=2**70).map(str))

    def path_value(converter: str):
        """Mostly real ids and slugs (so the route's own code runs), sometimes hostile."""
        if converter == "IdConverter":
            real = st.sampled_from(ids or [1])
            hostile = st.one_of(st.sampled_from([0, 2**31 - 1, 2**31, 2**63, 10**20]),
                                st.integers(min_value=0, max_value=2**70))
        else:
            real = st.sampled_from(strings)
            hostile = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                     blacklist_characters="/"),
                              min_size=1, max_size=30)
        return st.one_of(real, real, real, hostile)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def one_request(data):
        if data.draw(st.booleans()):  # a real link or form of a page, as the role saw it
            role, method, path = data.draw(st.sampled_from(crawled))
        else:  # any route, its path values drawn
            endpoint, method = data.draw(st.sampled_from(targets))
            role = data.draw(st.sampled_from(sorted(clients)))
            rule = rules[endpoint]
            values = {arg: data.draw(path_value(type(rule._converters[arg]).__name__))
                      for arg in rule.arguments}
            try:
                with app.test_request_context():
                    path = url_for(endpoint, **values)
            except Exception:  # noqa: BLE001 - a value the converter cannot build: skip it
                return
        params = data.draw(st.dictionaries(st.sampled_from(names),
                                           st.one_of(text, number), max_size=6))
        if method != "GET" and data.draw(st.booleans()):
            name = data.draw(st.sampled_from(["photos", "photo", "logo", "document"]))
            params[name] = (io.BytesIO(data.draw(st.binary(max_size=64))), "x.jpg")
        kwargs = ({"query_string": params} if method == "GET" else
                  {"data": params, "content_type": "multipart/form-data"})
        if data.draw(st.booleans()):
            kwargs["headers"] = {"HX-Request": "true"}
        try:
            response = clients[role].open(path, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - a crash is what this test looks for
            statuses["exception"] += 1
            failures.setdefault(f"{endpoint} {method}: {type(error).__name__}: {error}"[:300],
                                f"{role} {method} {path} {params}"[:500])
            return
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.setdefault(f"{endpoint} {method}: {response.status_code}",
                                f"{role} {method} {path} {params}"[:500])

    one_request()
    counts = dict(sorted(statuses.items(), key=str))
    print(f"\nfuzz: {sum(statuses.values())} requests ({len(crawled)} crawled targets), "
          f"statuses {counts}")
    assert not failures, "\n".join(f"{sig}\n    e.g. {eg}" for sig, eg in failures.items())
