"""`/petugas/`: the inbox; `/petugas/dasbor`: the dashboard and its CSV exports."""

from flask import Response, flash, redirect, request, stream_with_context, url_for
from flask_login import current_user

from kim_app.common import fragments, permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg, to_int
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.i18n import lazy_gettext as _l
from kim_app.i18n import ngettext
from kim_app.models import Agency, User, utcnow
from kim_app.officer import bp, bulk, export, inbox_view, services, workload
from kim_app.officer.forms import BulkForm, ThreadExportForm
from kim_app.regions import district_choices
from kim_app.stats import services as stats
from kim_app.stats.filters import filter_context
from kim_app.threads import escalation, labels
from kim_app.threads import services as thread_services


def _bulk_form(formdata=None, agencies=None) -> BulkForm:
    return BulkForm(formdata=formdata, agencies=services.active_agencies(agencies),
                    officers=thread_services.officers())


def _inbox(filters, bulk_form: BulkForm | None = None, status: int = 200):
    after = int_arg("setelah")
    if status == 200 and bulk_form is None and fragments.is_kept(
            ("officer.inbox_page" if after else "officer.inbox_list") if wants_fragment()
            else "officer.inbox"):
        if after and wants_fragment():
            return fragment_response("officer/_inbox_page.html")
        return render_page("officer/inbox.html", "officer/_inbox_list.html")
    threads, next_cursor = services.inbox_page(filters, current_user, after=after)
    context = {"rows": inbox_view.inbox_rows(threads, local_date(utcnow())),
               "next_cursor": next_cursor, "filters": filters, "after": after,
               "select_all": request.args.get("pilih") == "semua"}
    if after and wants_fragment():
        return fragment_response("officer/_inbox_page.html", **context)
    choices = services.filter_choices()
    return render_page(
        "officer/inbox.html", "officer/_inbox_list.html", status=status,
        counts=[(status, labels.STATUS_LABELS[status], count,
                 count > services.WAITING_COUNT_LIMIT)
                for status, count in services.waiting_counts()],
        count_limit=services.WAITING_COUNT_LIMIT,
        status_options=labels.status_options(filters.status, ("", _l("Perlu tindakan")),
                                             ("semua", _l("Semua status"))),
        own_agency=current_user.agency if permissions.officer_agency_id(current_user) else None,
        bulk_form=bulk_form or _bulk_form(agencies=choices["agencies"]),
        escalation_labels=escalation.LEVEL_LABELS, **choices, **context)


@bp.get("/")
def inbox():
    return _inbox(services.parse_inbox_filters(request.args))


@bp.post("/massal")
def bulk_action():
    """Verify or assign the ticked threads; the inbox comes back with what was skipped."""
    filters = services.parse_inbox_filters(request.form)
    form = _bulk_form(request.form)
    try:
        selection = bulk.parse_selection(request.form.getlist("pilih"))
    except bulk.SelectionError as error:
        form.validate()
        form.action.errors = [*form.action.errors, str(error)]
        return _inbox(filters, form, status=422)
    if not form.validate_on_submit():
        return _inbox(filters, form, status=422)
    agency_id = form.chosen_agency_id()
    agency = db.session.get(Agency, agency_id) if agency_id else None
    assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data else None
    result = bulk.run(form.action.data, selection, current_user._get_current_object(),
                      agency=agency, assignee=assignee, note=form.note.data or "")
    db.session.commit()
    if result.done:
        flash(ngettext("%(num)d pertanyaan diproses: %(codes)s.",
                       "%(num)d pertanyaan diproses: %(codes)s.", len(result.done),
                       codes=", ".join(result.done)), "success")
    if result.skipped:
        flash(ngettext(
            "%(num)d pertanyaan dilewati: %(items)s.", "%(num)d pertanyaan dilewati: %(items)s.",
            len(result.skipped),
            items="; ".join(f"{item.code} ({item.reason})" for item in result.skipped)),
            "info")
    if wants_fragment():
        return _inbox(filters)
    return redirect(url_for("officer.inbox", **filters.as_args()))


def _dashboard(form: ThreadExportForm | None = None, status: int = 200):
    if form is None and status == 200 and fragments.is_kept(
            "officer.dashboard_part" if wants_fragment() else "officer.dashboard"):
        return render_page("officer/dashboard.html", "officer/_dashboard.html")
    f, today, context = filter_context(request.args)
    agencies = services.active_agencies()
    agency_id = to_int(request.args.get("instansi"))
    if agency_id not in {agency.id for agency in agencies}:
        agency_id = None
    if form is None:
        form = ThreadExportForm(formdata=None, districts=context["districts"],
                                agency=str(agency_id or ""))
    return render_page(
        "officer/dashboard.html",
        "officer/_dashboard.html",
        status=status,
        **vars(workload.figures(f, today, agency_id)),
        overdue=workload.overdue(f, today, agency_id),
        oldest=workload.oldest_waiting(f, today, agency_id),
        agency_choices=[(str(agency.id), agency.short_name or agency.name)
                        for agency in agencies],
        agency_id=agency_id,
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
