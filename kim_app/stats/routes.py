"""`/statistik`: the public statistics."""

from dataclasses import replace

from flask import current_app, request
from flask_babel import format_date
from flask_babel import gettext as _

from kim_app.common.htmx import render_page
from kim_app.stats import bp, charts, duration, number, services
from kim_app.stats.filters import filter_context


def _breakdown(items: list[services.Figures], unnamed: str) -> dict:
    # Copies: the cached figures are shared between requests in other languages.
    items = [replace(item, label=item.label or unnamed) for item in items]
    return {
        "items": items,
        "chart": charts.horizontal_bars(
            [(item.label, item.total, number(item.total)) for item in items]),
    }


def _trend_context(months: list[services.TrendMonth]) -> dict:
    labels = [format_date(month.month, "MMM") for month in months]
    return {
        "months": months,
        "columns": charts.columns([
            (label, month.figures.total, month.figures.answered)
            for label, month in zip(labels, months, strict=True)]),
        "line": charts.line([
            (label,
             None if month.figures.suppressed or month.figures.answer_median is None
             else month.figures.answer_median / 86400,
             duration(month.figures.answer_median))
            for label, month in zip(labels, months, strict=True)]),
    }


@bp.get("")
def index():
    f, today, context = filter_context(request.args)
    data = services.public_cache.get_or_compute(
        (f, today), current_app.config["STATS_CACHE_SECONDS"],
        lambda: services.public_figures(f, today))
    return render_page(
        "stats/index.html",
        "stats/_figures.html",
        overall=data.overall,
        area=_breakdown(data.areas, _("Tidak diketahui")),
        area_is_village=bool(f.kecamatan),
        categories=_breakdown(data.categories, _("Tidak diketahui")),
        agencies=_breakdown(data.agencies, _("Belum ditentukan")),
        trend=_trend_context(data.months),
        kims=data.kims,
        kim_chart=charts.horizontal_bars(
            [(kim.name, kim.members, number(kim.members)) for kim in data.kims]),
        computed_at=data.computed_at,
        min_cell=services.MIN_CELL,
        **context,
    )
