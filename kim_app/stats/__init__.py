"""Transparency statistics, public, at `/statistik`. The officers' dashboard and its CSV
exports (`/petugas/dasbor`) live in `officer/` and use the figures, filters and number
formats defined here."""

from flask import Blueprint
from flask_babel import format_decimal, format_percent, ngettext

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
                        hours=format_decimal(seconds / HOUR, format="#,##0.#"))
    return ngettext("%(days)s hari", "%(days)s hari", round(seconds / DAY),
                    days=format_decimal(seconds / DAY, format="#,##0.#"))


@bp.app_template_filter("percent")
def percent(share: float | None) -> str:
    return "–" if share is None else format_percent(share, format="#,##0%")


@bp.app_template_filter("number")
def number(value: int | None) -> str:
    """A count with the locale's grouping: 100.000 in Indonesian."""
    return "–" if value is None else format_decimal(value, format="#,##0")


@bp.app_template_filter("decimal")
def decimal(value: float | None, pattern: str = "#,##0.0") -> str:
    return "–" if value is None else format_decimal(value, format=pattern)


from kim_app.stats import routes  # noqa: E402,F401
