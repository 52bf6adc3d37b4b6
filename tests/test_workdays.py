"""Working days: weekends, Indonesian public holidays and collective leave are skipped."""

from datetime import UTC, date, datetime

from kim_app.common.workdays import (
    add_working_days,
    is_working_day,
    local_date,
    working_days_between,
)


def test_weekends_are_skipped(app):
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1) == date(2026, 11, 30)  # Monday
    assert add_working_days(friday, 3) == date(2026, 12, 2)  # Wednesday


def test_public_holidays_are_skipped(app):
    # 25 December 2026 (Christmas) is a Friday: 3 working days after Wednesday 23rd.
    assert not is_working_day(date(2026, 12, 25))
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
    # 17 August, Independence Day.
    assert not is_working_day(date(2026, 8, 17))


def test_collective_leave_is_configurable(app):
    app.config["COLLECTIVE_LEAVE_DAYS"] = (date(2026, 12, 24),)
    assert not is_working_day(date(2026, 12, 24))
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 30)


def test_working_days_between(app):
    assert working_days_between(date(2026, 11, 27), date(2026, 12, 2)) == 3
    assert working_days_between(date(2026, 12, 2), date(2026, 11, 27)) == 0
    assert working_days_between(date(2026, 11, 28), date(2026, 11, 29)) == 0


def test_local_date_is_in_western_indonesia_time(app):
    # 20:00 UTC on the 27th is 03:00 on the 28th in Pati.
    assert local_date(datetime(2026, 11, 27, 20, 0, tzinfo=UTC)) == date(2026, 11, 28)
    assert local_date(datetime(2026, 11, 27, 20, 0)) == date(2026, 11, 28)


def test_long_waits_count_the_same_as_day_by_day(app):
    """Counted by weeks, a wait of years still skips every weekend, holiday and leave day
    that `add_working_days` skips one by one."""
    app.config["COLLECTIVE_LEAVE_DAYS"] = (date(2025, 12, 26), date(2026, 3, 20))
    for start in (date(2024, 12, 30), date(2025, 3, 1), date(2025, 12, 24)):
        for days in (1, 4, 5, 6, 23, 260, 521):
            assert working_days_between(start, add_working_days(start, days)) == days
