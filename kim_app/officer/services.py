"""The officer inbox: the threads waiting for an officer, soonest due first.

Which threads wait and when each is due is `threads.lifecycle`'s to say (`AWAITING_OFFICER`,
the stored `Thread.due_on`); the inbox sorts by that due date, earliest first, so overdue
threads come on top, and threads with no officer step due (when the filter shows them)
last. Pages are keyset on (due date, id). Sorted by "saya juga" (`urut=saya-juga`), the
most-shared questions come first, keyset on (`Thread.me_too_count`, id), both descending.
"""

from dataclasses import dataclass

from sqlalchemy import Select, and_, false, func, or_, select, tuple_
from sqlalchemy.orm import joinedload

from kim_app.common import permissions
from kim_app.common.params import to_int
from kim_app.extensions import db
from kim_app.models import Agency, Category, District, Thread, ThreadStatus, Village
from kim_app.threads import escalation, lifecycle

PAGE_SIZE = 30


@dataclass
class InboxFilters:
    """What the inbox (and the CSV export of the dashboard) shows."""

    status: str = ""  # "" = waiting for an officer; "semua" = every status; or one status
    agency: int | None = None
    category: int | None = None
    kecamatan: str = ""
    mine: bool = False
    own_agency: bool = False  # "Instansi saya": the threads of the officer's own agency
    escalation: int | None = None  # one escalation level (`threads.escalation`)
    sort: str = ""  # "" = soonest due first; "saya-juga" = most "saya juga" first

    def as_args(self) -> dict[str, str]:
        args = {"status": self.status, "instansi": self.agency, "kategori": self.category,
                "kecamatan": self.kecamatan, "saya": "1" if self.mine else "",
                "instansi_saya": "1" if self.own_agency else "",
                "eskalasi": self.escalation, "urut": self.sort}
        return {key: str(value) for key, value in args.items() if value}

    def statuses(self) -> tuple[ThreadStatus, ...]:
        if self.status == "semua":
            return tuple(ThreadStatus)
        if self.status:
            return (ThreadStatus(self.status),)
        return lifecycle.AWAITING_OFFICER


def parse_inbox_filters(args) -> InboxFilters:
    """Filters from a query string (request.args or any mapping); bad values are dropped."""
    status = args.get("status", "")
    if status not in {"semua", *(s.value for s in ThreadStatus)}:
        status = ""
    kecamatan = args.get("kecamatan", "")
    return InboxFilters(
        status=status,
        agency=to_int(args.get("instansi")),
        category=to_int(args.get("kategori")),
        kecamatan=kecamatan if len(kecamatan) <= 10 else "",
        mine=args.get("saya") == "1",
        own_agency=args.get("instansi_saya") == "1",
        escalation=to_int(args.get("eskalasi"), minimum=1, maximum=max(escalation.LEVELS)),
        sort="saya-juga" if args.get("urut") == "saya-juga" else "",
    )


def conditions(filters: InboxFilters, user) -> list:
    """WHERE clauses of the filters: the inbox's and the thread export's."""
    clauses = []
    if filters.status != "semua":
        clauses.append(Thread.status.in_(filters.statuses()))
    if filters.agency:
        clauses.append(Thread.agency_id == filters.agency)
    if filters.category:
        clauses.append(Thread.category_id == filters.category)
    if filters.kecamatan:
        clauses.append(Thread.village_code.in_(
            select(Village.code).where(Village.district_code == filters.kecamatan)
        ))
    if filters.mine:
        clauses.append(Thread.assignee_id == user.id)
    own_agency = permissions.officer_agency_id(user)
    if filters.own_agency and own_agency is not None:
        clauses.append(Thread.agency_id == own_agency)
    if filters.escalation is not None:
        clauses.append(Thread.escalation_level == filters.escalation)
    return clauses


def inbox_query(filters: InboxFilters, user) -> Select:
    """Threads for the inbox, soonest due first (or most "saya juga" first), with what a
    row shows loaded. Unbounded: the page adds its cursor and limit."""
    order = ((Thread.me_too_count.desc(), Thread.id.desc()) if filters.sort == "saya-juga"
             else (Thread.due_on.asc().nulls_last(), Thread.id))
    return (
        select(Thread)
        .options(joinedload(Thread.category), joinedload(Thread.village),
                 joinedload(Thread.agency), joinedload(Thread.assignee))
        .where(*conditions(filters, user))
        .order_by(*order)
    )


def _after(filters: InboxFilters, after: int):
    """Rows after the cursor thread: a row comparison on (due_on, id), which the index on
    (status, due_on, id) answers. Threads without a due date sort last; there are none
    among those waiting for an officer, only when the filter shows other statuses. Sorted by
    "saya juga": (me_too_count, id) below the cursor's, on the index of the two."""
    if filters.sort == "saya-juga":
        count = select(Thread.me_too_count).where(Thread.id == after).scalar_subquery()
        return tuple_(Thread.me_too_count, Thread.id) < tuple_(count, after)
    anchor = db.session.execute(select(Thread.due_on).where(Thread.id == after)).first()
    if anchor is None:
        return false()  # an unknown cursor: nothing follows it
    if anchor.due_on is None:
        return and_(Thread.due_on.is_(None), Thread.id > after)
    later = tuple_(Thread.due_on, Thread.id) > tuple_(anchor.due_on, after)
    if set(filters.statuses()) <= set(lifecycle.AWAITING_OFFICER):
        return later
    return or_(later, Thread.due_on.is_(None))


def inbox_page(filters: InboxFilters, user, after: int | None = None,
               limit: int = PAGE_SIZE) -> tuple[list[Thread], int | None]:
    """One page after the cursor thread `after` (keyset on due date, then id)."""
    query = inbox_query(filters, user)
    if after:
        query = query.where(_after(filters, after))
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor


def active_agencies() -> list[Agency]:
    return list(db.session.scalars(
        select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))


def filter_choices() -> dict:
    return {
        "agencies": list(db.session.scalars(select(Agency).order_by(Agency.name))),
        "categories": list(db.session.scalars(
            select(Category).order_by(Category.position, Category.name))),
        "districts": list(db.session.scalars(select(District).order_by(District.name))),
    }


def waiting_counts() -> list[tuple[ThreadStatus, int]]:
    """(status, count) of the statuses that wait for an officer and have threads, in
    lifecycle order."""
    counts = {status: count for status, count in db.session.execute(
        select(Thread.status, func.count()).where(lifecycle.waiting_clause())
        .group_by(Thread.status)
    )}
    return [(status, counts[status]) for status in lifecycle.AWAITING_OFFICER
            if status in counts]
