"""`/admin/audit`: the audit log, read as sentences (admins). Thin: the filters and the
page are `admin.audit_log`; the filter form is a plain GET form that htmx improves (the
list swaps, the address bar follows)."""

from flask import request

from kim_app.admin import audit_log
from kim_app.admin.routes import bp, requires
from kim_app.common import permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg


@bp.get("/audit", endpoint="audit")
@requires(permissions.can_read_audit_log)
def audit():
    filters = audit_log.parse(request.args)
    before = int_arg("sebelum")
    events, sentences, next_cursor = audit_log.page(filters, before)
    context = {"events": events, "sentences": sentences, "next_cursor": next_cursor,
               "filters": filters, "filter_args": filters.as_args()}
    if before and wants_fragment():
        return fragment_response("admin/_audit_rows.html", **context)
    return render_page("admin/audit.html", "admin/_audit_list.html",
                       actions=audit_log.action_choices(), objects=audit_log.object_choices(),
                       **context)
