"""The officers' dashboard: who carries which open questions, what is overdue, what waits.

Open means waiting for government: baru (to verify), diverifikasi and diproses (to answer).
A question is overdue when its current step's due date (verification within 3 working
days, the answer within 10 working days of verification) lies before today in Pati.
Lists are bounded; the officer inbox holds the complete list.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from kim_app.common.workdays import local_date as local_day
from kim_app.common.workdays import working_days_between
from kim_app.extensions import db
from kim_app.models import Agency, Thread, ThreadStatus, User, Village
from kim_app.stats.services import OPEN_STATUSES, StatsFilter

LIST_LIMIT = 20
WORKLOAD_LIMIT = 50


def current_due_on():
    """The due date of the step a question is in (verification or answer)."""
    return case(
        (Thread.status == ThreadStatus.BARU, Thread.verify_due_on),
        else_=Thread.answer_due_on,
    )


def overdue_condition(today: date):
    return or_(
        and_(Thread.status == ThreadStatus.BARU, Thread.verify_due_on < today),
        and_(Thread.status.in_((ThreadStatus.DIVERIFIKASI, ThreadStatus.DIPROSES)),
             Thread.answer_due_on < today),
    )


def _open_threads(stmt, f: StatsFilter):
    stmt = stmt.where(Thread.status.in_(OPEN_STATUSES))
    if f.kecamatan:
        stmt = stmt.join(Village, Village.code == Thread.village_code).where(
            Village.district_code == f.kecamatan)
    return stmt


@dataclass
class Load:
    key: int | None
    label: str
    open: int
    overdue: int
    verify: int


@dataclass
class Summary:
    open: int = 0
    overdue: int = 0
    to_verify: int = 0
    unassigned: int = 0


def summary(f: StatsFilter, today: date) -> Summary:
    overdue = overdue_condition(today)
    row = db.session.execute(_open_threads(select(
        func.count(Thread.id),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Thread.status == ThreadStatus.BARU, 1), else_=0)), 0),
        func.coalesce(func.sum(case(
            (and_(Thread.status != ThreadStatus.BARU, Thread.assignee_id.is_(None)), 1),
            else_=0)), 0),
    ).select_from(Thread), f)).one()
    return Summary(*(int(value) for value in row))


def _workload(f: StatsFilter, today: date, key, label, target, onclause) -> list[Load]:
    overdue = overdue_condition(today)
    stmt = _open_threads(
        select(
            key.label("key"),
            label.label("label"),
            func.count(Thread.id).label("open"),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0).label("overdue"),
            func.coalesce(func.sum(case((Thread.status == ThreadStatus.BARU, 1), else_=0)),
                          0).label("verify"),
        ).select_from(Thread).outerjoin(target, onclause),
        f,
    ).group_by(key, label).order_by(func.count(Thread.id).desc(), label).limit(WORKLOAD_LIMIT)
    return [Load(row.key, row.label or "", int(row.open), int(row.overdue), int(row.verify))
            for row in db.session.execute(stmt)]


def by_officer(f: StatsFilter, today: date) -> list[Load]:
    """Open and overdue questions per assigned officer (unassigned as one row)."""
    return _workload(f, today, Thread.assignee_id, User.name, User,
                     User.id == Thread.assignee_id)


def by_agency(f: StatsFilter, today: date) -> list[Load]:
    return _workload(f, today, Thread.agency_id, Agency.name, Agency,
                     Agency.id == Thread.agency_id)


@dataclass
class Waiting:
    thread: Thread
    due_on: date | None
    working_days: int


def _listed(stmt, today: date, *, since_due: bool) -> list[Waiting]:
    threads = db.session.scalars(stmt.options(
        joinedload(Thread.category), joinedload(Thread.agency), joinedload(Thread.assignee),
        joinedload(Thread.village),
    ).limit(LIST_LIMIT)).unique().all()
    items = []
    for thread in threads:
        due = thread.verify_due_on if thread.status == ThreadStatus.BARU \
            else thread.answer_due_on
        start = due if since_due else local_day(thread.created_at)
        items.append(Waiting(thread, due, working_days_between(start, today) if start else 0))
    return items


def overdue(f: StatsFilter, today: date) -> list[Waiting]:
    """The most overdue open questions first (bounded), with working days overdue."""
    stmt = _open_threads(select(Thread), f).where(overdue_condition(today)).order_by(
        current_due_on(), Thread.created_at)
    return _listed(stmt, today, since_due=True)


def oldest_waiting(f: StatsFilter, today: date) -> list[Waiting]:
    """Open questions that have waited longest, with working days waited."""
    stmt = _open_threads(select(Thread), f).order_by(Thread.created_at, Thread.id)
    return _listed(stmt, today, since_due=False)
