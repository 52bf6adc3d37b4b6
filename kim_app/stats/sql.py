"""The few SQL expressions that differ between SQLite and PostgreSQL, in one place.

Statistics are computed in the database. Three things are spelled differently by the two
engines: the seconds between two timestamps, the calendar date in Pati of a UTC timestamp,
and its month. Each is a small SQL construct compiled per dialect, so queries stay ordinary
SQLAlchemy and run unchanged on both.

Pati keeps Western Indonesia Time (UTC+7) the whole year, without daylight saving, so the
SQLite forms may shift by a fixed seven hours; PostgreSQL uses the named zone.
"""

from sqlalchemy import Date, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

LOCAL_ZONE = "Asia/Jakarta"
SQLITE_OFFSET = "+7 hours"


class seconds_between(FunctionElement):  # noqa: N801 - reads as a SQL function
    """`seconds_between(start, end)`: seconds from start to end (a float)."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


class local_date(FunctionElement):  # noqa: N801
    """`local_date(moment)`: the calendar date in Pati of a stored UTC timestamp."""

    type = Date()
    name = "local_date"
    inherit_cache = True


class local_month(FunctionElement):  # noqa: N801
    """`local_month(moment)`: `YYYY-MM` of the timestamp in Pati."""

    type = String()
    name = "local_month"
    inherit_cache = True


def _args(element, compiler, **kw) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(seconds_between)
def _seconds_postgresql(element, compiler, **kw):
    start, end = _args(element, compiler, **kw)
    # date_part gives a double; EXTRACT gives numeric, several times slower to sort.
    return f"date_part('epoch', {end} - {start})"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = _args(element, compiler, **kw)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(local_date)
def _date_postgresql(element, compiler, **kw):
    (moment,) = _args(element, compiler, **kw)
    return f"CAST(timezone('{LOCAL_ZONE}', {moment}) AS DATE)"


@compiles(local_date, "sqlite")
def _date_sqlite(element, compiler, **kw):
    (moment,) = _args(element, compiler, **kw)
    return f"date({moment}, '{SQLITE_OFFSET}')"


@compiles(local_month)
def _month_postgresql(element, compiler, **kw):
    (moment,) = _args(element, compiler, **kw)
    return f"to_char(timezone('{LOCAL_ZONE}', {moment}), 'YYYY-MM')"


@compiles(local_month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    (moment,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m', {moment}, '{SQLITE_OFFSET}')"


class month_of(FunctionElement):  # noqa: N801
    """`month_of(day)`: `YYYY-MM` of a calendar date (a DATE column, already Pati's)."""

    type = String()
    name = "month_of"
    inherit_cache = True


@compiles(month_of)
def _day_month_postgresql(element, compiler, **kw):
    (day,) = _args(element, compiler, **kw)
    return f"to_char({day}, 'YYYY-MM')"


@compiles(month_of, "sqlite")
def _day_month_sqlite(element, compiler, **kw):
    (day,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m', {day})"
