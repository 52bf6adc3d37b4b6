"""`/statistik`: the public statistics."""

from dataclasses import replace
from datetime import UTC, datetime

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date, format_percent, get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from kim_app.business.labels import category_label
from kim_app.common import fragments, permissions
from kim_app.common.htmx import render_page, wants_fragment
from kim_app.common.workdays import local_date
from kim_app.extensions import db, login_manager
from kim_app.i18n import gettext as _
from kim_app.models import Agency
from kim_app.officer.export import stream_csv
from kim_app.stats import agencies, bp, business, charts, duration, number, services
from kim_app.stats.filters import filter_context
from kim_app.templating import rupiah

# The per-KIM lists grow with the KIMs (18 today, hundreds one day): their charts show the
# first KIMS_SHOWN by the value drawn, their tables the first KIMS_SHOWN rows, with a link
# to the page with every row (`?semua=1`); the totals are always of every KIM.
KIMS_SHOWN = 20


def _top(items: list, value) -> list:
    """The first KIMS_SHOWN of `items` by `value`, largest first (the list's own order
    among equals)."""
    return sorted(items, key=lambda item: -(value(item) or 0))[:KIMS_SHOWN]


def _kim_rows(items: list, show_all: bool) -> list:
    return items if show_all else items[:KIMS_SHOWN]


def _all_kims_url(f: services.StatsFilter, anchor: str) -> str:
    return url_for("stats.index", periode=f.period, kecamatan=f.kecamatan or None, semua=1,
                   _anchor=anchor)


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
    if fragments.is_kept("stats.section" if wants_fragment() else "stats.index"):
        return render_page("stats/index.html", "stats/_figures_section.html")
    f, today, context = filter_context(request.args)
    may_export = permissions.is_petugas(current_user)
    # The section of figures is the same for every reader of a language (an officer's CSV
    # link aside): rendered once from the cached figures and kept as long as they are (it
    # expires with the older of them), for full pages and htmx fragments alike, in every
    # worker (the shared cache).
    show_all = request.args.get("semua") == "1"
    key = ("section", f, today, str(get_locale()), may_export, show_all)
    section = services.public_cache.get_text(key)
    if section is None:
        ttl = current_app.config["STATS_CACHE_SECONDS"]
        data = services.public_cache.get_or_compute(
            (f, today), ttl, lambda: services.public_figures(f, today))
        business_data = _business_data(f, today)
        section = render_template("stats/_figures.html", **_figures_context(
            f, data, business_data, may_export, show_all, context))
        computed = min(data.computed_at, datetime.fromisoformat(business_data.computed_at))
        services.public_cache.put_text(
            key, section, ttl - (datetime.now(UTC) - computed).total_seconds())
    return render_page("stats/index.html", "stats/_figures_section.html",
                       figures_html=Markup(section),  # noqa: S704 - our own escaped render
                       **context)


def _figures_context(f, data: services.PublicFigures, business_data, may_export: bool,
                     show_all: bool, context: dict) -> dict:
    return dict(
        overall=data.overall,
        area=_breakdown(data.areas, _("Tidak diketahui")),
        area_is_village=bool(f.kecamatan),
        categories=_breakdown(data.categories, _("Tidak diketahui")),
        agencies=_breakdown(data.agencies, _("Belum ditentukan")),
        trend=_trend_context(data.months),
        kims=data.kims,
        kims_shown=_kim_rows(data.kims, show_all),
        all_kims_url=_all_kims_url(f, "kim-heading"),
        kim_chart=charts.horizontal_bars(
            [(kim.name, kim.members, number(kim.members))
             for kim in _top(data.kims, lambda kim: kim.members)]),
        kim_totals={name: sum(getattr(kim, name) for kim in data.kims) for name in (
            "members", "questions", "relays", "business_groups", "products")},
        computed_at=data.computed_at,
        min_cell=services.MIN_CELL,
        business=_business_context(business_data, show_all, f),
        may_export=may_export,
        **context,
    )


def _business_data(f: services.StatsFilter, today) -> business.PublicBusiness:
    since = f.since(today)
    return services.public_cache.get_or_compute(
        ("business", f, today), current_app.config["STATS_CACHE_SECONDS"],
        lambda: business.public_business(f.kecamatan, local_date(since) if since else None,
                                         today),
        dump=business.encode_public, load=business.decode_public)


def _business_context(data: business.PublicBusiness, show_all: bool,
                      f: services.StatsFilter) -> dict:
    sectors = [replace(item, label=category_label(item.key)) for item in data.sectors]

    def amounts(items):
        return charts.horizontal_bars([(item.label, item.amount, rupiah(item.amount))
                                       for item in items])

    kim_table = business.table(data.kims)  # the total of every KIM, the first rows shown
    kim_table["rows"] = _kim_rows(kim_table["rows"], show_all)
    return {"view": business.month_charts(data.months), "kims": data.kims,
            "kim_chart": amounts(_top(data.kims, lambda item: item.amount)),
            "kim_table": kim_table,
            "all_kims_url": _all_kims_url(f, "business-kim-heading"),
            "sectors": sectors, "sector_chart": amounts(sectors),
            "sector_table": business.table(sectors)}


@bp.get("/usaha.csv")
def business_csv():
    """The business figures per month, per KIM and per sector, for officers."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_petugas(current_user):
        permissions.deny()
    f, today, _context = filter_context(request.args)
    filename = f"{_('usaha-kim')}-{today:%Y-%m-%d}.csv"
    response = Response(stream_with_context(stream_csv(
        business.csv_header(), business.csv_rows(f.kecamatan, today))), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------
# Agencies: /statistik/instansi/


def _sort_headers(by: str, direction: str, args: dict) -> list[dict]:
    labels = {
        "nama": _("Instansi"), "nilai": _("Nilai"), "pertanyaan": _("Pertanyaan"),
        "tepat": _("Tepat waktu"), "tanggapan": _("Tanggapan pertama (median, hari kerja)"),
        "jawaban": _("Jawaban (median, hari kerja)"), "penilaian": _("Penilaian"),
        "terlambat": _("Lewat batas sekarang"),
    }
    headers = []
    for column, label in labels.items():
        current = column == by
        next_direction = (("naik" if direction == "turun" else "turun") if current
                          else agencies.FIRST_DIRECTION[column])
        headers.append({
            "column": column, "label": label, "current": current,
            "aria_sort": ("ascending" if direction == "naik" else "descending") if current
            else "none",
            "url": url_for("stats.agencies", **args, urut=column, arah=next_direction),
        })
    return headers


@bp.get("/instansi/", endpoint="agencies")
def agencies_index():
    f, today, context = filter_context(request.args)
    items = services.public_cache.get_or_compute(
        ("agencies", f, today), current_app.config["STATS_CACHE_SECONDS"],
        lambda: agencies.agency_figures(f, today),
        dump=agencies.encode_list, load=agencies.decode_list)
    by = request.args.get("urut", "nilai")
    by = by if by in agencies.SORTS else "nilai"
    direction = request.args.get("arah", "")
    direction = direction if direction in ("naik", "turun") else agencies.FIRST_DIRECTION[by]
    rows = agencies.sort(items, by, direction)
    args = {key: value for key, value in
            (("periode", f.period), ("kecamatan", f.kecamatan or "")) if value}
    shown = [item for item in rows if not item.suppressed and item.on_time_share is not None]
    return render_page(
        "stats/agencies.html", "stats/_agency_table.html",
        rows=rows, headers=_sort_headers(by, direction, args),
        chart=charts.horizontal_bars([
            (item.short_name or item.name, item.on_time_share * 100,
             format_percent(item.on_time_share, format="#,##0%")) for item in shown]),
        grade_rules=agencies.grade_rules_text(), min_cell=agencies.MIN_CELL,
        keep={"urut": by, "arah": direction}, **context,
    )


@bp.get("/instansi/<slug>")
def agency(slug: str):
    item = db.session.scalar(select(Agency).where(Agency.slug == slug[:80]))
    if item is None:
        abort(404)
    f, today, context = filter_context(request.args)
    page = services.public_cache.get_or_compute(
        ("agency", item.id, f, today), current_app.config["STATS_CACHE_SECONDS"],
        lambda: agencies.agency_page(item, f, today),
        dump=agencies.encode_page, load=agencies.decode_page)
    return render_page(
        "stats/agency.html", "stats/_agency_figures.html",
        agency=item, agency_page=page, figures=page.figures,
        trend=charts.columns([(format_date(month.month, "MMM"), month.figures.total,
                               month.figures.answered) for month in page.months]),
        grade_rules=agencies.grade_rules_text(), min_cell=agencies.MIN_CELL,
        endpoint_args={"slug": item.slug}, **context,
    )
