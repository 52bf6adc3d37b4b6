"""What each thread counts for in the statistics, and the rows that keep it
(`models/stats.py`: `ThreadFigure` per thread, `DayFigure` per day and breakdown).

The rows are a function of the threads: `_thread_rows` is the one SELECT that turns a
thread (with its village's kecamatan) into its row, `_day_rows` the GROUP BY that adds a
day's rows up. They are kept current in the transaction that changes a thread: after every
ORM flush that writes a thread in a way the figures read (status, dates, rating, where it
was asked, category, agency — the lifecycle's steps, asking, edits, deletion), the threads'
rows are built again, and the days they belong to are added up again from their rows
(`refresh`). A day has some hundred threads at most, so a write costs a few small
statements. Writes that pass by the ORM (the benchmark generator's COPY, a bulk INSERT in
a test) call `rebuild` or `refresh` themselves; `flask rebuild-stats` does it from the shell.

The definitions of what is counted live here too (`rejected`, `answered`,
`answered_due`, `on_time`, `open_due_on`) and are used by the direct queries of
`stats.services` as well, so both ways count the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    and_,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
)
from sqlalchemy.orm import Session

from kim_app.common.workdays import local_date as local_date_of
from kim_app.models import DayFigure, Thread, ThreadFigure, ThreadStatus, Village
from kim_app.stats.sql import local_date, local_month, seconds_between
from kim_app.threads import lifecycle

# The thread attributes the rows are made of: a flush that changes none of them (a reply's
# last activity, a view counter) leaves the figures alone.
READ_ATTRIBUTES = frozenset({
    "created_at", "village_code", "category_id", "agency_id", "submitted_via_kim_id",
    "status", "answer_due_on", "verify_due_on", "due_on", "first_response_at",
    "answered_at", "rating", "village", "category", "agency", "submitted_via_kim",
})


# --- what counts --------------------------------------------------------------------------

def rejected():
    """Rejected (spam, duplicate, out of scope): counted, but left out of the shares."""
    return Thread.status == ThreadStatus.DITOLAK


def answered():
    """An official answer exists."""
    return Thread.answered_at.is_not(None)


def answered_due():
    """Answered, accepted, with an answer due date: decided, whatever today is."""
    return and_(~rejected(), Thread.answer_due_on.is_not(None), answered())


def on_time():
    """Answered on or before the due date, in Pati's calendar."""
    return and_(answered_due(), local_date(Thread.answered_at) <= Thread.answer_due_on)


def open_due_on():
    """The answer due date of an accepted question not answered yet (else NULL): once it is
    before today, the question counts as due (and not on time)."""
    return case((and_(~rejected(), ~answered()), Thread.answer_due_on))


def due_known(today):
    """Among the due: answered (with a due date) or past its due date unanswered."""
    return and_(~rejected(), Thread.answer_due_on.is_not(None),
                answered() | (Thread.answer_due_on < today))


def duration(end):
    """Seconds from asking to `end`, when `end` exists and is not before the question."""
    return case((end >= Thread.created_at, seconds_between(Thread.created_at, end)))


def _flag(condition):
    return case((condition, 1), else_=0)


# --- the rows -----------------------------------------------------------------------------

THREAD_COLUMNS = (
    "thread_id", "day", "month", "district_code", "village_code", "category_id",
    "agency_id", "kim_id", "rejected", "answered", "answered_due", "on_time", "waiting",
    "open_answer_due", "open_step_due", "first_timed", "answer_timed", "rating",
    "open_due_on", "due_on", "first_seconds", "answer_seconds",
)


def _thread_rows(*where):
    """SELECT the `ThreadFigure` rows of the threads matching `where`."""
    return (
        select(
            Thread.id, local_date(Thread.created_at), local_month(Thread.created_at),
            Village.district_code, Thread.village_code, Thread.category_id, Thread.agency_id,
            Thread.submitted_via_kim_id, _flag(rejected()), _flag(answered()),
            _flag(answered_due()), _flag(on_time()), _flag(lifecycle.waiting_clause()),
            _flag(open_due_on().is_not(None)), _flag(Thread.due_on.is_not(None)),
            _flag(duration(Thread.first_response_at).is_not(None)),
            _flag(duration(Thread.answered_at).is_not(None)),
            Thread.rating, open_due_on(), Thread.due_on,
            duration(Thread.first_response_at), duration(Thread.answered_at),
        )
        .join(Village, Village.code == Thread.village_code)
        .where(*where)
    )


DAY_KEYS = {
    "kecamatan": "district_code",
    "kategori": "category_id",
    "instansi": "agency_id",
    "kim": "kim_id",
}
SUMMED = ("rejected", "answered", "answered_due", "on_time", "waiting", "open_answer_due",
          "open_step_due", "first_timed", "answer_timed")


def _day_rows(dimension: str, *where):
    """SELECT the `DayFigure` rows of one breakdown, from the thread rows matching `where`."""
    t = ThreadFigure.__table__.c
    key = t[DAY_KEYS[dimension]]
    if dimension == "kim":
        where = (*where, key.is_not(None))
    return (
        select(t.day, t.month, literal(dimension), key, func.count(),
               *(func.sum(t[name]) for name in SUMMED),
               func.coalesce(func.sum(t.rating), 0), func.count(t.rating))
        .where(*where)
        .group_by(t.day, t.month, key)
    )


def _insert_days(connection, *where) -> None:
    for dimension, key in DAY_KEYS.items():
        connection.execute(insert(DayFigure.__table__).from_select(
            ["day", "month", "dimension", key, "total", *SUMMED, "rating_sum",
             "rating_count"],
            _day_rows(dimension, *where)))


def rebuild(connection) -> None:
    """Every row again, from the threads (after a bulk load; idempotent)."""
    connection.execute(delete(DayFigure.__table__))
    connection.execute(delete(ThreadFigure.__table__))
    connection.execute(insert(ThreadFigure.__table__).from_select(
        list(THREAD_COLUMNS), _thread_rows()))
    _insert_days(connection)


def refresh(connection, thread_ids: Iterable[int], days: Iterable = ()) -> None:
    """The rows of these threads (gone for a deleted one) and of the days they were and
    are in (and of `days`: a deleted thread's row may be gone with it already)."""
    ids = sorted(set(thread_ids))
    if not ids:
        return
    figure = ThreadFigure.__table__
    days = set(days) | set(connection.scalars(
        select(figure.c.day).where(figure.c.thread_id.in_(ids)).distinct()))
    days |= set(connection.scalars(
        select(local_date(Thread.created_at)).where(Thread.id.in_(ids)).distinct()))
    days = sorted(days)
    _lock_days(connection, days)  # before any row of theirs changes: one order for all
    connection.execute(delete(figure).where(figure.c.thread_id.in_(ids)))
    connection.execute(insert(figure).from_select(
        list(THREAD_COLUMNS), _thread_rows(Thread.id.in_(ids))))
    day_table = DayFigure.__table__
    connection.execute(delete(day_table).where(day_table.c.day.in_(days)))
    _insert_days(connection, figure.c.day.in_(days))


def _lock_days(connection, days: list) -> None:
    """Two transactions adding up one day take turns (PostgreSQL: the day's thread rows
    locked, in one order). Otherwise the second would not see the first's new sums when
    it deletes the old ones, and both would stay: the day counted twice. (SQLite lets one
    writer in at a time anyway.) A day's first threads lock nothing, and need not: each
    transaction's sums then count only its own, and the rows of a key are added up."""
    figure = ThreadFigure.__table__
    connection.execute(select(figure.c.thread_id).where(figure.c.day.in_(days))
                       .order_by(figure.c.day, figure.c.thread_id).with_for_update())


# --- kept current by every ORM write of a thread -------------------------------------------

def _changed(thread: Thread) -> bool:
    state = inspect(thread)
    return any(state.attrs[name].history.has_changes() for name in READ_ATTRIBUTES)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, Thread)]
    ids += [obj.id for obj in session.dirty if isinstance(obj, Thread) and _changed(obj)]
    deleted = [obj for obj in session.deleted if isinstance(obj, Thread)]
    ids += [obj.id for obj in deleted]
    if ids:
        refresh(session.connection(), ids,
                days=[local_date_of(obj.created_at) for obj in deleted if obj.created_at])
