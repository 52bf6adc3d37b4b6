"""The notification centre (`/akun/notifikasi`): the list, read marks, choices, the bell.

The bell polls `bell` at most once a minute; it answers 304 when the person's unread count
and newest notification are what the browser already has (an ETag), so an idle page costs
one small indexed query and no body. Actions that change the count send the
`notifications-changed` HX-Trigger event, on which the bell refreshes itself.
"""

import hashlib

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from kim_app.account import bp
from kim_app.auth.routes import safe_next
from kim_app.common import notify
from kim_app.common.htmx import fragment_response, render_page
from kim_app.common.params import int_arg
from kim_app.extensions import db, htmx
from kim_app.models import Notification

PAGE_SIZE = 30
CHANGED = "notifications-changed"


def _page() -> int:
    return min(int_arg("halaman", 1, minimum=1), 1000)


def _list_context() -> dict:
    page = _page()
    rows = list(db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                  Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ))
    return {
        "items": rows[:PAGE_SIZE],
        "page_number": page,
        "has_next": len(rows) > PAGE_SIZE,
        "unread": notify.unread_count(current_user),
    }


@bp.get("/notifikasi")
@login_required
def notifications():
    """Unread first, then newest; thirty a page."""
    return render_page("account/notifications.html", "account/_notification_list.html",
                       **_list_context())


def _back() -> str:
    return safe_next(request.form.get("next")) or url_for("account.notifications")


@bp.post("/notifikasi/<int:notification_id>/baca")
@login_required
def mark_read(notification_id: int):
    item = notify.mark_read(current_user, notification_id)
    if item is None:
        abort(404)
    db.session.commit()
    if htmx:
        return fragment_response("account/_notification_item.html", trigger=CHANGED, item=item)
    return redirect(_back())


@bp.post("/notifikasi/baca-semua")
@login_required
def mark_all_read():
    count = notify.mark_all_read(current_user)
    db.session.commit()
    flash(_("Semua notifikasi sudah ditandai dibaca.") if count
          else _("Tidak ada notifikasi yang belum dibaca."), "success")
    if htmx:
        return fragment_response("account/_notification_list.html", trigger=CHANGED,
                                 **_list_context())
    return redirect(_back())


@bp.get("/notifikasi/bel")
def bell():
    """The bell alone, for polling: 304 when nothing changed; 286 (stop polling) when the
    session has ended, so a page left open does not keep asking."""
    if not current_user.is_authenticated:
        response = make_response("", 286)
        response.headers["Cache-Control"] = "no-store"
        return response
    count, newest = notify.bell_state(current_user)
    etag = hashlib.sha256(f"{current_user.id}:{count}:{newest}".encode()).hexdigest()[:20]
    response = make_response()
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("HX-Request", "Cookie"))
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    response.set_data(render_template("_bell.html", bell_count=count))
    return response


@bp.route("/notifikasi/pengaturan", methods=["GET", "POST"])
@login_required
def notification_settings():
    if request.method == "POST":
        notify.set_preferences(current_user, set(request.form.getlist("in_app")),
                               set(request.form.getlist("email")))
        db.session.commit()
        flash(_("Pilihan notifikasi sudah disimpan."), "success")
        return redirect(url_for("account.notification_settings"))
    return render_template(
        "account/notification_settings.html",
        rows=notify.preference_table(current_user),
        email_available=notify.email_configured(),
    )
