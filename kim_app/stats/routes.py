"""`/statistik` for everyone; `/petugas/dasbor` and its CSV exports for officers."""

from dataclasses import replace
from datetime import date

from flask import Response, current_app, request, stream_with_context
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kim_app.common import permissions
from kim_app.common.htmx import render_page
from kim_app.extensions import login_manager
from kim_app.regions import district_choices
from kim_app.stats import bp, charts, dashboard_bp, duration, export, number, services, workload
from kim_app.stats.forms import ThreadExportForm
from kim_app.threads.labels import STATUS_LABELS

PERIOD_LABELS = {
    "30h": _l("30 hari terakhir"),
    "90h": _l("90 hari terakhir"),
    "12b": _l("12 bulan terakhir"),
    "semua": _l("Sepanjang waktu"),
}


def period_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in PERIOD_LABELS.items()]


def _filter_context() -> tuple[services.StatsFilter, date, dict]:
    choices = district_choices()
    f = services.parse_filter(request.args, {code for code, _name in choices})
    context = {
        "f": f,
        "districts": choices,
        "periods": period_choices(),
        "period_label": str(PERIOD_LABELS[f.period]),
        "district_label": services.district_name(f.kecamatan, choices),
    }
    return f, services.local_today(), context


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
    f, today, context = _filter_context()
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


@dashboard_bp.before_request
def officers_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_petugas(current_user):
        permissions.deny()
    return None


def _dashboard(form: ThreadExportForm | None = None, status: int = 200):
    f, today, context = _filter_context()
    if form is None:
        form = ThreadExportForm(formdata=None, districts=context["districts"])
    return render_page(
        "stats/dashboard.html",
        "stats/_dashboard.html",
        status=status,
        summary=workload.summary(f, today),
        officers=workload.by_officer(f, today),
        agencies=workload.by_agency(f, today),
        answer_times=services.figures(f, today, "instansi", suppress=False),
        overdue=workload.overdue(f, today),
        oldest=workload.oldest_waiting(f, today),
        export_form=form,
        status_labels=STATUS_LABELS,
        **context,
    )


@dashboard_bp.get("")
def dashboard():
    return _dashboard()


def _csv(rows, name: str) -> Response:
    filename = f"{name}-{services.local_today():%Y-%m-%d}.csv"
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@dashboard_bp.get("/ekspor/pertanyaan.csv")
def export_threads():
    form = ThreadExportForm(formdata=request.args, districts=district_choices())
    if not form.validate():
        return _dashboard(form, status=422)
    filters = export.thread_filters(form)
    today = services.local_today()
    user = current_user._get_current_object()
    rows = export.thread_rows(filters, user, today, overdue_only=bool(form.overdue.data))
    return _csv(export.stream_csv(export.thread_header(), rows), _("pertanyaan"))


@dashboard_bp.get("/ekspor/statistik.csv")
def export_statistics():
    f, today, _context = _filter_context()
    return _csv(export.stream_csv(export.statistics_header(),
                                  export.statistics_rows(f, today)),
                _("statistik"))
