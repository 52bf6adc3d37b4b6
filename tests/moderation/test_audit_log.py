"""Audit events read as sentences: every action the code can record has one (found by
walking the source), none shows a dotted code, in Indonesian and in English; the audit
log viewer (`/admin/audit`) for admins only, with its filters and cursor."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from kim_app.admin import reference
from kim_app.business import members
from kim_app.common import audit, audit_sentences
from kim_app.models import AuditEvent, ThreadStatus, utcnow
from tests import business_factories as shop
from tests.conftest import HX, login, make_user

SOURCE = Path(audit_sentences.__file__).parents[1]
RECORDERS = {"record", "_audit", "_record"}
DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def _values(node, function) -> list[str | re.Pattern]:
    """What an action argument can be: literals, f-string patterns, both sides of an
    `a if … else b`, and what a local name is assigned."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
                 for part in node.values]
        return [re.compile("".join(parts))]
    if isinstance(node, ast.IfExp):
        return _values(node.body, function) + _values(node.orelse, function)
    if isinstance(node, ast.Name) and function is not None:
        if node.id in {arg.arg for arg in function.args.args}:
            return []  # a wrapper passing its own parameter on: its callers are walked
        found = []
        for statement in ast.walk(function):
            if isinstance(statement, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == node.id
                    for target in statement.targets):
                found += _values(statement.value, function)
        return found
    raise AssertionError(f"an action the test cannot read: {ast.dump(node)}")


def recorded_actions() -> list[str | re.Pattern]:
    actions = []
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
        for function in functions:
            for call in ast.walk(function):
                if not isinstance(call, ast.Call) or len(call.args) < 2:
                    continue
                name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
                if name in RECORDERS:
                    actions += _values(call.args[1], function)
    return actions


def every_action() -> set[str]:
    """Each action the code can write, the f-string ones expanded from what fills them."""
    expansions = {
        "thread.": [f"thread.{status.value}" for status in ThreadStatus],
        ".created": [f"{model.__tablename__}.created" for model in reference.LISTS.values()],
        ".updated": [f"{model.__tablename__}.updated" for model in reference.LISTS.values()],
    }
    actions = set()
    for action in recorded_actions():
        if isinstance(action, str):
            actions.add(action)
            continue
        expanded = [a for key, values in expansions.items() for a in values
                    if key in action.pattern.replace("\\", "") and action.fullmatch(a)]
        assert expanded, f"no expansion for the recorded action pattern {action.pattern}"
        actions.update(expanded)
    return actions


def test_the_walk_finds_the_recorded_actions():
    actions = every_action()
    assert len(actions) > 40
    assert {"business.appoint_manager", "product.create", "thread.diverifikasi",
            "moderation.redact", "category.created", "kim.deactivate"} <= actions


@pytest.mark.parametrize("action", sorted(every_action()))
def test_every_recorded_action_reads_as_a_sentence(app, action):
    assert action in audit_sentences.SENTENCES, f"no sentence for {action}"
    event = AuditEvent(id=1, action=action, object_type=action.split(".")[0], object_id=1,
                       detail={"from": "anggota", "to": "ketua", "fields": ["contact"],
                               "reports": 3, "name": "Keripik Tempe"}, reason="")
    event.actor = make_user(name="Siti Aminah")
    with app.test_request_context():
        indonesian = audit_sentences.sentence(event, ("Keripik Tempe", "Budi", "Keripik"),
                                              "KIM Gulangpongge")
        with force_locale("en"):
            english = audit_sentences.sentence(event, ("Keripik Tempe", "Budi", "Keripik"),
                                               "KIM Gulangpongge")
    for text in (indonesian, english):
        assert text.startswith("Siti Aminah ") and "%(" not in text, text
        assert not DOTTED.search(text), text
    assert english != indonesian, f"{action} is not translated"


def test_an_unknown_action_still_reads_as_a_sentence(app):
    event = AuditEvent(id=1, action="something.new", object_type="product", object_id=1,
                       detail={})
    with app.test_request_context():
        text = audit_sentences.sentence(event, ("Keripik Tempe", "", ""))
    assert text == "Sistem mengubah produk \u201cKeripik Tempe\u201d" and "something" not in text


def test_the_example_sentence(client, db, admin):
    kim = shop.kim("gulangpongge")
    siti = shop.person("Siti", kim)
    budi = shop.person("Budi", kim)
    group = shop.business_group(kim, name="Keripik Tempe")
    members.appoint_manager(siti, group, budi.id)
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Siti mengangkat Budi sebagai pengelola \u201cKeripik Tempe\u201d" in html
    client.post("/bahasa", data={"lang": "en"})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Siti appointed Budi as manager of \u201cKeripik Tempe\u201d" in html


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("petugas", 403), ("admin", 200),
])
def test_only_admins_read_the_audit_log(client, db, warga, petugas, admin, role, expected):
    people = {"warga": warga, "petugas": petugas, "admin": admin}
    if role != "guest":
        login(client, people[role])
    assert client.get("/admin/audit").status_code == expected


def _events(db, admin, warga):
    now = utcnow()
    rows = []
    for number in range(60):
        event = audit.record(admin if number % 2 else warga, "kim.update", "kim_group",
                             shop.kim().id, fields=["contact"])
        event.created_at = now - timedelta(hours=number)
        rows.append(event)
    audit.record(admin, "product.delete", "product", 999, name="Produk Lama")
    db.session.commit()
    return rows


def test_filters_and_cursor(client, db, admin, warga):
    _events(db, admin, warga)
    login(client, admin)
    first = client.get("/admin/audit?objek=kim_group").get_data(as_text=True)
    assert first.count('class="audit-event"') == 50 and 'id="audit-more"' in first
    cursor = re.search(r'/admin/audit\?sebelum=(\d+)[^"]*objek=kim_group', first)
    assert cursor
    more = client.get(f"/admin/audit?sebelum={cursor.group(1)}&objek=kim_group", headers=HX)
    html = more.get_data(as_text=True)
    assert html.count('class="audit-event"') == 10 and "<html" not in html
    deleted = client.get("/admin/audit?tindakan=product.delete").get_data(as_text=True)
    assert deleted.count('class="audit-event"') == 1 and "Produk Lama" in deleted
    by_actor = client.get(f"/admin/audit?pelaku={warga.name.split()[0]}&objek=kim_group")
    assert by_actor.get_data(as_text=True).count('class="audit-event"') == 30
    today = utcnow().date().isoformat()
    recent = client.get(f"/admin/audit?dari={today}&objek=kim_group").get_data(as_text=True)
    assert 0 < recent.count('class="audit-event"') < 50
    # Nonsense filters are ignored, never an error.
    assert client.get("/admin/audit?objek=x&tindakan=y&dari=kemarin&sebelum=abc").status_code \
        == 200
    fragment = client.get("/admin/audit?objek=kim_group", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="audit-list"')
    assert not DOTTED.search(re.sub(r"<[^>]+>", "", fragment))


def test_the_kim_history_uses_the_same_sentences(client, db):
    kim = shop.kim("kajen")
    ketua = shop.person("Ketua Kajen", kim, role=shop.MemberRole.KETUA)
    audit.record(ketua, "product.create", "product", 12345, kim_group_id=kim.id,
                 name="Gula Aren")
    db.session.commit()
    login(client, ketua)
    html = client.get("/kim/kajen/riwayat").get_data(as_text=True)
    assert "Ketua Kajen menambah produk \u201cGula Aren\u201d" in html
    assert "product.create" not in html
    assert db.session.scalar(select(AuditEvent.id))
