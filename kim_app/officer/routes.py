"""`/petugas/`: the officer inbox (officers and admins only)."""

from flask import abort, request
from flask_login import current_user, login_required

from kim_app.common import permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg
from kim_app.common.workdays import local_date
from kim_app.models import utcnow
from kim_app.officer import bp, services


@bp.get("/")
@login_required
def inbox():
    if not permissions.is_petugas(current_user):
        abort(403)
    filters = services.parse_inbox_filters(request.args)
    after = int_arg("setelah")
    threads, next_cursor = services.inbox_page(filters, current_user, after=after)
    context = {"threads": threads, "next_cursor": next_cursor, "filters": filters,
               "after": after, "today": local_date(utcnow())}
    if after and wants_fragment():
        return fragment_response("officer/_inbox_page.html", **context)
    return render_page("officer/inbox.html", "officer/_inbox_list.html",
                       counts=services.waiting_counts(), **services.filter_choices(),
                       **context)
