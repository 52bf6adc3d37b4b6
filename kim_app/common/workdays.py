"""Working days in Indonesia: due dates of question threads are counted in them.

A working day is Monday to Friday, not an Indonesian public holiday (the `holidays`
package knows them, including the moving Islamic, Chinese and Hindu-Balinese ones), and
not one of the collective-leave days (*cuti bersama*) the government sets each year, which
are configuration (`KIM_COLLECTIVE_LEAVE`, comma-separated ISO dates).
"""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app

JAKARTA = ZoneInfo("Asia/Jakarta")


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def _collective_leave() -> frozenset[date]:
    return frozenset(current_app.config.get("COLLECTIVE_LEAVE_DAYS", ()))


def is_working_day(day: date) -> bool:
    return (
        day.weekday() < 5
        and day not in _public_holidays(day.year)
        and day not in _collective_leave()
    )


def local_date(moment: datetime) -> date:
    """The calendar date in Pati (WIB) of a stored UTC timestamp."""
    if moment.tzinfo is None:  # SQLite returns naive UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(JAKARTA).date()


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (a question asked on Friday with 3
    days to verify is due on Wednesday)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start).
    Counted by whole weeks, then the days off in the range: the cost does not grow with
    how long a question has waited."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5 + sum(
        1 for offset in range(1, rest + 1)
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5)
    days_off = set(_collective_leave())
    for year in range(start.year, end.year + 1):
        days_off |= _public_holidays(year)
    return count - sum(1 for day in days_off if start < day <= end and day.weekday() < 5)
