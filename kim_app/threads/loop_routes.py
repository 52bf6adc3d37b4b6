"""Thread actions that close the loop: "saya juga", merging a duplicate, and the on-behalf
asker's "sudah disampaikan". Thin: the rules are in `threads.metoo`, `threads.titipan` and
`threads.lifecycle`. Each answers htmx with the thread fragment, anything else with PRG.
"""

from flask import abort
from flask_login import current_user, login_required

from kim_app.common import permissions
from kim_app.i18n import gettext as _
from kim_app.threads import bp, forms, lifecycle, metoo, services, titipan
from kim_app.threads.routes import (
    _after_action,
    _form_failed,
    _run,
    _visible_or_404,
)
from kim_app.threads.services import ThreadError


@bp.post("/<code>/saya-juga")
@login_required
def me_too(code: str):
    thread = _visible_or_404(code)
    if not metoo.may_say_me_too(current_user, thread):
        abort(403)
    if not metoo.say_me_too(current_user, thread):
        return _after_action(thread, _("Anda sudah menandai pertanyaan ini."))
    return _after_action(thread, _("Tercatat: Anda juga menanyakan ini. Anda akan diberi tahu "
                                   "perkembangannya."))


@bp.post("/<code>/gabungkan")
@login_required
def merge(code: str):
    thread = _visible_or_404(code)
    if not permissions.is_petugas(current_user):
        abort(403)
    form = forms.MergeForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "merge_form", form)
    original = services.get_visible(form.original.data, current_user)
    if original is None:
        form.original.errors = [_("Tidak ada pertanyaan dengan kode ini.")]
        return _form_failed(thread, "merge_form", form)
    return _run(thread, lambda: lifecycle.merge(thread, current_user, original,
                                                form.note.data or ""),
                _("Pertanyaan %(code)s digabung ke %(original)s.", code=thread.code,
                  original=original.code))


@bp.post("/<code>/sudah-disampaikan")
@login_required
def passed_back(code: str):
    thread = _visible_or_404(code)
    if not titipan.may_pass_back(current_user, thread):
        abort(403)
    form = forms.PassBackForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "pass_back_form", form)
    try:
        titipan.mark_passed_back(thread, current_user, form.passed_on.data, form.note.data)
    except ThreadError as error:
        form.passed_on.errors = [str(error.message)]
        return _form_failed(thread, "pass_back_form", form)
    return _after_action(thread, _("Tercatat: jawaban sudah disampaikan kepada %(name)s.",
                                   name=thread.on_behalf_name))

