"""`/petugas/`: the inbox; `/petugas/dasbor`: the dashboard and its CSV exports."""

from flask import Response, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg
from kim_app.common.workdays import local_date
from kim_app.models import utcnow
from kim_app.officer import bp, export, services, workload
from kim_app.officer.forms import ThreadExportForm
from kim_app.regions import district_choices
from kim_app.stats import services as stats
from kim_app.stats.filters import filter_context
from kim_app.threads import labels, lifecycle


@bp.get("/")
def inbox():
    filters = services.parse_inbox_filters(request.args)
    after = int_arg("setelah")
    threads, next_cursor = services.inbox_page(filters, current_user, after=after)
    today = local_date(utcnow())
    context = {"rows": [(thread, lifecycle.status_view(thread, today)) for thread in threads],
               "next_cursor": next_cursor, "filters": filters, "after": after}
    if after and wants_fragment():
        return fragment_response("officer/_inbox_page.html", **context)
    return render_page(
        "officer/inbox.html", "officer/_inbox_list.html",
        counts=[(status, labels.STATUS_LABELS[status], count)
                for status, count in services.waiting_counts()],
        status_options=labels.status_options(filters.status, ("", _l("Perlu tindakan")),
                                             ("semua", _l("Semua status"))),
        **services.filter_choices(), **context)


def _dashboard(form: ThreadExportForm | None = None, status: int = 200):
    f, today, context = filter_context(request.args)
    if form is None:
        form = ThreadExportForm(formdata=None, districts=context["districts"])
    return render_page(
        "officer/dashboard.html",
        "officer/_dashboard.html",
        status=status,
        **vars(workload.figures(f, today)),
        overdue=workload.overdue(f, today),
        oldest=workload.oldest_waiting(f, today),
        export_form=form,
        status_labels=labels.STATUS_LABELS,
        **context,
    )


@bp.get("/dasbor")
def dashboard():
    return _dashboard()


def _csv(rows, name: str) -> Response:
    filename = f"{name}-{stats.local_today():%Y-%m-%d}.csv"
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dasbor/ekspor/pertanyaan.csv")
def export_threads():
    form = ThreadExportForm(formdata=request.args, districts=district_choices())
    if not form.validate():
        return _dashboard(form, status=422)
    filters = export.thread_filters(form)
    today = stats.local_today()
    user = current_user._get_current_object()
    rows = export.thread_rows(filters, user, today, overdue_only=bool(form.overdue.data))
    return _csv(export.stream_csv(export.thread_header(), rows), _("pertanyaan"))


@bp.get("/dasbor/ekspor/statistik.csv")
def export_statistics():
    f, today, _context = filter_context(request.args)
    return _csv(export.stream_csv(export.statistics_header(),
                                  export.statistics_rows(f, today)),
                _("statistik"))
