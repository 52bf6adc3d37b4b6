"""The notification centre (`/akun/notifikasi`): the list, read marks, choices, the bell.

The bell polls `bell` at most once a minute; it answers 304 when the person's unread count
and newest notification are what the browser already has (an ETag), so an idle page costs
one small indexed query and no body. Actions that change the count send the
`notifications-changed` HX-Trigger event, on which the bell refreshes itself.
"""

import hashlib

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from kim_app.auth.routes import safe_next
from kim_app.common import fragments
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg
from kim_app.extensions import db, htmx
from kim_app.i18n import gettext as _
from kim_app.notifications import centre, mail, preferences

# Mounted at /akun/notifikasi: the centre belongs to the person's account pages.
bp = Blueprint("notifications", __name__)

CHANGED = "notifications-changed"


def _list_context() -> dict:
    listed = centre.page(current_user, int_arg("halaman", 1, minimum=1))
    g.unread_notifications = listed.unread  # the bell on this page asks no second time
    return {"items": listed.items, "page_number": listed.page_number,
            "has_next": listed.has_next, "unread": listed.unread,
            "unread_more": listed.unread >= centre.UNREAD_COUNTED}


@bp.get("")
@login_required
def index():
    """Unread first, then newest; thirty a page."""
    if fragments.is_kept("notifications.list" if wants_fragment() else "notifications.centre"):
        return render_page("notifications/centre.html", "notifications/_list.html")
    return render_page("notifications/centre.html", "notifications/_list.html",
                       **_list_context())


def _back() -> str:
    return safe_next(request.form.get("next")) or url_for("notifications.index")


@bp.post("/<int:notification_id>/baca")
@login_required
def mark_read(notification_id: int):
    item = centre.mark_read(current_user, notification_id)
    if item is None:
        abort(404)
    db.session.commit()
    if htmx:
        return fragment_response("notifications/_item.html", trigger=CHANGED, item=item)
    return redirect(_back())


@bp.post("/baca-semua")
@login_required
def mark_all_read():
    count = centre.mark_all_read(current_user)
    db.session.commit()
    flash(_("Semua notifikasi sudah ditandai dibaca.") if count
          else _("Tidak ada notifikasi yang belum dibaca."), "success")
    if htmx:
        return fragment_response("notifications/_list.html", trigger=CHANGED,
                                 **_list_context())
    return redirect(_back())


@bp.get("/bel")
def bell():
    """The bell alone, for polling: 304 when nothing changed; 286 (stop polling) when the
    session has ended, so a page left open does not keep asking."""
    if not current_user.is_authenticated:
        response = make_response("", 286)
        response.headers["Cache-Control"] = "no-store"
        return response
    count, newest = centre.bell_state(current_user)
    etag = hashlib.sha256(f"{current_user.id}:{count}:{newest}".encode()).hexdigest()[:20]
    response = make_response()
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("HX-Request", "Cookie"))
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    response.set_data(render_template("notifications/_bell.html", bell_count=count))
    return response


@bp.route("/pengaturan", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "POST":
        preferences.save(current_user, set(request.form.getlist("in_app")),
                         set(request.form.getlist("email")))
        db.session.commit()
        flash(_("Pilihan notifikasi sudah disimpan."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        rows=preferences.table(current_user),
        email_available=mail.email_configured(),
    )


@bp.app_template_global()
def unread_notifications() -> int:
    """The header bell's count: one small indexed query, once per request."""
    if "unread_notifications" not in g:
        g.unread_notifications = centre.unread_count(current_user)
    return g.unread_notifications
