"""What a status means, said once in `threads.lifecycle`: the stored due date follows every
step, overdue reads the same in Python and SQL, every page agrees, and the pages offer
exactly the allowed actions."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from kim_app.extensions import db as _db
from kim_app.models import Role, Thread, ThreadStatus, Visibility, utcnow
from kim_app.threads import lifecycle
from kim_app.threads.tracking import new_code
from tests.conftest import HX, login, make_user
from tests.threads.conftest import VILLAGE, advance, agency, category, new_thread

S = ThreadStatus


def test_the_stored_due_date_follows_every_step(db, asker, petugas):
    thread = new_thread(asker)
    assert thread.due_on == thread.verify_due_on is not None
    lifecycle.verify(thread, petugas)
    db.session.commit()
    assert thread.due_on == thread.answer_due_on is not None
    lifecycle.assign(thread, petugas, agency(), petugas)
    db.session.commit()
    assert thread.due_on == thread.answer_due_on
    lifecycle.answer(thread, petugas, "Sudah kami tindak lanjuti.")
    db.session.commit()
    assert thread.due_on is None
    thread.answer_due_on = date.today() - timedelta(days=30)  # the old step's date
    db.session.commit()
    lifecycle.reopen(thread, asker, "Belum selesai di lapangan.")
    db.session.commit()
    assert thread.due_on == thread.answer_due_on >= date.today()
    lifecycle.answer(thread, petugas, "Sekarang sudah.")
    lifecycle.close(thread, asker, 4)
    db.session.commit()
    assert thread.due_on is None
    rejected = advance(new_thread(asker, title="Iklan obat kuat"), petugas, S.DITOLAK)
    assert rejected.due_on is None


def test_an_edited_due_date_is_stored_too(db, asker):
    thread = new_thread(asker)
    thread.verify_due_on = date(2025, 1, 6)
    db.session.commit()
    stored = db.session.scalar(select(Thread.due_on).where(Thread.id == thread.id))
    assert stored == date(2025, 1, 6)


@pytest.mark.parametrize(("status", "verify", "answer", "expected"), [
    (S.BARU, date(2025, 1, 6), None, date(2025, 1, 6)),
    (S.DIVERIFIKASI, date(2025, 1, 6), date(2025, 1, 20), date(2025, 1, 20)),
    (S.DIPROSES, date(2025, 1, 6), date(2025, 1, 20), date(2025, 1, 20)),
    (S.DIJAWAB, date(2025, 1, 6), date(2025, 1, 20), None),
    (S.SELESAI, date(2025, 1, 6), date(2025, 1, 20), None),
    (S.DITOLAK, date(2025, 1, 6), None, None),
])
def test_current_due_on(status, verify, answer, expected):
    assert lifecycle.current_due_on(status, verify, answer) == expected


def test_status_groups():
    assert lifecycle.AWAITING_OFFICER == (S.BARU, S.DIVERIFIKASI, S.DIPROSES)
    assert lifecycle.OPEN_FOR_REPLIES == (S.BARU, S.DIVERIFIKASI, S.DIPROSES, S.DIJAWAB)
    assert set(lifecycle.AWAITING_VERIFICATION + lifecycle.AWAITING_ANSWER) == set(
        lifecycle.AWAITING_OFFICER)


def test_overdue_reads_the_same_in_python_and_sql(db, asker, petugas):
    today = date.today()
    late = new_thread(asker, title="Lewat batas verifikasi")
    late.verify_due_on = today - timedelta(days=1)
    due_today = new_thread(asker, title="Batasnya hari ini")
    due_today.verify_due_on = today
    answered = advance(new_thread(asker, title="Sudah dijawab"), petugas, S.DIJAWAB)
    answered.answer_due_on = today - timedelta(days=9)
    late_answer = advance(new_thread(asker, title="Jawaban terlambat"), petugas, S.DIPROSES)
    late_answer.answer_due_on = today - timedelta(days=2)
    db.session.commit()
    threads = [late, due_today, answered, late_answer]
    in_python = {t.id for t in threads if lifecycle.is_overdue(t, today)}
    in_sql = set(db.session.scalars(select(Thread.id).where(lifecycle.overdue_clause(today))))
    assert in_python == in_sql == {late.id, late_answer.id}
    waiting = set(db.session.scalars(select(Thread.id).where(lifecycle.waiting_clause())))
    assert waiting == {late.id, due_today.id, late_answer.id}


def test_one_overdue_thread_is_overdue_on_every_page(client, db, asker, petugas):
    """The inbox, the dashboard, /statistik and the thread page agree by construction."""
    late = new_thread(asker, title="Jalan desa berlubang sejak lama")
    late.verify_due_on = date.today() - timedelta(days=5)
    new_thread(asker, title="Lampu jalan padam")
    advance(new_thread(asker, title="Air PDAM keruh"), petugas, S.DIPROSES)
    db.session.commit()

    login(client, asker)
    page = client.get(f"/tanya/{late.code}").get_data(as_text=True)
    assert page.count("badge-overdue") == 1
    client.post("/auth/keluar")

    figures = client.get("/statistik").get_data(as_text=True)
    card = re.search(r'<li class="stat-card" id="overdue-card">(.*?)</li>', figures, re.S)
    assert re.search(r'class="stat-value">1<', card.group(1))
    assert "dari 3 pertanyaan yang masih menunggu petugas" in card.group(1)

    login(client, petugas)
    inbox = client.get("/petugas/").get_data(as_text=True)
    assert inbox.count("badge-overdue") == 1 and inbox.count("is-overdue") == 1
    late_row = inbox.split(late.code)[0].rsplit("<li", 1)[1]
    assert "is-overdue" in late_row

    dashboard = client.get("/petugas/dasbor").get_data(as_text=True)
    overdue_card = re.search(r'stat-alert"><span class="stat-name">Terlambat</span>'
                             r'<strong class="stat-value">(\d+)<', dashboard)
    assert overdue_card.group(1) == "1"
    overdue_table = dashboard.split('id="overdue-table"')[1].split("</table>")[0]
    assert set(re.findall(r"TNY-\d\d-\w{4}", overdue_table)) == {late.code}


# --- the actions each page offers ---------------------------------------------------------

OFFICER = {
    S.BARU: {"verify", "reject", "merge", "note", "reply", "follow"},
    S.DIVERIFIKASI: {"assign", "merge", "note", "reply", "follow"},
    S.DIPROSES: {"reassign", "answer", "merge", "note", "reply", "follow"},
    S.DIJAWAB: {"reopen", "merge", "note", "reply", "follow"},
    S.SELESAI: {"reopen", "note", "follow"},
    S.DITOLAK: {"note", "follow"},
}
ASKER = {
    S.BARU: {"reply", "follow"},
    S.DIVERIFIKASI: {"reply", "follow"},
    S.DIPROSES: {"reply", "follow"},
    S.DIJAWAB: {"close", "reopen", "reply", "follow"},
    S.SELESAI: {"rate", "follow"},
    S.DITOLAK: {"follow"},
}


@pytest.mark.parametrize("status", list(S))
def test_allowed_actions(db, asker, other, petugas, status):
    thread = advance(new_thread(asker), petugas, status)
    assert lifecycle.allowed_actions(thread, petugas) == OFFICER[status]
    assert lifecycle.allowed_actions(thread, make_user(Role.ADMIN)) == OFFICER[status]
    assert lifecycle.allowed_actions(thread, asker) == ASKER[status]
    # Others see (and may follow) a question once verified; a new or rejected one is not
    # theirs to see.
    seen = status not in (S.BARU, S.DITOLAK)
    assert lifecycle.allowed_actions(thread, other) == ({"follow"} if seen else frozenset())
    assert lifecycle.allowed_actions(thread, None) == frozenset()


FORMS = {
    "verify": "/verifikasi", "reject": "/tolak", "assign": "/tugaskan", "answer": "/jawab",
    "note": "/catatan", "close": "/selesai", "rate": "/nilai", "reopen": "/buka-kembali",
    "reply": "/balas", "follow": "/ikuti", "merge": "/gabungkan",
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("role", ["officer", "asker", "other", "guest"])
def test_the_thread_page_offers_exactly_the_allowed_actions(client, db, asker, other,
                                                             petugas, status, role):
    thread = advance(new_thread(asker), petugas, status)
    person = {"officer": petugas, "asker": asker, "other": other, "guest": None}[role]
    if person is not None:
        login(client, person)
    html = client.get(f"/tanya/{thread.code}", headers=HX).get_data(as_text=True)
    allowed = lifecycle.allowed_actions(thread, person)
    offered = {action for action, path in FORMS.items()
               if f'action="/tanya/{thread.code}{path}"' in html}
    expected = {"assign" if action == "reassign" else action for action in allowed}
    assert offered == expected
    if "reassign" in allowed:
        assert "Alihkan disposisi" in html and "Tugaskan ke instansi" not in html
    if "assign" in allowed:
        assert "Tugaskan ke instansi" in html


# --- the inbox pages by the stored due date ---------------------------------------------

def _bulk(author, statuses, due):
    now = utcnow()
    rows = []
    for number, status in enumerate(statuses):
        verify = due(number)
        rows.append({
            "code": new_code()[:-4] + f"{number:04d}".translate(str.maketrans("01", "AB")),
            "author_id": author.id, "title": f"Pertanyaan {number}", "body": "Isi.",
            "category_id": category().id, "village_code": VILLAGE, "status": status,
            "visibility": Visibility.PUBLIC, "created_at": now, "last_activity_at": now,
            "verify_due_on": verify, "answer_due_on": verify, "reopen_count": 0,
            "rating_comment": "",
            "due_on": lifecycle.current_due_on(status, verify, verify),
        })
    _db.session.execute(insert(Thread), rows)
    _db.session.commit()


def _page_through(client, url):
    html = client.get(url).get_data(as_text=True)
    seen = re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html)
    while match := re.search(r'id="inbox-more".*?href="([^"]+)"', html, re.S):
        html = client.get(match.group(1).replace("&amp;", "&"), headers=HX).get_data(
            as_text=True)
        seen += re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html)
    return seen


def test_inbox_pages_every_status_without_gaps_threads_without_due_date_last(
        client, db, asker, petugas):
    statuses = [S.BARU, S.DIJAWAB, S.DIPROSES, S.SELESAI, S.DITOLAK] * 14
    _bulk(asker, statuses, lambda number: date.today() + timedelta(days=number % 4))
    login(client, petugas)
    seen = _page_through(client, "/petugas/?status=semua")
    assert len(seen) == len(set(seen)) == 70
    rows = {code: (due, id_) for code, due, id_ in db.session.execute(
        select(Thread.code, Thread.due_on, Thread.id))}
    keys = [rows[code] for code in seen]
    dated = [key for key in keys if key[0] is not None]
    undated = [key for key in keys if key[0] is None]
    assert keys == dated + undated  # threads with no officer step due come last …
    assert dated == sorted(dated) and undated == sorted(undated, key=lambda k: k[1])
    assert len(dated) == 28
    # … and the default view (waiting for an officer) has none of them.
    assert len(_page_through(client, "/petugas/")) == 28
    assert db.session.scalar(select(func.count()).select_from(Thread).where(
        lifecycle.waiting_clause(), Thread.due_on.is_(None))) == 0
