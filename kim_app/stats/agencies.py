"""How each agency (OPD) answers the questions assigned to it, in public
(`/statistik/instansi/` and one page per agency). Computed in the database; a fixed number
of queries whatever the amount of data.

Per agency, over the chosen period (questions by the date they were asked; the agency is
the one a question is assigned to now):

- *questions received*, *answered within the due date* and *average rating*: as on
  `/statistik` (`stats.services`: the same definitions, the same query).
- *median working days to first response* and *to answer*: from the day the question was
  asked to the day of the first officer response / the official answer, in working days
  (`common.workdays`: weekends, national holidays and cuti bersama do not count; an answer
  on the day of asking is 0). The database counts them with a calendar of working-day
  numbers built from `common.workdays`, passed in with the query.
- *overdue now*: questions of the agency still waiting for an officer whose current step
  is past its due date today (`threads.lifecycle`), whenever they were asked.
- *grade* A–E (`grade`): from the share answered on time and the median working days to
  answer; the rule is written on the page (`GRADE_RULES`).

Privacy: every question counts, private and anonymous ones included. Only public,
verified questions are ever linked (`linkable_clause`); an agency with fewer than
`MIN_CELL` questions shows its count only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    Integer,
    and_,
    column,
    func,
    literal_column,
    select,
    union_all,
    values,
)

from kim_app.common.workdays import is_working_day
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Agency, Thread, Village, Visibility
from kim_app.moderation.visibility import public_thread_clause
from kim_app.stats import services
from kim_app.stats.sql import local_date
from kim_app.threads import lifecycle

MIN_CELL = services.MIN_CELL
MIN_GRADED = 5  # questions past their due date (or answered) before a grade is given
RECENT_SHOWN = 10

# Grade → (least share answered on time, most median working days to answer); the first
# rule an agency meets is its grade, E when it meets none.
GRADE_RULES = (
    ("A", 0.90, 5),
    ("B", 0.75, 8),
    ("C", 0.60, 10),
    ("D", 0.40, None),
)
GRADES = ("A", "B", "C", "D", "E")

def linkable_clause():
    """SQL: a question these pages may link to: public for a guest
    (`moderation.visibility`: verified, not private, not hidden) and not anonymous either."""
    return and_(public_thread_clause(), Thread.visibility == Visibility.PUBLIC)


def grade(on_time_share: float | None, answer_median_days: float | None,
          graded: int) -> str | None:
    """The grade by `GRADE_RULES`; None when fewer than `MIN_GRADED` questions can be
    judged yet."""
    if graded < MIN_GRADED or on_time_share is None:
        return None
    for letter, least_share, most_days in GRADE_RULES:
        if on_time_share >= least_share and (
                most_days is None
                or (answer_median_days is not None and answer_median_days <= most_days)):
            return letter
    return "E"


def grade_rules_text() -> list[str]:
    """The rule, as the page writes it."""
    lines = []
    for letter, least_share, most_days in GRADE_RULES:
        share = round(least_share * 100)
        if most_days is None:
            lines.append(_l("%(grade)s: paling sedikit %(share)d%% dijawab tepat waktu.",
                            grade=letter, share=share))
        else:
            lines.append(_l("%(grade)s: paling sedikit %(share)d%% dijawab tepat waktu dan "
                            "median jawaban paling lama %(days)d hari kerja.",
                            grade=letter, share=share, days=most_days))
    lines.append(_l("E: selain itu."))
    lines.append(_l("Nilai diberikan setelah paling sedikit %(num)d pertanyaan sudah jatuh "
                    "tempo atau dijawab.", num=MIN_GRADED))
    return [str(line) for line in lines]


# ---------------------------------------------------------------------------------------
# Working days in SQL


def calendar(start: date, end: date):
    """VALUES (day, n): n = working days after `start` up to and including `day`, for
    every day from `start` to `end`. The working days between two days are then the
    difference of their numbers, exactly `workdays.working_days_between`."""
    rows, number, day = [], 0, start
    while day <= end:
        if day > start and is_working_day(day):
            number += 1
        rows.append((day, number))
        day += timedelta(days=1)
    return values(column("day", Date), column("n", Integer), name="workday_calendar"
                  ).data(rows).cte("workday_calendar")


def _first_day(f: services.StatsFilter, today: date) -> date:
    since = f.since(today)
    if since is not None:
        return services.local_today(since)
    earliest = db.session.scalar(select(func.min(Thread.created_at)))
    return services.local_today(earliest) if earliest is not None else today


def _medians(f: services.StatsFilter, today: date) -> dict[tuple[int, int], float]:
    """{(agency id, measure): median working days}; measure 1 = first response, 2 =
    answer. One query; the median interpolates as `percentile_cont` does."""
    first = _first_day(f, today)
    days = calendar(first - timedelta(days=1), today)
    start_cal, end_cal = days.alias("start_day"), days.alias("end_day")

    def durations(measure: int, end):
        stmt = (select(Thread.agency_id.label("key"),
                       literal_column(str(measure)).label("measure"),
                       (end_cal.c.n - start_cal.c.n).label("days"))
                .select_from(Thread)
                .join(start_cal, start_cal.c.day == local_date(Thread.created_at))
                .join(end_cal, end_cal.c.day == local_date(end)))
        if f.kecamatan:
            stmt = stmt.join(Village, Village.code == Thread.village_code)
        return stmt.where(*services._conditions(f, today), Thread.agency_id.is_not(None),
                          end.is_not(None))

    both = union_all(durations(1, Thread.first_response_at),
                     durations(2, Thread.answered_at)).subquery("durations")
    rows = db.session.execute(services.percentiles_of(both, both.c.days))
    return {(int(key), int(measure)): float(value) for key, measure, value in rows}


# ---------------------------------------------------------------------------------------
# The figures


@dataclass
class AgencyFigures:
    id: int
    name: str
    short_name: str
    slug: str
    received: int = 0
    answered: int = 0
    due_total: int = 0
    on_time: int = 0
    rating_avg: float | None = None
    rating_count: int = 0
    overdue_now: int = 0
    first_days: float | None = None
    answer_days: float | None = None
    suppressed: bool = True
    grade: str | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due_total if self.due_total else None


def _overdue_now(f: services.StatsFilter, today: date) -> dict[int, int]:
    stmt = select(Thread.agency_id, func.count()).where(
        Thread.agency_id.is_not(None), lifecycle.overdue_clause(today))
    if f.kecamatan:
        stmt = stmt.join(Village, Village.code == Thread.village_code).where(
            Village.district_code == f.kecamatan)
    if f.agency_id is not None:
        stmt = stmt.where(Thread.agency_id == f.agency_id)
    return dict(db.session.execute(stmt.group_by(Thread.agency_id)).all())


def agency_figures(f: services.StatsFilter, today: date) -> list[AgencyFigures]:
    """Every active agency (and any inactive one with questions in the period), by name:
    four queries."""
    counted = {item.key: item for item in services.figures(
        f, today, "instansi", suppress=False, percentiles=False) if item.key is not None}
    medians = _medians(f, today)
    overdue = _overdue_now(f, today)
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    result = []
    for agency in agencies:
        if f.agency_id is not None and agency.id != f.agency_id:
            continue
        item = counted.get(agency.id)
        if item is None and not agency.active:
            continue
        row = AgencyFigures(agency.id, agency.name, agency.short_name or "", agency.slug,
                            overdue_now=int(overdue.get(agency.id, 0)))
        if item is not None:
            row.received, row.answered = item.total, item.answered
            row.due_total, row.on_time = item.due_total, item.on_time
            row.rating_avg, row.rating_count = item.rating_avg, item.rating_count
        row.first_days = medians.get((agency.id, 1))
        row.answer_days = medians.get((agency.id, 2))
        row.suppressed = row.received < MIN_CELL
        row.grade = None if row.suppressed else grade(row.on_time_share, row.answer_days,
                                                      row.due_total)
        result.append(row)
    return result


SORTS = {
    "nama": lambda item: (item.name.lower(),),
    "nilai": lambda item: (item.grade is None, item.grade or "", item.name.lower()),
    "pertanyaan": lambda item: (item.received,),
    "tepat": lambda item: (item.on_time_share is None or item.suppressed,
                           item.on_time_share or 0),
    "tanggapan": lambda item: (item.first_days is None or item.suppressed,
                               item.first_days or 0),
    "jawaban": lambda item: (item.answer_days is None or item.suppressed,
                             item.answer_days or 0),
    "penilaian": lambda item: (item.rating_avg is None or item.suppressed,
                               item.rating_avg or 0),
    "terlambat": lambda item: (item.overdue_now,),
}
# The direction a column sorts in first (best first where there is a best).
FIRST_DIRECTION = {"nama": "naik", "nilai": "naik", "pertanyaan": "turun", "tepat": "turun",
                   "tanggapan": "naik", "jawaban": "naik", "penilaian": "turun",
                   "terlambat": "turun"}


def sort(items: list[AgencyFigures], by: str, direction: str) -> list[AgencyFigures]:
    """Sorted by a column; agencies without a value for it stay at the end either way."""
    key = SORTS.get(by, SORTS["nilai"])
    with_value = [item for item in items if not _missing(item, by)]
    without = [item for item in items if _missing(item, by)]
    with_value.sort(key=key, reverse=direction == "turun")
    return with_value + sorted(without, key=SORTS["nama"])


def _missing(item: AgencyFigures, by: str) -> bool:
    first = SORTS.get(by, SORTS["nilai"])(item)[0]
    return isinstance(first, bool) and first


@dataclass
class RecentThread:
    code: str
    title: str
    answered_at: object


@dataclass
class AgencyPage:
    figures: AgencyFigures
    months: list[services.TrendMonth]
    recent: list[RecentThread] = field(default_factory=list)
    not_shown: int = 0


def agency_page(agency: Agency, f: services.StatsFilter, today: date) -> AgencyPage:
    """One agency's figures, its 12 months, and its latest answered questions that may be
    linked (private and anonymous ones only counted): eight queries."""
    f = services.StatsFilter(period=f.period, kecamatan=f.kecamatan, agency_id=agency.id)
    (figures,) = agency_figures(f, today) or [AgencyFigures(agency.id, agency.name,
                                                            agency.short_name or "",
                                                            agency.slug)]
    answered = [Thread.agency_id == agency.id, Thread.answered_at.is_not(None)]
    recent = [RecentThread(*row) for row in db.session.execute(
        select(Thread.code, Thread.title, Thread.answered_at)
        .where(*answered, linkable_clause())
        .order_by(Thread.answered_at.desc(), Thread.id.desc()).limit(RECENT_SHOWN))]
    hidden = select(func.count()).select_from(Thread)
    if f.kecamatan:
        hidden = hidden.join(Village, Village.code == Thread.village_code)
    not_shown = db.session.scalar(hidden.where(*services._conditions(f, today),
                                               ~linkable_clause()))
    return AgencyPage(figures, services.trend(f, today, full=False, percentiles=False),
                      recent, int(not_shown or 0))


# ---------------------------------------------------------------------------------------
# JSON for the shared cache (`stats.services.public_cache`)


def encode_list(items: list[AgencyFigures]) -> list[dict]:
    return [asdict(item) for item in items]


def decode_list(data: list[dict]) -> list[AgencyFigures]:
    return [AgencyFigures(**item) for item in data]


def encode_page(page: AgencyPage) -> dict:
    return {
        "figures": asdict(page.figures),
        "months": [{"month": m.month.isoformat(), "figures": asdict(m.figures)}
                   for m in page.months],
        "recent": [{"code": r.code, "title": r.title,
                    "answered_at": r.answered_at.isoformat()} for r in page.recent],
        "not_shown": page.not_shown,
    }


def decode_page(data: dict) -> AgencyPage:
    return AgencyPage(
        figures=AgencyFigures(**data["figures"]),
        months=[services.TrendMonth(date.fromisoformat(m["month"]),
                                    services.Figures(**m["figures"])) for m in data["months"]],
        recent=[RecentThread(r["code"], r["title"], datetime.fromisoformat(r["answered_at"]))
                for r in data["recent"]],
        not_shown=data["not_shown"],
    )
