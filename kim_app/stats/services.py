"""Transparency figures about question threads, computed in the database.

Every figure is an aggregate query (COUNT, SUM, AVG, window functions); no thread row is
loaded into Python to compute one, and the number of queries does not depend on the amount
of data. `figures` reads the thread table directly (one aggregate and one percentile query
per breakdown: the officers' pages, and the reference the tests hold the public page to);
`public_figures` reads the statistics' own rows (`stats.tally`), kept current by every
write of a thread, in four queries.

Definitions (the public page explains them in words too):

- *questions*: threads created in the period, whatever their visibility or status;
  *rejected* ones (spam, duplicates, out of scope) are counted but left out of the shares.
- *answered*: an official answer exists (`answered_at`); *share answered* = answered /
  (questions − rejected).
- *time to first response* / *time to answer*: from the question to the first officer
  response / the official answer. Median and 90th percentile use linear interpolation
  between ranks, the same as PostgreSQL's `percentile_cont`, computed with `ROW_NUMBER()`
  so that SQLite gives the same numbers.
- *answered within the due date*: among accepted questions with an answer due date
  (set on verification, in working days) that are either answered or already past due,
  the share answered on or before that date (in Pati's calendar). Questions still within
  their time are not counted yet either way.
- *average rating*: mean of the askers' ratings (1–5).
- *waiting* / *overdue*: questions still waiting for an officer, and those whose current
  step is past its due date today, as `threads.lifecycle` defines them (the inbox, the
  dashboard and the thread page say the same).

Privacy: statistics never name a thread, an asker or a tracking code. A breakdown cell
with fewer than `MIN_CELL` questions shows its count only; its shares, times and rating are
hidden, because with so few questions they could describe one person's private question.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache as remembered

from sqlalchemy import (
    ARRAY,
    Float,
    Integer,
    String,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from kim_app.common import cache
from kim_app.common.workdays import JAKARTA
from kim_app.common.workdays import local_date as local_date_of
from kim_app.extensions import db
from kim_app.models import (
    Agency,
    BusinessGroup,
    Category,
    DayFigure,
    District,
    KimGroup,
    KimStatus,
    Membership,
    MembershipStatus,
    Product,
    Relay,
    Thread,
    ThreadFigure,
    User,
    Village,
)
from kim_app.stats import tally
from kim_app.stats.sql import local_month
from kim_app.threads import lifecycle

MIN_CELL = 3
PERCENTILES = (50, 90)
PERIODS = ("30h", "90h", "12b", "semua")
DEFAULT_PERIOD = "12b"
TREND_MONTHS = 12


def local_today(now: datetime | None = None) -> date:
    return local_date_of(now or datetime.now(UTC))


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), JAKARTA).astimezone(UTC)


@dataclass(frozen=True)
class StatsFilter:
    """What the reader chose: a period (`30h`, `90h`, `12b`, `semua`) and a kecamatan."""

    period: str = DEFAULT_PERIOD
    kecamatan: str | None = None
    agency_id: int | None = None  # one agency's questions (its page at /statistik/instansi/)

    def since(self, today: date) -> datetime | None:
        """Start of the period (midnight in Pati, as UTC), or None for all time."""
        if self.period == "30h":
            return _utc_midnight(today - timedelta(days=29))
        if self.period == "90h":
            return _utc_midnight(today - timedelta(days=89))
        if self.period == "12b":
            return _utc_midnight(month_start(today, TREND_MONTHS - 1))
        return None


def parse_filter(args, district_codes: set[str]) -> StatsFilter:
    """The filter from query arguments; unknown values fall back to the defaults."""
    period = args.get("periode", DEFAULT_PERIOD)
    kecamatan = args.get("kecamatan", "")
    return StatsFilter(
        period=period if period in PERIODS else DEFAULT_PERIOD,
        kecamatan=kecamatan if kecamatan in district_codes else None,
    )


@dataclass
class Figures:
    """The figures of one group of questions (everything, a kecamatan, a month …)."""

    key: object = None
    label: str = ""
    total: int = 0
    rejected: int = 0
    answered: int = 0
    due_total: int = 0
    on_time: int = 0
    rating_avg: float | None = None
    rating_count: int = 0
    waiting: int = 0
    overdue: int = 0
    # Seconds, or None when nothing was measured.
    first_median: float | None = None
    first_p90: float | None = None
    answer_median: float | None = None
    answer_p90: float | None = None
    suppressed: bool = False

    @property
    def accepted(self) -> int:
        return self.total - self.rejected

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.accepted if self.accepted else None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due_total if self.due_total else None


@dataclass(frozen=True)
class Dimension:
    """A breakdown: the grouping key (on thread or village) and how to name its groups."""

    name: str
    key: object
    label: object
    joins: tuple = ()
    needs_village: bool = False


def _dimensions() -> dict[str, Dimension]:
    assignee = aliased(User, name="assignee")
    return {
        "kecamatan": Dimension(
            "kecamatan", Village.district_code, District.name,
            ((District, District.code == Village.district_code, False),), True),
        "desa": Dimension("desa", Village.code, Village.name, (), True),
        "kategori": Dimension(
            "kategori", Thread.category_id, Category.name,
            ((Category, Category.id == Thread.category_id, False),)),
        "instansi": Dimension(
            "instansi", Thread.agency_id, Agency.name,
            ((Agency, Agency.id == Thread.agency_id, True),)),
        "petugas": Dimension(
            "petugas", Thread.assignee_id, assignee.name,
            ((assignee, assignee.id == Thread.assignee_id, True),)),
        "bulan": Dimension(
            "bulan", local_month(Thread.created_at), local_month(Thread.created_at)),
    }


def _conditions(f: StatsFilter, today: date) -> list:
    conditions = []
    since = f.since(today)
    if since is not None:
        conditions.append(Thread.created_at >= since)
    if f.kecamatan:
        conditions.append(Village.district_code == f.kecamatan)
    if f.agency_id is not None:
        conditions.append(Thread.agency_id == f.agency_id)
    return conditions


def _from_threads(stmt, f: StatsFilter, dimension: Dimension | None):
    stmt = stmt.select_from(Thread)
    if f.kecamatan or (dimension and dimension.needs_village):
        stmt = stmt.join(Village, Village.code == Thread.village_code)
    return stmt


def _aggregates(f: StatsFilter, today: date, dimension: Dimension | None):
    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns = [
        func.count(Thread.id).label("total"),
        count_if(tally.rejected()).label("rejected"),
        count_if(tally.answered()).label("answered"),
        count_if(tally.due_known(today)).label("due_total"),
        count_if(tally.on_time()).label("on_time"),
        func.avg(Thread.rating).label("rating_avg"),
        func.count(Thread.rating).label("rating_count"),
        count_if(lifecycle.waiting_clause()).label("waiting"),
        count_if(lifecycle.overdue_clause(today)).label("overdue"),
    ]
    if dimension is not None:
        columns = [dimension.key.label("key"), dimension.label.label("label"), *columns]
    stmt = _from_threads(select(*columns), f, dimension)
    if dimension is not None:
        for target, onclause, outer in dimension.joins:
            stmt = stmt.join(target, onclause, isouter=outer)
        stmt = stmt.group_by(dimension.key, dimension.label)
    return stmt.where(*_conditions(f, today))


def _percentiles(f: StatsFilter, today: date, dimension: Dimension | None, *, full: bool):
    """Median and 90th percentile of both durations per group, in one query
    (`percentiles_of`)."""
    key = dimension.key if dimension is not None else literal_column("0")

    def durations(measure: int, end):
        stmt = select(
            key.label("key"),
            literal_column(str(measure)).label("measure"),
            tally.duration(end).label("seconds"),
        )
        return _from_threads(stmt, f, dimension).where(
            *_conditions(f, today), end.is_not(None), end >= Thread.created_at
        )

    answers = durations(2, Thread.answered_at)
    both = (union_all(durations(1, Thread.first_response_at), answers) if full
            else answers).subquery("durations")
    return percentiles_of(both, both.c.seconds, PERCENTILES if full else (50,))


def percentiles_of(durations, value, wanted=(50,)):
    """SELECT key, measure, p50 (…) FROM `durations` (a subquery with columns `key` and
    `measure` and the measured `value`), one row per key and measure.

    The values of each group are numbered in order (`ROW_NUMBER`) and counted
    (`COUNT(*) OVER`); percentile p sits at position (n − 1)·p/100 + 1, between the ranks
    `lo` and `lo + 1`, interpolated by the remainder, exactly as `percentile_cont` does.
    Integer arithmetic keeps the rank exact. PostgreSQL asks `percentile_cont` itself
    (the same numbers, one sort instead of a window and a sort).
    """
    group = (durations.c.key, durations.c.measure)
    if db.session.get_bind().dialect.name == "postgresql":
        return select(*group, *(
            func.percentile_cont(pct / 100).within_group(value).label(f"p{pct}")
            for pct in wanted)).group_by(*group)
    window = {"partition_by": group}
    ranked = select(
        *group, value.label("value"),
        func.row_number().over(order_by=value, **window).label("rank"),
        func.count().over(**window).label("n"),
    ).subquery("ranked")
    columns = []
    for pct in wanted:
        position = (ranked.c.n - 1) * pct
        low = position // 100 + 1
        fraction = (position % 100) / 100.0
        columns.append(func.sum(case(
            (ranked.c.rank == low, ranked.c.value * (1 - fraction)),
            (ranked.c.rank == low + 1, ranked.c.value * fraction),
            else_=0,
        )).label(f"p{pct}"))
    return (select(ranked.c.key, ranked.c.measure, *columns)
            .group_by(ranked.c.key, ranked.c.measure))


def _number(value) -> float | None:
    return None if value is None else float(value)


def figures(f: StatsFilter, today: date, dimension: str | None = None,
            *, suppress: bool = True, full: bool = True,
            percentiles: bool = True) -> list[Figures]:
    """Figures for everything (one item) or per group of a dimension, largest first.

    Two queries whatever the data size. With `suppress`, small groups are marked so that
    pages hide their derived figures (see the module docstring). Percentiles cost a sort
    of every duration: without `full` only the median time to answer is computed (what the
    public breakdowns show); the others stay None. Without `percentiles`, one query and
    no times at all (for pages that measure time otherwise, in working days).
    """
    dim = _dimensions()[dimension] if dimension else None
    result: dict[object, Figures] = {}
    for row in db.session.execute(_aggregates(f, today, dim)).mappings():
        key = row["key"] if dim else None
        result[key] = Figures(
            key=key,
            label=(row["label"] or "") if dim else "",
            total=int(row["total"]),
            rejected=int(row["rejected"]),
            answered=int(row["answered"]),
            due_total=int(row["due_total"]),
            on_time=int(row["on_time"]),
            rating_avg=_number(row["rating_avg"]),
            rating_count=int(row["rating_count"]),
            waiting=int(row["waiting"]),
            overdue=int(row["overdue"]),
        )
    if dim is None and None not in result:
        result[None] = Figures()
    if percentiles and any(item.total for item in result.values()):
        for row in db.session.execute(_percentiles(f, today, dim, full=full)).mappings():
            item = result.get(row["key"] if dim else None)
            if item is None:
                continue
            prefix = "first" if int(row["measure"]) == 1 else "answer"
            setattr(item, f"{prefix}_median", _number(row["p50"]))
            if full:
                setattr(item, f"{prefix}_p90", _number(row["p90"]))
    items = sorted(result.values(), key=lambda item: (-item.total, item.label))
    if suppress:
        for item in items:
            item.suppressed = item.total < MIN_CELL
    return items


@dataclass
class TrendMonth:
    month: date
    figures: Figures = field(default_factory=Figures)


def trend(f: StatsFilter, today: date, *, suppress: bool = True,
          full: bool = True, percentiles: bool = True) -> list[TrendMonth]:
    """The last 12 months (this one included), whatever the chosen period; empty months
    are shown as zero rather than left out."""
    by_month = {item.key: item for item in figures(
        replace(f, period="12b"), today, "bulan", suppress=suppress, full=full,
        percentiles=percentiles)}
    return _trend_months(by_month, today, suppress=suppress)


def _trend_months(by_month: dict, today: date, *, suppress: bool) -> list[TrendMonth]:
    months = [month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    return [
        TrendMonth(month, by_month.get(f"{month:%Y-%m}") or Figures(
            key=f"{month:%Y-%m}", suppressed=suppress))
        for month in months
    ]


@dataclass
class KimActivity:
    name: str
    slug: str
    district: str
    members: int
    questions: int
    relays: int
    business_groups: int
    products: int


def kim_activity(f: StatsFilter, today: date,
                 counted: dict[int, int] | None = None) -> list[KimActivity]:
    """Active KIM groups with their active members, the questions they submitted for
    villagers and the announcements they relayed in the period, their business groups and
    published products (the catalog as it stands); one query. `counted` (questions per KIM
    id, as `_one_pass` counts them) spares this query its pass over the threads."""
    members = (
        select(Membership.group_id, func.count().label("n"))
        .where(Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.group_id)
        .subquery("members")
    )
    since = f.since(today)
    asked = select(Thread.submitted_via_kim_id.label("group_id"), func.count().label("n")).where(
        Thread.submitted_via_kim_id.is_not(None))
    if since is not None:
        asked = asked.where(Thread.created_at >= since)
    asked = asked.group_by(Thread.submitted_via_kim_id).subquery("asked")
    relayed = select(Relay.group_id, func.count().label("n"))
    if since is not None:
        relayed = relayed.where(Relay.created_at >= since)
    relayed = relayed.group_by(Relay.group_id).subquery("relayed")
    # Counted per business group first, from the index of published products alone.
    published = (
        select(Product.business_group_id, func.count().label("n"))
        .where(Product.published.is_(True))
        .group_by(Product.business_group_id)
        .subquery("published")
    )
    business = (
        select(BusinessGroup.kim_group_id.label("group_id"),
               func.count().label("groups"),
               cast(func.coalesce(func.sum(published.c.n), 0), Integer).label("products"))
        .outerjoin(published, published.c.business_group_id == BusinessGroup.id)
        .group_by(BusinessGroup.kim_group_id)
        .subquery("business")
    )
    questions = (func.coalesce(asked.c.n, 0) if counted is None
                 else literal_column("0")).label("questions")
    stmt = (
        select(KimGroup.id, KimGroup.name, KimGroup.slug, District.name.label("district"),
               func.coalesce(members.c.n, 0).label("members"), questions,
               func.coalesce(relayed.c.n, 0).label("relays"),
               func.coalesce(business.c.groups, 0).label("business_groups"),
               func.coalesce(business.c.products, 0).label("products"))
        .join(Village, Village.code == KimGroup.village_code)
        .join(District, District.code == Village.district_code)
        .outerjoin(members, members.c.group_id == KimGroup.id)
        .outerjoin(relayed, relayed.c.group_id == KimGroup.id)
        .outerjoin(business, business.c.group_id == KimGroup.id)
        .where(KimGroup.status == KimStatus.AKTIF)
        .order_by(District.name, KimGroup.name)
    )
    if counted is None:
        stmt = stmt.outerjoin(asked, asked.c.group_id == KimGroup.id)
    if f.kecamatan:
        stmt = stmt.where(Village.district_code == f.kecamatan)
    kims = []
    for row in db.session.execute(stmt).mappings().all():
        values = {key: value for key, value in row.items() if key != "id"}
        if counted is not None:
            values["questions"] = counted.get(row["id"], 0)
        kims.append(KimActivity(**values))
    return kims


@dataclass
class PublicFigures:
    """Everything the public page shows, computed together (and cached together)."""

    overall: Figures
    areas: list[Figures]
    categories: list[Figures]
    agencies: list[Figures]
    months: list[TrendMonth]
    kims: list[KimActivity]
    computed_at: datetime


def public_figures(f: StatsFilter, today: date) -> PublicFigures:
    """The public page's figures, from the statistics' own rows (`stats.tally`): four
    queries whatever the amount of data.

    1. The counts: for the whole regency, the sums of the day rows of the period (each
       breakdown, the KIMs' questions, and the trend's months); for one kecamatan, its
       thread rows (a few thousand). The whole is the sum of its areas. The KIMs'
       questions are every question they asked, wherever the villager lives (as
       `kim_activity` counts them). Among the counts: the open questions with a due date.
    2. What depends on today: of those open questions, the few not due yet (a due date
       today or later); the others are past their answer due date (they count as due)
       or past their current step's due date (overdue).
    3. The times: the median (and for the whole, the 90th percentile) of each group, read
       from the indexes that keep the durations in order (`percentile_cont`; on SQLite
       ranks, `percentiles_of`).
    4. The KIM activity (`kim_activity`, given the counts of 1).

    Every figure equals what `figures` computes from the threads directly (a test compares
    them for several periods and filters on both databases). Breakdowns carry only the
    median time to answer (the figure they show)."""
    since = f.since(today)
    period = _Window(local_date_of(since) if since else None,
                     month_start(today, TREND_MONTHS - 1), today)
    counts = _part_rows(_counts(f, period))
    ahead = _part_rows(_not_due_yet(f, period))
    times = _times(f, period, counts)
    whole = {name: sum(int(row[name] or 0) for (part, _key), row in counts.items()
                       if part == "area") for name in _COUNTED}
    counts[("overall", None)] = {"name": "", **whole}
    parts: dict[str, dict[object, Figures]] = {}
    for (part, key), row in counts.items():
        later = ahead.get((part, key)) or {}
        item = Figures(
            key=key, label=row["name"] or "", total=int(row["total"] or 0),
            rejected=int(row["rejected"] or 0), answered=int(row["answered"] or 0),
            on_time=int(row["on_time"] or 0), rating_count=int(row["rating_count"] or 0),
            waiting=int(row["waiting"] or 0),
            due_total=int(row["answered_due"] or 0) + int(row["open_answer_due"] or 0)
            - int(later.get("answer") or 0),
            overdue=int(row["open_step_due"] or 0) - int(later.get("step") or 0),
        )
        if item.rating_count:
            item.rating_avg = int(row["rating_sum"]) / item.rating_count
        answer = times.get((part, key))
        if answer is not None:
            item.answer_median = _number(answer["p50"])
            if part == "overall":
                item.answer_p90 = _number(answer["p90"])
        parts.setdefault(part, {})[key] = item
    overall = parts["overall"][None]
    if not overall.total:
        overall = Figures()
    else:
        first = times.get(("first", None))
        if first is not None:
            overall.first_median, overall.first_p90 = _number(first["p50"]), _number(first["p90"])
    overall.suppressed = overall.total < MIN_CELL
    breakdowns = []
    for part in ("area", "category", "agency"):
        items = sorted(parts.get(part, {}).values(), key=lambda item: (-item.total, item.label))
        for item in items:
            item.suppressed = item.total < MIN_CELL
        breakdowns.append(items)
    by_month = parts.get("month", {})
    for key, item in by_month.items():
        item.label = key
        item.suppressed = item.total < MIN_CELL
    asked = {key: item.total for key, item in parts.get("kim", {}).items()}
    return PublicFigures(
        overall=overall, areas=breakdowns[0], categories=breakdowns[1],
        agencies=breakdowns[2], months=_trend_months(by_month, today, suppress=True),
        kims=kim_activity(f, today, counted=asked), computed_at=datetime.now(UTC),
    )


@dataclass(frozen=True)
class _Window:
    since: date | None  # first day of the period (None: all time)
    trend: date  # first day of the trend's twelve months
    today: date


# Parts whose keys are ids (the SQL hands every key over as text).
_ID_PARTS = frozenset({"category", "agency", "kim"})


def _part_rows(stmt) -> dict[tuple[str, object], dict]:
    result = {}
    for row in db.session.execute(stmt).mappings().all():
        key = row["key"]
        if key is not None and row["part"] in _ID_PARTS:
            key = int(key)
        result[(row["part"], key)] = row
    return result


def _key(column):
    return cast(column, String) if column is not None else cast(null(), String)


def _area(f: StatsFilter, source):
    """The area breakdown's key: villages of the chosen kecamatan, or the kecamatan."""
    return source.village_code if f.kecamatan else source.district_code


def _names(part: str, f: StatsFilter):
    """(table, its key column, its name column) naming a part's keys."""
    if part == "area":
        table = Village if f.kecamatan else District
        return table, table.code, table.name
    if part == "category":
        return Category, Category.id, Category.name
    if part == "agency":
        return Agency, Agency.id, Agency.name
    return None


_COUNTED = ("total", *tally.SUMMED, "rating_sum", "rating_count")


def _counts(f: StatsFilter, w: _Window):
    """One row per part and key: the counts that do not depend on today (no "overall":
    the whole is the sum of its areas)."""
    t = ThreadFigure
    d = DayFigure
    branches = []

    def branch(part, key, where, sums):
        grouped = (select(key.label("key"), *sums).where(*where).group_by(key)
                   .subquery(f"counted_{part}"))
        named = _names(part, f)
        stmt = select(literal(part).label("part"), _key(grouped.c.key).label("key"),
                      (named[2] if named else cast(null(), String)).label("name"),
                      *(grouped.c[name] if name in grouped.c else cast(null(), Integer
                                                                        ).label(name)
                        for name in _COUNTED)).select_from(grouped)
        if named:
            stmt = stmt.outerjoin(named[0], named[1] == grouped.c.key)
        branches.append(stmt)

    day_sums = [func.sum(d.total).label("total"),
                *(func.sum(getattr(d, name)).label(name) for name in tally.SUMMED),
                func.sum(d.rating_sum).label("rating_sum"),
                func.sum(d.rating_count).label("rating_count")]
    row_sums = [func.count().label("total"),
                *(func.sum(getattr(t, name)).label(name) for name in tally.SUMMED),
                func.sum(t.rating).label("rating_sum"), func.count(t.rating).label("rating_count")]
    in_period = [] if w.since is None else [d.day >= w.since]
    # The KIMs' questions: every one they asked, from the whole regency's day rows (only
    # how many: the KIM activity shows no more).
    branch("kim", d.kim_id, [d.dimension == "kim", *in_period], day_sums[:1])
    if f.kecamatan:
        here = [t.district_code == f.kecamatan]
        period_rows = [*here, *([] if w.since is None else [t.day >= w.since])]
        branch("area", _area(f, t), period_rows, row_sums)
        branch("category", t.category_id, period_rows, row_sums)
        branch("agency", t.agency_id, period_rows, row_sums)
        branch("month", t.month, [*here, t.day >= w.trend], row_sums)
    else:
        branch("area", d.district_code, [d.dimension == "kecamatan", *in_period], day_sums)
        branch("category", d.category_id, [d.dimension == "kategori", *in_period], day_sums)
        branch("agency", d.agency_id, [d.dimension == "instansi", *in_period], day_sums)
        branch("month", d.month, [d.dimension == "kecamatan", d.day >= w.trend], day_sums)
    return union_all(*branches)


def _breakdowns(f: StatsFilter, w: _Window):
    """(part, key column, conditions) of every group over the thread rows."""
    t = ThreadFigure
    here = [t.district_code == f.kecamatan] if f.kecamatan else []
    period = [*here, *([] if w.since is None else [t.day >= w.since])]
    return [("overall", None, period), ("area", _area(f, t), period),
            ("category", t.category_id, period), ("agency", t.agency_id, period),
            # The trend starts on a first of the month: a range of the (month, …) index.
            ("month", t.month, [*here, t.month >= f"{w.trend:%Y-%m}"])]


def _not_due_yet(f: StatsFilter, w: _Window):
    """Of the open questions, per part and key, those not due yet: their answer due date
    (`answer`) or their current step's due date (`step`, `lifecycle.overdue_clause`) is
    today or later. The counts hold every open question with a due date; the others are
    past it. These are the questions of the last working days, read through the two
    due-date indexes (a CTE), then grouped per part."""
    t = ThreadFigure
    lower = None if w.since is None else min(w.since, w.trend)
    rows = select(
        t.day, t.month, t.district_code, t.village_code, t.category_id, t.agency_id,
        case((t.open_due_on >= w.today, 1), else_=0).label("answer"),
        case((t.due_on >= w.today, 1), else_=0).label("step"),
    ).where(or_(t.open_due_on >= w.today, t.due_on >= w.today),
            *([t.district_code == f.kecamatan] if f.kecamatan else []),
            *([] if lower is None else [t.day >= lower])).cte("not_due_rows")
    in_period = [] if w.since is None else [rows.c.day >= w.since]
    keys = {"overall": None, "area": _area(f, rows.c), "category": rows.c.category_id,
            "agency": rows.c.agency_id, "month": rows.c.month}
    branches = []
    for part, key in keys.items():
        stmt = select(literal(part).label("part"), _key(key).label("key"),
                      func.sum(rows.c.answer).label("answer"),
                      func.sum(rows.c.step).label("step"),
                      ).where(*([rows.c.day >= w.trend] if part == "month" else in_period))
        branches.append(stmt.group_by(key) if key is not None else stmt)
    return union_all(*branches)


# Periods whose whole-regency percentiles are read at their ranks (`_at_ranks`): most of
# each group's durations are in them. Shorter ones sort their few durations.
_RANKED_PERIODS = frozenset({"12b", "semua"})


def _times(f: StatsFilter, w: _Window, counts: dict) -> dict[tuple[str, object], dict]:
    """{(part, key): {"p50": …, "p90": …}}: the median (and for the whole, the 90th
    percentile) of the time to answer per part and key, and of the time to first response
    for the whole ("first"), in one query.

    For the whole regency the day sums count each group's durations (`counts`), so a
    percentile's ranks are known before any duration is read: its value is read at that
    rank of the index that holds the group's durations in order, walking half of them (a
    tenth, from the top, for the 90th percentile) and sorting none (`_at_ranks`), for the
    trend's months and for the long periods. Otherwise (a short period, a kecamatan) the
    period's durations are read once and each group's are sorted by `percentile_cont`; on
    SQLite they are ranked (`percentiles_of`). The values are the same:
    `percentile_cont`'s linear interpolation between two ranks."""
    t = ThreadFigure
    groups = _breakdowns(f, w)
    period = groups[0][2]  # the whole's conditions: the period (and kecamatan)
    measures = [("first", None, t.first_seconds, period)]
    measures += [(part, key, t.answer_seconds, where) for part, key, where in groups]
    if db.session.get_bind().dialect.name != "postgresql":
        durations = union_all(*(
            select(_key(key).label("key"), literal(part).label("measure"),
                   value.label("seconds")).where(value.is_not(None), *where)
            for part, key, value, where in measures)).subquery("durations")
        ranked = percentiles_of(durations, durations.c.seconds, PERCENTILES).subquery("ranked")
        return _part_rows(select(ranked.c.measure.label("part"), ranked.c.key,
                                 ranked.c.p50, ranked.c.p90))
    branches, wanted = [], {}
    # The period's durations read once, for the groups that sort theirs.
    timed = select(t.district_code, t.village_code, t.category_id, t.agency_id,
                   t.first_seconds, t.answer_seconds).where(
        *period, or_(t.first_seconds.is_not(None), t.answer_seconds.is_not(None))
    ).cte("timed")
    for part, key, value, where in measures:
        if not f.kecamatan and (part == "month" or f.period in _RANKED_PERIODS):
            branches += _at_ranks(part, key, value, [value.is_not(None), *where], counts,
                                  wanted)
        elif part == "month":
            # A kecamatan's months, each read from the (month, measure) index in order.
            branches.append(_time_row(
                part, key, func.percentile_cont(0.5).within_group(value)).where(
                value.is_not(None), *where).group_by(key))
        else:
            seconds = timed.c[value.name]
            middle = func.percentile_cont(0.5).within_group(seconds)
            if key is None:
                branches.append(_time_row(
                    part, None, middle, func.percentile_cont(0.9).within_group(seconds)
                ).where(seconds.is_not(None)))
            else:
                group = timed.c[key.name]
                branches.append(_time_row(part, group, middle).where(
                    seconds.is_not(None)).group_by(group))
    result: dict[tuple[str, object], dict] = {}
    found: dict[tuple, list[float]] = {}
    rows = db.session.execute(union_all(*branches)).mappings().all() if branches else ()
    for row in rows:
        key = row["key"]
        if key is not None and row["part"] in _ID_PARTS:
            key = int(key)
        if row["wanted"] is None:
            result[(row["part"], key)] = {"p50": row["p50"], "p90": row["p90"]}
        else:
            found.setdefault((row["part"], key, row["wanted"]), []).append(row["seconds"])
    for (part, key, name), position in wanted.items():
        result.setdefault((part, key), {"p50": None, "p90": None})[name] = _between(
            sorted(found.get((part, key, name), ())), position)
    return result


def _time_row(part: str, key, p50=None, p90=None, *, wanted=None, seconds=None):
    """A row of the times' union: (part, key, p50, p90) from `percentile_cont`, or
    (part, key, the percentile wanted, a duration at one of its ranks)."""
    def number(value):
        return cast(null(), Float) if value is None else value

    return select(literal(part).label("part"), _key(key).label("key"),
                  number(p50).label("p50"), number(p90).label("p90"),
                  (literal(wanted) if wanted else cast(null(), String)).label("wanted"),
                  number(seconds).label("seconds"))


def _at_ranks(part: str, key, value, where: list, counts: dict, wanted: dict) -> list:
    """The durations at the ranks a group's percentiles lie between (`wanted` notes each
    group's position), read in the order of the index on (key, measure): for each group
    (an `unnest` of the keys with their offsets, a LATERAL walk of the index) the two
    values from the lower rank on; for the 90th percentile of the whole, from the top."""
    measure = "first_timed" if part == "first" else "answer_timed"
    counted = "area" if part in ("first", "overall") else part
    sizes = {group: int(row[measure] or 0) for (name, group), row in counts.items()
             if name == counted}
    if key is None:
        sizes = {None: sum(sizes.values())}
    percentiles = (50, 90) if key is None else (50,)
    branches = []
    for pct in percentiles:
        offsets = {}
        for group, size in sizes.items():
            if size:
                position = pct / 100 * (size - 1)  # as percentile_cont computes it
                wanted[(part, group, f"p{pct}")] = position
                offsets[group] = math.floor(position)
        if not offsets:
            continue
        name = f"p{pct}"
        if key is None:
            (lower,) = offsets.values()
            size = sizes[None]
            ordered = select(value.label("seconds")).where(*where)
            if pct > 50:  # from the top, down to the two values around the position
                ordered = ordered.order_by(value.desc()).offset(max(size - 2 - lower, 0))
            else:
                ordered = ordered.order_by(value).offset(lower)
            ordered = ordered.limit(2).subquery(f"{part}_{name}")
            branches.append(_time_row(part, None, wanted=name, seconds=ordered.c.seconds))
            continue
        if None in offsets:  # no agency yet: the index's NULL group, on its own
            ordered = (select(value.label("seconds")).where(key.is_(None), *where)
                       .order_by(value).offset(offsets.pop(None)).limit(2)
                       .subquery(f"{part}_unassigned"))
            branches.append(_time_row(part, None, wanted=name, seconds=ordered.c.seconds))
        if not offsets:
            continue
        keys = func.unnest(literal(list(offsets), ARRAY(key.type)),
                           literal(list(offsets.values()), ARRAY(Integer))
                           ).table_valued("key", "skip").render_derived(name=f"{part}_groups")
        ordered = (select(value.label("seconds")).where(key == keys.c.key, *where)
                   .order_by(value).offset(keys.c.skip).limit(2).lateral(f"{part}_ranks"))
        branches.append(_time_row(part, keys.c.key, wanted=name, seconds=ordered.c.seconds)
                        .select_from(keys).join(ordered, true()))
    return branches


def _between(values: list[float], position: float) -> float | None:
    """`percentile_cont` from the values at the ranks `position` lies between (rows
    counted from 0): the lower one, plus the fraction of the way to the upper one."""
    if not values:
        return None
    lower = math.floor(position)
    if math.ceil(position) == lower or len(values) == 1:
        return values[0]
    return values[0] + (position - lower) * (values[1] - values[0])


class FigureCache:
    """Computed public figures, kept in the shared cache (`common/cache.py`: Redis when
    `REDIS_URL` is set, so every worker and machine reuses one computation) for `ttl`
    seconds. Losing it loses nothing: the figures are computed again."""

    def __init__(self):
        self._epoch = 0

    def _name(self, key) -> str:
        return f"stats:{self._epoch}:" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]

    def get_or_compute(self, key, ttl: int, compute: Callable[[], object], *,
                       dump: Callable | None = None, load: Callable | None = None):
        """`dump`/`load` turn the value into JSON and back (default: `PublicFigures`)."""
        return cache.remember(self._name(key), ttl, compute, dump=dump or _encode,
                              load=load or _decode)

    def get_text(self, key) -> str | None:
        """A text kept by `put_text` (a rendered section), or None."""
        stored = cache.get(self._name(key))
        return None if stored is None else stored.decode()

    def put_text(self, key, text: str, ttl: float) -> None:
        if ttl > 0:
            cache.put(self._name(key), text.encode(), ttl)

    def clear(self) -> None:
        """Forget what this process computed (the tests; other processes keep theirs)."""
        self._epoch += 1


def _fields_of(item) -> dict:
    """A dataclass of plain values as a dict, as `asdict` gives it without its deep copy of
    every value (50 ms for a regency's figures, a sixth of a cold page)."""
    return {name: getattr(item, name) for name in _field_names(type(item))}


@remembered
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(kind))


def _encode(data: PublicFigures) -> dict:
    return {
        "overall": _fields_of(data.overall),
        "areas": [_fields_of(item) for item in data.areas],
        "categories": [_fields_of(item) for item in data.categories],
        "agencies": [_fields_of(item) for item in data.agencies],
        "months": [{"month": month.month.isoformat(), "figures": _fields_of(month.figures)}
                   for month in data.months],
        "kims": [_fields_of(kim) for kim in data.kims],
        "computed_at": data.computed_at.isoformat(),
    }


def _decode(data: dict) -> PublicFigures:
    def many(items):
        return [Figures(**item) for item in items]

    return PublicFigures(
        overall=Figures(**data["overall"]), areas=many(data["areas"]),
        categories=many(data["categories"]), agencies=many(data["agencies"]),
        months=[TrendMonth(date.fromisoformat(month["month"]), Figures(**month["figures"]))
                for month in data["months"]],
        kims=[KimActivity(**kim) for kim in data["kims"]],
        computed_at=datetime.fromisoformat(data["computed_at"]),
    )


public_cache = FigureCache()


def district_name(code: str | None, choices: list[tuple[str, str]]) -> str:
    return next((name for value, name in choices if value == code), "")
