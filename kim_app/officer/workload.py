"""The officers' dashboard: who carries which open questions, what is overdue, what waits.

Open means waiting for an officer, overdue means the current step's due date has passed:
both as `threads.lifecycle` defines them (`waiting_clause`, `overdue_clause`), the same
as the inbox and the thread page. Lists are bounded; the officer inbox holds the
complete list. Every figure and list can be narrowed to one agency (`agency_id`).
"""

from dataclasses import asdict, dataclass
from datetime import date

from flask import current_app
from sqlalchemy import and_, case, func, select, union_all
from sqlalchemy.orm import joinedload

from kim_app.common import cache
from kim_app.common.workdays import local_date as local_day
from kim_app.common.workdays import working_days_between
from kim_app.extensions import db
from kim_app.models import Agency, Thread, User, Village
from kim_app.stats import services as stats
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
class Figures:
    """The dashboard's aggregates, computed together and kept together."""

    summary: Summary
    officers: list[Load]
    agencies: list[Load]
    answer_times: list[stats.Figures]


def figures(f: StatsFilter, today: date, agency_id: int | None = None) -> Figures:
    """The aggregates, from the shared cache when computed less than
    `DASHBOARD_CACHE_SECONDS` ago (every officer sees the same for the same filter); the
    lists of questions are always read fresh."""

    def compute() -> Figures:
        times = stats.figures(f, today, "instansi", suppress=False)
        return Figures(summary(f, today, agency_id), by_officer(f, today, agency_id),
                       by_agency(f, today, agency_id),
                       [item for item in times if agency_id in (None, item.key)])

    return cache.remember(
        f"dashboard:{f.period}:{f.kecamatan}:{agency_id or ''}:{today}",
        current_app.config["DASHBOARD_CACHE_SECONDS"], compute,
        dump=asdict, load=_load_figures)


def _load_figures(data: dict) -> Figures:
    return Figures(Summary(**data["summary"]), [Load(**row) for row in data["officers"]],
                   [Load(**row) for row in data["agencies"]],
                   [stats.Figures(**row) for row in data["answer_times"]])


@dataclass
class Waiting:
    thread: Thread
    due_on: date | None
    working_days: int


def _listed(order, today: date, f: StatsFilter, *, condition=None, since_due: bool,
            agency_id: int | None = None) -> list[Waiting]:
    """The first `LIST_LIMIT` open questions in `order`. Each waiting status is read from
    its own index range (`(status, due_on, id)`, `(status, created_at)`) up to the limit,
    then the few ids found are sorted and loaded (two queries): the cost does not grow
    with the backlog."""
    firsts = []
    for status in lifecycle.AWAITING_OFFICER:
        stmt = select(Thread.id, *order).where(Thread.status == status)
        if condition is not None:
            stmt = stmt.where(condition)
        if agency_id:
            stmt = stmt.where(Thread.agency_id == agency_id)
        if f.kecamatan:
            stmt = stmt.join(Village, Village.code == Thread.village_code).where(
                Village.district_code == f.kecamatan)
        firsts.append(stmt.order_by(*order, Thread.id).limit(LIST_LIMIT).subquery())
    candidates = union_all(*(select(sub) for sub in firsts)).subquery("candidates")
    # The ids first, as their own query: joined to the eager loads the planner would
    # walk the whole table.
    ids = db.session.scalars(select(candidates.c.id).order_by(
        *(candidates.c[column.key] for column in order), candidates.c.id).limit(LIST_LIMIT)).all()
    threads = db.session.scalars(select(Thread).where(Thread.id.in_(ids)).options(
        joinedload(Thread.category), joinedload(Thread.agency), joinedload(Thread.assignee),
        joinedload(Thread.village),
    ).order_by(*order, Thread.id)).unique().all()
    items = []
    for thread in threads:
        start = thread.due_on if since_due else local_day(thread.created_at)
        items.append(Waiting(thread, thread.due_on,
                             working_days_between(start, today) if start else 0))
    return items


def overdue(f: StatsFilter, today: date, agency_id: int | None = None) -> list[Waiting]:
    """The most overdue open questions first (bounded), with working days overdue."""
    return _listed((Thread.due_on,), today, f, condition=lifecycle.overdue_clause(today),
                   since_due=True, agency_id=agency_id)


def oldest_waiting(f: StatsFilter, today: date, agency_id: int | None = None) -> list[Waiting]:
    """Open questions that have waited longest, with working days waited."""
    return _listed((Thread.created_at,), today, f, since_due=False, agency_id=agency_id)
