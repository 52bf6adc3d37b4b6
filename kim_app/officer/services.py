"""The officer inbox: the threads waiting for an officer, soonest due first.

Which threads wait and when each is due is `threads.lifecycle`'s to say (`AWAITING_OFFICER`,
the stored `Thread.due_on`); the inbox sorts by that due date, earliest first, so overdue
threads come on top, and threads with no officer step due (when the filter shows them)
last. Pages are keyset on (due date, id). Sorted by "saya juga" (`urut=saya-juga`), the
most-shared questions come first, keyset on (`Thread.me_too_count`, id), both descending.

Flat at any backlog: the default view reads its page in index order from the partial
indexes of the waiting threads (`lifecycle.WAITING_INDEXES`: alone, or after the agency,
the assigned officer, the category or the escalation level filtered by), another status
from `(status, due_on, id)`, every status from `(due_on, id)`. The waiting counts stop at
`WAITING_COUNT_LIMIT` + 1 per status. A page is read as plain rows of what it shows, not
as ORM objects.
"""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Row, Select, and_, false, func, literal, or_, select, tuple_

from kim_app.common import permissions
from kim_app.common.params import to_int
from kim_app.extensions import db
from kim_app.models import Agency, Category, District, Thread, ThreadStatus, User, Village
from kim_app.threads import escalation, lifecycle

PAGE_SIZE = 30
WAITING_COUNT_LIMIT = 1000


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
    if not filters.status:
        clauses.append(lifecycle.waiting_clause())
    elif filters.status != "semua":
        clauses.append(Thread.status == ThreadStatus(filters.status))
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
    """The inbox's rows, soonest due first (or most "saya juga" first): what a row shows,
    as plain columns. Unbounded: the page adds its cursor and limit.

    The names come from correlated subqueries of one row each, not from joins: a join of
    six tables costs PostgreSQL more to plan (4–9 ms) than the page costs to read (under
    1 ms); the subqueries are planned on their own and run for the rows on the page only."""
    order = ((Thread.me_too_count.desc(), Thread.id.desc()) if filters.sort == "saya-juga"
             else (Thread.due_on.asc().nulls_last(), Thread.id))
    return select(*_row_columns()).where(*conditions(filters, user)).order_by(*order)


@cache
def _row_columns() -> tuple:
    """What a row shows; the same expressions for every request (built once)."""
    def one(column, *where):
        return select(column).where(*where).scalar_subquery()

    return (
        Thread.id, Thread.code, Thread.title, Thread.status, Thread.due_on,
        Thread.escalation_level, Thread.me_too_count,
        one(Category.name, Category.id == Thread.category_id).label("category"),
        one(Village.name, Village.code == Thread.village_code).label("village"),
        one(District.name, Village.code == Thread.village_code,
            District.code == Village.district_code).label("district"),
        one(func.coalesce(func.nullif(Agency.short_name, ""), Agency.name),
            Agency.id == Thread.agency_id).label("agency"),
        one(User.name, User.id == Thread.assignee_id).label("assignee"),
    )


def _after(filters: InboxFilters, after: int):
    """Rows after the cursor thread: a row comparison on (due_on, id), an index condition
    of the indexes the page is read from. Threads without a due date sort last; there are
    none among those waiting for an officer, only when the filter shows other statuses.
    Sorted by "saya juga": (me_too_count, id) below the cursor's, on the index of the two."""
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
               limit: int = PAGE_SIZE) -> tuple[list[Row], int | None]:
    """One page of `inbox_query` rows after the cursor thread `after` (keyset on due date,
    then id)."""
    query = inbox_query(filters, user)
    if after:
        query = query.where(_after(filters, after))
    rows = list(db.session.execute(query.limit(limit + 1)))
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor


def filter_choices() -> dict:
    """The filters' choices, as rows of what they show: every agency (the inactive ones
    too: their threads remain), the categories and the kecamatan."""
    return {
        "agencies": list(db.session.execute(
            select(Agency.id, Agency.name, Agency.short_name, Agency.active)
            .order_by(Agency.name))),
        "categories": list(db.session.execute(
            select(Category.id, Category.name).order_by(Category.position, Category.name))),
        "districts": list(db.session.execute(
            select(District.code, District.name).order_by(District.name))),
    }


def active_agencies(agencies: list | None = None) -> list:
    """The active agencies by name (those a thread can be assigned to); from `agencies`,
    the rows of them all by name (`filter_choices`), when the caller has them already."""
    if agencies is not None:
        return [agency for agency in agencies if agency.active]
    return list(db.session.scalars(
        select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))


def waiting_counts() -> list[tuple[ThreadStatus, int]]:
    """(status, count) of the statuses that wait for an officer and have threads, in
    lifecycle order. Bounded: each count stops at `WAITING_COUNT_LIMIT` + 1 (read "more
    than WAITING_COUNT_LIMIT"), so one query reads at most that many index entries per
    status however large the backlog."""
    counts = db.session.execute(_waiting_counts_query(WAITING_COUNT_LIMIT)).one()
    return [(status, count) for status, count in zip(lifecycle.AWAITING_OFFICER, counts,
                                                     strict=True) if count]


@cache
def _waiting_counts_query(limit: int) -> Select:
    def bounded(status: ThreadStatus):
        some = select(literal(1)).where(Thread.status == status).limit(limit + 1).subquery()
        return select(func.count()).select_from(some).scalar_subquery()

    return select(*(bounded(status) for status in lifecycle.AWAITING_OFFICER))
