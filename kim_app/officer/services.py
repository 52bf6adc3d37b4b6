"""The officer inbox: which threads wait for an officer, in which order.

A thread waits while it is baru (to verify, due `VERIFY_DUE_WORKDAYS` working days after
it was asked), diverifikasi (to assign) or diproses (to answer; both due
`ANSWER_DUE_WORKDAYS` after verification). The inbox sorts by that due date, earliest
first, so overdue threads come on top. `inbox_query(filters, user)` is the one query
behind the page and any export (the CSV export of the dashboard reuses it).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import joinedload

from kim_app.common.params import to_int
from kim_app.extensions import db
from kim_app.models import Agency, Category, District, Thread, ThreadStatus, Village

WAITING = (ThreadStatus.BARU, ThreadStatus.DIVERIFIKASI, ThreadStatus.DIPROSES)
PAGE_SIZE = 30
FAR_FUTURE = date(9999, 12, 31)


@dataclass
class InboxFilters:
    status: str = ""  # "" = waiting for an officer; "semua" = every status; or one status
    agency: int | None = None
    category: int | None = None
    kecamatan: str = ""
    mine: bool = False

    def as_args(self) -> dict[str, str]:
        args = {"status": self.status, "instansi": self.agency, "kategori": self.category,
                "kecamatan": self.kecamatan, "saya": "1" if self.mine else ""}
        return {key: str(value) for key, value in args.items() if value}


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
    )


def due_expression():
    """The date the next officer step is due (far in the future when none is waiting)."""
    return func.coalesce(
        case(
            (Thread.status == ThreadStatus.BARU, Thread.verify_due_on),
            (Thread.status.in_((ThreadStatus.DIVERIFIKASI, ThreadStatus.DIPROSES)),
             Thread.answer_due_on),
            else_=None,
        ),
        literal(FAR_FUTURE),
    )


def inbox_query(filters: InboxFilters, user) -> Select:
    """Threads for the inbox, soonest due first, with what a row shows loaded.
    Unbounded: the page adds its cursor and limit, an export streams it."""
    query = select(Thread).options(
        joinedload(Thread.category), joinedload(Thread.village), joinedload(Thread.agency),
        joinedload(Thread.assignee),
    )
    if filters.status == "semua":
        pass
    elif filters.status:
        query = query.where(Thread.status == ThreadStatus(filters.status))
    else:
        query = query.where(Thread.status.in_(WAITING))
    if filters.agency:
        query = query.where(Thread.agency_id == filters.agency)
    if filters.category:
        query = query.where(Thread.category_id == filters.category)
    if filters.kecamatan:
        query = query.where(Thread.village_code.in_(
            select(Village.code).where(Village.district_code == filters.kecamatan)
        ))
    if filters.mine:
        query = query.where(Thread.assignee_id == user.id)
    return query.order_by(due_expression(), Thread.id)


def inbox_page(filters: InboxFilters, user, after: int | None = None,
               limit: int = PAGE_SIZE) -> tuple[list[Thread], int | None]:
    """One page after the cursor thread `after` (keyset on due date, then id)."""
    query = inbox_query(filters, user)
    if after:
        due = due_expression()
        anchor = select(due).where(Thread.id == after).scalar_subquery()
        query = query.where(or_(due > anchor, and_(due == anchor, Thread.id > after)))
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor


def filter_choices() -> dict:
    return {
        "agencies": list(db.session.scalars(select(Agency).order_by(Agency.name))),
        "categories": list(db.session.scalars(
            select(Category).order_by(Category.position, Category.name))),
        "districts": list(db.session.scalars(select(District).order_by(District.name))),
    }


def waiting_counts() -> dict[ThreadStatus, int]:
    return {status: count for status, count in db.session.execute(
        select(Thread.status, func.count()).where(Thread.status.in_(WAITING))
        .group_by(Thread.status)
    )}
