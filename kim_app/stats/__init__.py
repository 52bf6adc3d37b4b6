"""Transparency statistics, public, at `/statistik`. The officers' dashboard and its CSV
exports (`/petugas/dasbor`) live in `officer/` and use the figures, filters and number
formats defined here."""

from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Blueprint
from flask_babel import format_decimal, format_percent

from kim_app.i18n import formatted, locale, ngettext

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
                        hours=_babel_text(format_decimal, seconds / HOUR, "#,##0.#"))
    return ngettext("%(days)s hari", "%(days)s hari", round(seconds / DAY),
                    days=_babel_text(format_decimal, seconds / DAY, "#,##0.#"))


@bp.app_template_filter("percent")
def percent(share: float | None) -> str:
    return "–" if share is None else _babel_text(format_percent, share, "#,##0%")


@bp.app_template_filter("number")
def number(value: int | None) -> str:
    """A count with the locale's grouping: 100.000 in Indonesian."""
    if value is None:
        return "–"
    if type(value) is int:
        grouped = f"{abs(value):,}".replace(",", _symbols(locale())[0])
        return f"-{grouped}" if value < 0 else grouped
    return formatted(format_decimal, value, "#,##0")


@bp.app_template_filter("decimal")
def decimal(value: float | None, pattern: str = "#,##0.0") -> str:
    return "–" if value is None else _babel_text(format_decimal, value, pattern)


# The figures' patterns: (decimals, whether they are always shown, scale).
_PATTERNS = {"#,##0.0": (1, True, 0), "#,##0.#": (1, False, 0), "#,##0%": (0, True, 2)}


def _babel_text(formatter, value, pattern: str) -> str:
    """`formatter(value, pattern)` (Flask-Babel's `format_decimal` / `format_percent`) in
    the reader's locale, the same text as Babel's: whole numbers and the figures' patterns
    are written here, rounded as Babel rounds (the decimal value, half to even), grouped
    and pointed with the locale's signs, without Babel's pattern machinery (a page of
    figures, computed afresh, formats hundreds of them); other values and patterns, and
    negative numbers, go to Babel."""
    exact = Decimal(str(value))
    if pattern not in _PATTERNS or exact.is_signed() or not exact.is_finite():
        return formatted(formatter, value, pattern)
    digits, fixed, scale = _PATTERNS[pattern]
    rounded = exact.scaleb(scale).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
    whole, _point, fraction = f"{rounded:f}".partition(".")
    group, point = _symbols(locale())
    text = f"{int(whole):,}".replace(",", group)
    if not fixed:
        fraction = fraction.rstrip("0")
    if fraction:
        text = f"{text}{point}{fraction}"
    return text + "%" if scale else text


@cache
def _symbols(chosen) -> tuple[str, str]:
    """The locale's group and decimal signs."""
    return get_group_symbol(str(chosen)), get_decimal_symbol(str(chosen))


from kim_app.stats import routes  # noqa: E402,F401
