"""`flask escalate`: the responsible officer is reminded on the due date, the agency's petugas
and the admins are told `ESCALATE_AFTER_WORKDAYS` working days later; idempotent across
days, weekends and holidays; the inbox shows and filters the level."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from kim_app.models import AuditEvent, Notification, Role, ThreadStatus
from kim_app.threads import escalation, lifecycle
from tests.conftest import login, make_user
from tests.threads.conftest import advance, agency, new_thread

S = ThreadStatus
DUE = date(2026, 12, 24)  # a Thursday; Friday 25 December is Christmas, then the weekend


def told(db, user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == "thread_escalated"))


def run(runner, day: date) -> str:
    result = runner.invoke(args=["escalate", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def due_thread(db, asker, petugas, dinkes_officer):
    """Being answered by Dinas Kesehatan, assigned to `dinkes_officer`, answer due on DUE."""
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    lifecycle.assign(thread, petugas, agency("dinkes"), dinkes_officer)
    thread.answer_due_on = DUE
    db.session.commit()
    return thread


def test_escalation_is_idempotent_across_working_days_and_holidays(runner, db, due_thread,
                                                                   dinkes_officer, admin,
                                                                   petugas):
    colleague = make_user(Role.PETUGAS, name="Rekan Dinkes", village=None)
    colleague.agency_id = agency("dinkes").id
    db.session.commit()
    people = (dinkes_officer, colleague, admin, petugas)

    def counts():
        db.session.expire_all()
        return [told(db, person) for person in people]

    assert "0 reminded, 0 escalated" in run(runner, date(2026, 12, 23))  # not due yet
    assert counts() == [0, 0, 0, 0]
    assert "1 reminded, 0 escalated" in run(runner, DUE)  # due today: the assigned officer
    assert counts() == [1, 0, 0, 0] and due_thread.escalation_level == 1
    for day in (DUE, date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27),
                date(2026, 12, 28)):
        # Again the same day, Christmas, the weekend, the first working day after: nothing.
        assert "0 reminded, 0 escalated" in run(runner, day)
    assert counts() == [1, 0, 0, 0]
    # The second working day after the due date (25 Dec and the weekend skipped).
    assert "0 reminded, 1 escalated" in run(runner, date(2026, 12, 29))
    assert counts() == [2, 1, 1, 0]  # the Diskominfo petugas is neither assignee nor agency
    assert due_thread.escalation_level == 2
    for day in (date(2026, 12, 29), date(2026, 12, 30), date(2027, 1, 4)):
        assert "0 reminded, 0 escalated" in run(runner, day)
    assert counts() == [2, 1, 1, 0]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "thread.escalated", AuditEvent.object_id == due_thread.id)) == 2


def test_collective_leave_counts_as_a_holiday(runner, app, db, due_thread, dinkes_officer):
    app.config["COLLECTIVE_LEAVE_DAYS"] = (date(2026, 12, 28),)
    run(runner, DUE)
    assert "0 escalated" in run(runner, date(2026, 12, 29))  # only one working day since
    assert "1 escalated" in run(runner, date(2026, 12, 30))


def test_a_thread_found_late_goes_straight_to_level_two_once(runner, db, due_thread,
                                                             dinkes_officer, admin):
    assert "0 reminded, 1 escalated" in run(runner, date(2027, 1, 15))
    db.session.expire_all()
    assert told(db, dinkes_officer) == 1 and told(db, admin) == 1
    assert "0 escalated" in run(runner, date(2027, 1, 16))


def test_a_new_due_date_starts_the_escalation_over(runner, app, db, due_thread, dinkes_officer):
    run(runner, date(2026, 12, 29))
    db.session.expire_all()
    assert due_thread.escalation_level == 2
    with app.test_request_context():
        lifecycle.answer(due_thread, dinkes_officer, "Sudah ditangani puskesmas.")
        lifecycle.reopen(due_thread, dinkes_officer, "Penanya belum puas")
        db.session.commit()
    assert due_thread.escalation_level == 0 and due_thread.escalated_due_on is None


def test_waiting_for_verification_reminds_diskominfo(runner, db, asker, petugas,
                                                     dinkes_officer, admin):
    thread = new_thread(asker)
    thread.verify_due_on = DUE
    db.session.commit()
    run(runner, DUE)
    db.session.expire_all()
    assert told(db, petugas) == 1  # no assignee, no agency yet: Diskominfo's petugas
    assert told(db, dinkes_officer) == 0 and told(db, admin) == 0


def test_an_unassigned_agency_thread_reminds_the_agency(runner, db, asker, petugas,
                                                        dinkes_officer):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    lifecycle.assign(thread, petugas, agency("dinkes"))
    thread.answer_due_on = DUE
    db.session.commit()
    run(runner, DUE)
    db.session.expire_all()
    assert told(db, dinkes_officer) == 1 and told(db, petugas) == 0


def test_answered_threads_do_not_escalate(runner, app, db, due_thread, dinkes_officer):
    with app.test_request_context():
        lifecycle.answer(due_thread, dinkes_officer, "Sudah dijawab tepat waktu.")
        db.session.commit()
    assert "0 reminded, 0 escalated" in run(runner, date(2027, 1, 15))


def test_the_inbox_shows_and_filters_the_escalation_level(runner, client, db, asker, petugas,
                                                          due_thread):
    other = new_thread(asker, title="Belum jatuh tempo sama sekali")
    other.verify_due_on = date(2027, 2, 1)
    db.session.commit()
    run(runner, date(2026, 12, 29))
    login(client, petugas)
    page = client.get("/petugas/").get_data(as_text=True)
    row = next(chunk for chunk in page.split("<li") if f"/tanya/{due_thread.code}" in chunk)
    assert "Dieskalasi ke instansi dan admin" in row
    assert page.count("badge-escalation") == 1

    def listed(query):
        html = client.get(f"/petugas/?{query}").get_data(as_text=True)
        return re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html)

    assert listed("eskalasi=2") == [due_thread.code]
    assert listed("eskalasi=1") == []
    assert set(listed("eskalasi=9")) == {due_thread.code, other.code}  # unknown: no filter


def test_cutoff_counts_working_days(app):
    with app.app_context():
        # Two working days (28 and 29 December) lie after the 27th: due then or before.
        assert escalation.escalation_cutoff(date(2026, 12, 29), 2) == date(2026, 12, 27)
        # On the 28th only one working day lies after the 24th: the 23rd is the cutoff.
        assert escalation.escalation_cutoff(date(2026, 12, 28), 2) == date(2026, 12, 23)


def test_an_inactive_assignee_leaves_the_reminder_to_the_agency(runner, db, due_thread,
                                                                dinkes_officer):
    from tests.officer.conftest import agency_officer

    colleague = agency_officer("dinkes", "Rekan Dinkes Aktif")
    dinkes_officer.active = False
    db.session.commit()
    run(runner, DUE)
    db.session.expire_all()
    assert told(db, colleague) == 1 and told(db, dinkes_officer) == 0
