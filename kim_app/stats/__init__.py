"""Transparency statistics, public, at `/statistik`. The officers' dashboard and its CSV
exports (`/petugas/dasbor`) live in `officer/` and use the figures, filters and number
formats defined here."""

from functools import cache

from babel.numbers import get_group_symbol
from flask import Blueprint
from flask_babel import format_decimal, format_percent, get_locale

from kim_app.i18n import formatted, ngettext

bp = Blueprint("stats", __name__)

HOUR = 3600
DAY = 24 * HOUR


@bp.app_template_filter("duration")
def duration(seconds: float | None) -> str:
    """A time span as people say it: minutes, hours up to two days, then days."""
    if seconds is None:
        return "–"
    if seconds < HOUR:
        minutes = round(seconds / 60)
        return ngettext("%(num)d menit", "%(num)d menit", minutes)
    if seconds < 2 * DAY:
        return ngettext("%(hours)s jam", "%(hours)s jam", round(seconds / HOUR),
                        hours=formatted(format_decimal, seconds / HOUR, "#,##0.#"))
    return ngettext("%(days)s hari", "%(days)s hari", round(seconds / DAY),
                    days=formatted(format_decimal, seconds / DAY, "#,##0.#"))


@bp.app_template_filter("percent")
def percent(share: float | None) -> str:
    return "–" if share is None else formatted(format_percent, share, "#,##0%")


@bp.app_template_filter("number")
def number(value: int | None) -> str:
    """A count with the locale's grouping: 100.000 in Indonesian. Whole numbers are
    grouped here (the same text as Babel's, which a page of figures would ask thousands of
    times); others go through Babel."""
    if value is None:
        return "–"
    if type(value) is int:
        grouped = f"{abs(value):,}".replace(",", _group_symbol(str(get_locale())))
        return f"-{grouped}" if value < 0 else grouped
    return formatted(format_decimal, value, "#,##0")


@cache
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


@bp.app_template_filter("decimal")
def decimal(value: float | None, pattern: str = "#,##0.0") -> str:
    return "–" if value is None else formatted(format_decimal, value, pattern)


from kim_app.stats import routes  # noqa: E402,F401
