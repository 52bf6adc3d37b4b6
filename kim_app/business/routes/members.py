"""A business group's people: appointing and dismissing managers, join requests and
their decisions, removing a member."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from kim_app.business import bp, members
from kim_app.business.errors import BusinessError
from kim_app.business.forms import AppointForm, JoinForm
from kim_app.business.routes import access
from kim_app.business.routes.groups import group_page, manage_context
from kim_app.common.htmx import fragment_response, wants_fragment
from kim_app.common.permissions import business_authority
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import BusinessGroup


def _after_member_change(group: BusinessGroup):
    if wants_fragment():
        authority = business_authority(current_user, group)
        return fragment_response("business/_members.html", **manage_context(group, authority))
    return redirect(url_for("business.manage", group_slug=group.slug))


@bp.post("/<group_slug>/pengelola")
@login_required
def appoint(group_slug: str):
    group, authority = access.authorised(group_slug, "appoints")
    form = AppointForm()
    if not form.validate_on_submit():
        context = manage_context(group, authority, appoint_form=form)
        if wants_fragment():
            return fragment_response("business/_members.html", 422, **context)
        return render_template("business/manage.html", **context), 422
    try:
        member = members.appoint_manager(current_user, group, int(form.user_id.data))
    except BusinessError as refused:
        return access.refused(refused, url_for("business.manage", group_slug=group.slug))
    db.session.commit()
    flash(_("%(name)s sekarang pengelola %(group)s.", name=member.user.name, group=group.name),
          "success")
    return _after_member_change(group)


def _member_action(group_slug: str, member_id: int, need: str, change, done: str):
    group, _authority = access.authorised(group_slug, need)
    member = access.member_or_404(group, member_id)
    try:
        change(current_user, group, member)
    except BusinessError as refused:
        return access.refused(refused, url_for("business.manage", group_slug=group.slug))
    db.session.commit()
    flash(done % {"name": member.user.name}, "success")
    return _after_member_change(group)


@bp.post("/<group_slug>/anggota/<int:member_id>/berhenti")
@login_required
def dismiss(group_slug: str, member_id: int):
    return _member_action(group_slug, member_id, "appoints", members.dismiss_manager,
                          _("%(name)s tidak lagi menjadi pengelola."))


@bp.post("/<group_slug>/anggota/<int:member_id>/keluarkan")
@login_required
def remove(group_slug: str, member_id: int):
    return _member_action(group_slug, member_id, "leads", members.remove_member,
                          _("%(name)s dikeluarkan dari kelompok usaha."))


@bp.post("/<group_slug>/anggota/<int:member_id>/terima")
@login_required
def approve(group_slug: str, member_id: int):
    return _member_action(
        group_slug, member_id, "leads",
        lambda actor, group, member: members.decide(actor, group, member, True),
        _("%(name)s diterima sebagai anggota."))


@bp.post("/<group_slug>/anggota/<int:member_id>/tolak")
@login_required
def reject(group_slug: str, member_id: int):
    return _member_action(
        group_slug, member_id, "leads",
        lambda actor, group, member: members.decide(actor, group, member, False),
        _("Permintaan %(name)s ditolak."))


def _join_box(group: BusinessGroup, join_form: JoinForm, status: int = 200):
    return fragment_response("business/_join_box.html", status, group=group,
                             authority=business_authority(current_user, group),
                             join_form=join_form)


@bp.post("/<group_slug>/gabung")
@login_required
def join(group_slug: str):
    group = access.group_or_404(group_slug)
    form = JoinForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return _join_box(group, form, 422)
        return group_page(group, form, 422)
    try:
        members.request_join(current_user, group, form.message.data or "")
    except BusinessError as refused:
        return access.refused(refused, url_for("business.group", group_slug=group.slug), 403)
    db.session.commit()
    flash(_("Permintaan bergabung terkirim ke pengelola %(group)s.", group=group.name),
          "success")
    if wants_fragment():
        return _join_box(group, JoinForm(formdata=None))
    return redirect(url_for("business.group", group_slug=group.slug))
