"""Simultaneous reports, real requests on both databases: three villagers at once reach the
threshold (each counts the others), one villager's double submit is one report."""

import pytest
from sqlalchemy import func, select

from kim_app.models import Report
from kim_app.moderation import reports
from tests.moderation.conftest import reporters, trusted
from tests.served import at_once, served, session_for, slowed
from tests.threads.conftest import new_thread

pytestmark = pytest.mark.real_db


def _post(session, base, thread_id):
    return lambda: session.post(f"{base}/lapor/pertanyaan/{thread_id}", timeout=30,
                                data={f"report-pertanyaan-{thread_id}-reason": "spam"},
                                headers={"HX-Request": "true"})


def test_three_reports_at_once_hide_the_item(app_factory, db, monkeypatch):
    thread = new_thread(trusted(), verified=True)
    people = reporters(3)
    slowed(monkeypatch, reports, "open_report_count")
    with served(app_factory()) as base:
        sessions = [session_for(base, person) for person in people]
        responses = at_once(*(_post(session, base, thread.id) for session in sessions))
    assert [response.status_code for response in responses] == [200, 200, 200]
    db.session.expire_all()
    db.session.refresh(thread)
    assert thread.hidden_at is not None


def test_a_double_submit_is_one_report(app_factory, db, monkeypatch):
    thread = new_thread(trusted(), verified=True)
    reporter = trusted()
    slowed(monkeypatch, reports, "has_reported")
    with served(app_factory()) as base:
        session = session_for(base, reporter)
        responses = at_once(_post(session, base, thread.id), _post(session, base, thread.id))
    assert sorted(response.status_code for response in responses) == [200, 409]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
