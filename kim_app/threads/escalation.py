"""Escalation of overdue officer steps (PRODUCT.md §4: "first the assigned officer, then
the agency and the admins"), run once a day by `flask --app wsgi escalate`.

- Level 1, on the due date of the current step: the responsible officer is reminded —
  the assigned officer; when nobody (active) is assigned, the petugas of the thread's
  agency; when there is no agency yet (a question waiting for verification), Diskominfo's
  petugas.
- Level 2, `ESCALATE_AFTER_WORKDAYS` working days (`common.workdays`: weekends, public
  holidays and cuti bersama skipped) after the due date: the agency's petugas, the
  assigned officer and the admins are told.

The level reached is stored on the thread (`escalation_level`, for the due date in
`escalated_due_on`), so a second run the same day — or the next day before the next level
is due — tells nobody again: the command is idempotent. A transition that sets a new due
date starts the escalation over (`lifecycle` resets it). A thread that is already two
levels late when first seen goes straight to level 2, with one notification per person.
"""

from datetime import date, timedelta

from sqlalchemy import select

from kim_app.common import audit
from kim_app.common.workdays import working_days_between
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Role, Thread, User
from kim_app.notifications.delivery import notify
from kim_app.threads import lifecycle

REMINDED = 1
ESCALATED = 2
LEVELS = (REMINDED, ESCALATED)
LEVEL_LABELS = {
    REMINDED: _l("Diingatkan ke petugas"),
    ESCALATED: _l("Dieskalasi ke instansi dan admin"),
}


def escalation_cutoff(today: date, after_workdays: int) -> date:
    """The latest due date that is `after_workdays` working days behind `today`."""
    day = today
    while working_days_between(day, today) < after_workdays:
        day -= timedelta(days=1)
    return day


def _officers(*where) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), *where).order_by(User.id)))


def _recipients(thread: Thread, level: int) -> list[User]:
    agency_officers = lifecycle.agency_officers(thread.agency) if thread.agency else []
    if level == REMINDED:
        if thread.assignee is not None and thread.assignee.active:
            return [thread.assignee]
        if agency_officers:
            return agency_officers
        return _officers(User.role == Role.PETUGAS, User.agency_id.is_(None))
    people = ([thread.assignee] if thread.assignee and thread.assignee.active else [])
    return people + agency_officers + _officers(User.role == Role.ADMIN)


def _text(thread: Thread, level: int):
    if level == REMINDED:
        return _l("Pertanyaan %(code)s jatuh tempo hari ini (batas %(date)s).",
                  code=thread.code, date=thread.due_on.strftime("%d-%m-%Y"))
    return _l("Pertanyaan %(code)s sudah melewati batas %(date)s dan belum ditangani.",
              code=thread.code, date=thread.due_on.strftime("%d-%m-%Y"))


def escalate(today: date, after_workdays: int) -> dict[int, int]:
    """Raise every waiting thread to the level its due date has reached; tell the people
    of each new level. Returns {level: threads raised to it}."""
    cutoff = escalation_cutoff(today, after_workdays)
    threads = db.session.scalars(
        select(Thread).where(
            lifecycle.waiting_clause(),
            Thread.due_on <= today,
            Thread.escalation_level < ESCALATED,
        ).order_by(Thread.id).with_for_update(skip_locked=True)
    ).all()
    raised = {level: 0 for level in LEVELS}
    for thread in threads:
        level = ESCALATED if thread.due_on <= cutoff else REMINDED
        if level <= (thread.escalation_level or 0):
            continue
        thread.escalation_level = level
        thread.escalated_due_on = thread.due_on
        notify(_recipients(thread, level), "thread_escalated", _text(thread, level),
               link=lifecycle.thread_link(thread))
        audit.record(None, "thread.escalated", "thread", thread.id,
                     kim_group_id=thread.submitted_via_kim_id, level=level,
                     due_on=thread.due_on.isoformat())
        raised[level] += 1
    return raised
