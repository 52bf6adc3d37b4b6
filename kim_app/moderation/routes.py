"""`/lapor/<kind>/<id>`: the report form for anything public. Thin: the rules are in
`moderation.reports`. Without JavaScript it is a page of its own that redirects back to
the item; with htmx the form opens in place under the item and is replaced by the answer."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.ratelimit import account_and_ip_limits, limit_reached
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import ReportReason
from kim_app.moderation import content, reports, visibility
from kim_app.moderation.forms import ReportForm

bp = Blueprint("moderation", __name__)


def report_target(item) -> dict | None:
    """Where the "Laporkan" link of an item leads (None when it is not public, or is the
    person's own)."""
    if not visibility.is_public(item) or visibility.owns(current_user, item):
        return None
    kind = content.kind_of(item)
    return {"url": url_for("moderation.report", word=kind.word, object_id=item.id),
            "dom_id": f"report-{kind.word}-{item.id}"}


bp.add_app_template_global(report_target, "report_target")
bp.add_app_template_global(visibility.is_hidden, "is_hidden")


def _item_or_404(word: str, object_id: int):
    item = reports.find(word, object_id)
    if item is None:
        abort(404)
    return item


def _answer(item, message: str, status: int, category: str):
    """The report's outcome: in place of the form (htmx), or flashed on the item's page."""
    target = report_target(item)
    if wants_fragment():
        return fragment_response("moderation/_report_answer.html", status=status,
                                 message=message, category=category, target=target)
    flash(message, category)
    if visibility.may_see(current_user, item):
        return redirect(content.kind_of(item).link(item))
    return redirect(url_for("main.home"))


def _limited(_limit):
    return limit_reached(_("Anda sudah mengirim banyak laporan. Tunggu sebentar, lalu coba "
                           "lagi."))


@bp.route("/<word>/<int:object_id>", methods=["GET", "POST"])
@account_and_ip_limits("report", "REPORT_LIMIT_PER_ACCOUNT", "POST_LIMIT_PER_IP",
                       methods=["POST"], on_breach=_limited)
@login_required
def report(word: str, object_id: int):
    item = _item_or_404(word, object_id)
    if reports.has_reported(current_user, item):
        return _answer(item, _("Anda sudah melaporkan ini. Terima kasih, petugas akan "
                               "memeriksanya."), 409, "info")
    refusal = reports.refusal(current_user, item)
    if refusal is not None:
        return _answer(item, str(refusal), 403, "error")
    target = report_target(item)
    form = ReportForm(prefix=target["dom_id"])  # several items' forms may share a page
    context = {"form": form, "item": item, "kind": content.kind_of(item), "target": target,
               "excerpt": content.excerpt(item)}
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_page("moderation/report.html", "moderation/_report_form.html",
                           status=status, **context)
    try:
        reports.report(current_user, item, ReportReason(form.reason.data), form.text.data)
    except reports.ReportError as error:
        db.session.rollback()
        return _answer(item, str(error.message), 409 if error.already else 403, "info")
    db.session.commit()
    return _answer(item, _("Terima kasih, laporan Anda terkirim. Petugas akan memeriksanya."),
                   200, "success")
