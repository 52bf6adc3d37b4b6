"""The statistics' own rows (`kim_app/stats/tally.py` fills and reads them).

`ThreadFigure` is what one thread contributes to `/statistik`, in a narrow row (the thread
table carries the question's text and its search vector: twelve times the pages to read):
its day and month in Pati, where it was asked, its category, agency and KIM, flags for what
is counted, the two measured durations, and the two due dates that "today" is compared with
when the page is computed (with a flag each saying it is set: the day sums count the open
questions, and only those not due yet are read row by row). Its indexes hold the durations
in order per breakdown, so the median and 90th percentile of a group are read in index
order instead of sorted; flags saying a duration was measured let the day sums count a
group's durations, and its percentiles are then read at their ranks in that order.

`DayFigure` adds those rows up per day and breakdown (kecamatan, category, agency, KIM) for
the whole regency: a year of figures is then a few thousand sums instead of every thread.

Both are derived from `thread` (and `village`), never written by hand: every ORM write of a
thread refreshes its row and its day, and `flask rebuild-stats` (`tally.rebuild`) builds them
again from the threads after a bulk load.
"""

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from kim_app.extensions import db


def _ordered(name: str, *columns: str) -> Index:
    """An index that hands one measure's values over in order (per group): present values
    only; on PostgreSQL with the day and kecamatan inside, for the filters (index-only)."""
    measure = columns[-1]
    inside = [column for column in ("day", "district_code") if column not in columns]
    return Index(name, *columns, postgresql_include=inside,
                 postgresql_where=text(f"{measure} IS NOT NULL"),
                 sqlite_where=text(f"{measure} IS NOT NULL"))


class ThreadFigure(db.Model):
    __tablename__ = "thread_figure"
    __table_args__ = (
        Index("ix_thread_figure_day", "day"),
        Index("ix_thread_figure_district_day", "district_code", "day"),
        _ordered("ix_thread_figure_first", "first_seconds"),
        _ordered("ix_thread_figure_answer", "answer_seconds"),
        _ordered("ix_thread_figure_district_answer", "district_code", "answer_seconds"),
        _ordered("ix_thread_figure_category_answer", "category_id", "answer_seconds"),
        _ordered("ix_thread_figure_agency_answer", "agency_id", "answer_seconds"),
        _ordered("ix_thread_figure_month_answer", "month", "answer_seconds"),
        # The open questions not due yet (a due date today or later): the few whose
        # figures depend on today, read on their own.
        Index("ix_thread_figure_open_due_on", "open_due_on",
              postgresql_where=text("open_due_on IS NOT NULL"),
              sqlite_where=text("open_due_on IS NOT NULL")),
        Index("ix_thread_figure_due_on", "due_on", postgresql_where=text("due_on IS NOT NULL"),
              sqlite_where=text("due_on IS NOT NULL")),
    )

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date)  # asked, in Pati's calendar
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of `day`
    district_code: Mapped[str] = mapped_column(String(8))
    village_code: Mapped[str] = mapped_column(String(13))
    category_id: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(Integer)
    kim_id: Mapped[int | None] = mapped_column(Integer)
    # 0 or 1 each, so that rows and day sums add up alike.
    rejected: Mapped[int] = mapped_column(SmallInteger)
    answered: Mapped[int] = mapped_column(SmallInteger)
    answered_due: Mapped[int] = mapped_column(SmallInteger)  # answered, with a due date
    on_time: Mapped[int] = mapped_column(SmallInteger)
    waiting: Mapped[int] = mapped_column(SmallInteger)
    # 1 when the due date below is set: the open questions, due or not due yet.
    open_answer_due: Mapped[int] = mapped_column(SmallInteger)
    open_step_due: Mapped[int] = mapped_column(SmallInteger)
    # 1 when the duration below is measured: how many a group's percentiles rank.
    first_timed: Mapped[int] = mapped_column(SmallInteger)
    answer_timed: Mapped[int] = mapped_column(SmallInteger)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    # Compared with today when the figures are computed: the answer due date of a question
    # not answered yet (nor rejected), and the current step's due date (`Thread.due_on`).
    open_due_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    first_seconds: Mapped[float | None] = mapped_column(Float)
    answer_seconds: Mapped[float | None] = mapped_column(Float)


class DayFigure(db.Model):
    __tablename__ = "thread_figure_day"
    __table_args__ = (Index("ix_thread_figure_day_dimension_day", "dimension", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))
    # Which breakdown the row belongs to, and its key (the other key columns stay empty).
    dimension: Mapped[str] = mapped_column(String(12))
    district_code: Mapped[str | None] = mapped_column(String(8))
    category_id: Mapped[int | None] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(Integer)
    kim_id: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    answered_due: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    waiting: Mapped[int] = mapped_column(Integer)
    open_answer_due: Mapped[int] = mapped_column(Integer)
    open_step_due: Mapped[int] = mapped_column(Integer)
    first_timed: Mapped[int] = mapped_column(Integer)
    answer_timed: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    rating_count: Mapped[int] = mapped_column(Integer)
