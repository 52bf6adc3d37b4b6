"""`/admin/moderasi`: the moderation queue (officers and admins). Thin: the queue and its
decisions are `moderation.queue`, who may act `common.permissions` (each route names its
rule in `requires`); deactivating an author is `admin.people.deactivate`.

Without JavaScript each decision redirects back to the queue with a message; htmx swaps
only that item's card (a refused form comes back 422 with its errors in the card).
"""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from kim_app.admin import people
from kim_app.admin.routes import bp, requires
from kim_app.common import permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.i18n import lazy_gettext as _l
from kim_app.moderation import content, queue
from kim_app.moderation.forms import DecisionForm, RedactForm
from kim_app.moderation.reports import REASON_LABELS

DECISIONS = {
    "sembunyikan": (queue.hide, _l("Konten disembunyikan; penulisnya diberi tahu.")),
    "tampilkan": (queue.restore, _l("Konten tampil kembali.")),
    "abaikan": (queue.dismiss, _l("Laporan diabaikan; konten tetap tampil.")),
}


def _forms(item_case: queue.Case, **given) -> dict:
    prefix = f"{item_case.kind.object_type}-{item_case.item.id}"
    forms = {"decision": DecisionForm(formdata=None, prefix=prefix)}
    if item_case.redactable:
        forms["redact"] = RedactForm(formdata=None, prefix=f"{prefix}-sunting")
    forms.update(given)
    return forms


def _card_context(item_case: queue.Case, **given) -> dict:
    author = content.author_of(item_case.item)
    return {
        "case": item_case, "forms": _forms(item_case, **given), "author": author,
        "reason_labels": REASON_LABELS,
        "may_deactivate": (author is not None and author.active
                           and permissions.can_deactivate_from_queue(current_user)
                           and author.id != current_user.id),
    }


@bp.get("/moderasi", endpoint="moderation")
@requires(permissions.can_moderate)
def moderation_queue():
    cases, total = queue.open_cases()
    return render_page("admin/moderation.html", "admin/_moderation_list.html",
                       cards=[_card_context(item_case) for item_case in cases], total=total)


def _case_or_404(object_type: str, object_id: int) -> queue.Case:
    item_case = queue.case(object_type, object_id)
    if item_case is None:
        abort(404)
    return item_case


def _done(item_case: queue.Case, message: str):
    db.session.commit()
    flash(message, "success")
    if wants_fragment():
        return fragment_response("admin/_moderation_done.html", case=item_case,
                                 message=message)
    return redirect(url_for("admin.moderation"))


def _refused(item_case: queue.Case, message, status: int = 422, **forms):
    db.session.rollback()
    flash(str(message), "error")
    if wants_fragment():
        return fragment_response("admin/_moderation_case.html", status=status,
                                 **_card_context(queue.case(*item_case.key), **forms))
    return redirect(url_for("admin.moderation"))


@bp.post("/moderasi/<object_type>/<int:object_id>/<decision>", endpoint="moderation_decide")
@requires(permissions.can_moderate)
def moderation_decide(object_type: str, object_id: int, decision: str):
    if decision not in DECISIONS:
        abort(404)
    item_case = _case_or_404(object_type, object_id)
    form = _forms(item_case, decision=DecisionForm(
        prefix=f"{object_type}-{object_id}"))["decision"]
    if not form.validate_on_submit():
        return _refused(item_case, _("Tulis alasannya."), decision=form)
    step, message = DECISIONS[decision]
    try:
        step(current_user, item_case, form.reason.data)
    except queue.ModerationError as error:
        return _refused(item_case, error.message, 409)
    return _done(item_case, str(message))


@bp.post("/moderasi/<object_type>/<int:object_id>/sunting", endpoint="moderation_redact")
@requires(permissions.can_moderate)
def moderation_redact(object_type: str, object_id: int):
    item_case = _case_or_404(object_type, object_id)
    if not item_case.redactable:
        abort(404)
    form = RedactForm(prefix=f"{object_type}-{object_id}-sunting")
    if not form.validate_on_submit():
        return _refused(item_case, _("Periksa isian penyuntingan."), redact=form)
    try:
        queue.redact(current_user, item_case, form.part.data, form.reason.data)
    except queue.ModerationError as error:
        if error.field == "part":
            form.part.errors = [str(error.message)]
        return _refused(item_case, error.message, redact=form)
    return _done(item_case, _("Bagian balasan disunting; penulisnya diberi tahu."))


@bp.post("/moderasi/<object_type>/<int:object_id>/nonaktifkan-penulis",
         endpoint="moderation_deactivate")
@requires(permissions.can_deactivate_from_queue)
def moderation_deactivate(object_type: str, object_id: int):
    item_case = _case_or_404(object_type, object_id)
    author = content.author_of(item_case.item)
    if author is None:
        abort(404)
    form = DecisionForm(prefix=f"{object_type}-{object_id}")
    if not form.validate_on_submit():
        return _refused(item_case, _("Tulis alasannya."), decision=form)
    try:
        people.deactivate(current_user, author, form.reason.data)
    except people.PeopleError as error:
        return _refused(item_case, error.args[0] if error.args else error, 409)
    db.session.commit()
    message = _("Akun %(name)s dinonaktifkan.", name=author.name)
    flash(message, "success")
    if wants_fragment():
        return fragment_response("admin/_moderation_case.html",
                                 **_card_context(queue.case(object_type, object_id)))
    return redirect(url_for("admin.moderation"))
