"""`/petugas/`: the officer inbox (officers and admins only)."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from kim_app.common import permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.workdays import local_date
from kim_app.models import utcnow
from kim_app.officer import bp, services
from kim_app.threads import labels, lifecycle


@bp.get("/")
@login_required
def inbox():
    if not permissions.is_petugas(current_user):
        abort(403)
    filters = services.parse_inbox_filters(request.args)
    after = request.args.get("setelah", type=int)
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
