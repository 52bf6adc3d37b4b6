"""The officers' dashboard: who carries which open questions, what is overdue, what waits.

Open means waiting for an officer, overdue means the current step's due date has passed:
both as `threads.lifecycle` defines them (`waiting_clause`, `overdue_clause`), the same
as the inbox and the thread page. Lists are bounded; the officer inbox holds the
complete list. Every figure can be narrowed to one agency (`agency_id`).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from kim_app.common.workdays import local_date as local_day
from kim_app.common.workdays import working_days_between
from kim_app.extensions import db
from kim_app.models import Agency, Thread, User, Village
from kim_app.stats.services import StatsFilter
from kim_app.threads import lifecycle

LIST_LIMIT = 20
WORKLOAD_LIMIT = 50


def _open_threads(stmt, f: StatsFilter, agency_id: int | None = None):
    stmt = stmt.where(lifecycle.waiting_clause())
    if agency_id:
        stmt = stmt.where(Thread.agency_id == agency_id)
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


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _to_verify():
    return Thread.status.in_(lifecycle.AWAITING_VERIFICATION)


def summary(f: StatsFilter, today: date, agency_id: int | None = None) -> Summary:
    row = db.session.execute(_open_threads(select(
        func.count(Thread.id),
        _count_if(lifecycle.overdue_clause(today)),
        _count_if(_to_verify()),
        _count_if(and_(Thread.status.in_(lifecycle.AWAITING_ANSWER),
                       Thread.assignee_id.is_(None))),
    ).select_from(Thread), f, agency_id)).one()
    return Summary(*(int(value) for value in row))


def _workload(f: StatsFilter, today: date, key, label, target, onclause,
              agency_id: int | None) -> list[Load]:
    stmt = _open_threads(
        select(
            key.label("key"),
            label.label("label"),
            func.count(Thread.id).label("open"),
            _count_if(lifecycle.overdue_clause(today)).label("overdue"),
            _count_if(_to_verify()).label("verify"),
        ).select_from(Thread).outerjoin(target, onclause),
        f, agency_id,
    ).group_by(key, label).order_by(func.count(Thread.id).desc(), label).limit(WORKLOAD_LIMIT)
    return [Load(row.key, row.label or "", int(row.open), int(row.overdue), int(row.verify))
            for row in db.session.execute(stmt)]


def by_officer(f: StatsFilter, today: date, agency_id: int | None = None) -> list[Load]:
    """Open and overdue questions per assigned officer (unassigned as one row)."""
    return _workload(f, today, Thread.assignee_id, User.name, User,
                     User.id == Thread.assignee_id, agency_id)


def by_agency(f: StatsFilter, today: date, agency_id: int | None = None) -> list[Load]:
    return _workload(f, today, Thread.agency_id, Agency.name, Agency,
                     Agency.id == Thread.agency_id, agency_id)


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
        start = thread.due_on if since_due else local_day(thread.created_at)
        items.append(Waiting(thread, thread.due_on,
                             working_days_between(start, today) if start else 0))
    return items


def overdue(f: StatsFilter, today: date, agency_id: int | None = None) -> list[Waiting]:
    """The most overdue open questions first (bounded), with working days overdue."""
    stmt = _open_threads(select(Thread), f, agency_id).where(
        lifecycle.overdue_clause(today)).order_by(Thread.due_on, Thread.created_at)
    return _listed(stmt, today, since_due=True)


def oldest_waiting(f: StatsFilter, today: date, agency_id: int | None = None) -> list[Waiting]:
    """Open questions that have waited longest, with working days waited."""
    stmt = _open_threads(select(Thread), f, agency_id).order_by(Thread.created_at, Thread.id)
    return _listed(stmt, today, since_due=False)
