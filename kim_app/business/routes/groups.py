"""A business group's public page, its profile (create, edit) and its manage page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kim_app.business import bp, groups, members, products
from kim_app.business.forms import ActionForm, AppointForm, GroupForm, JoinForm
from kim_app.business.routes import access
from kim_app.common.permissions import business_authority, can_manage_kim, can_moderate, deny
from kim_app.common.uploads import UploadError
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.kim import services as kim_services
from kim_app.models import BusinessGroup
from kim_app.stats import business as business_figures


def group_page(group: BusinessGroup, join_form: JoinForm, status: int = 200):
    authority = business_authority(current_user, group)
    return render_template(
        "business/group.html", group=group, authority=authority,
        products=products.group_products(
            group, include_hidden=authority.manages_products or can_moderate(current_user)),
        join_form=join_form,
        view=business_figures.group_figures(group) if authority.sees_figures else None,
    ), status


@bp.get("/<group_slug>")
def group(group_slug: str):
    return group_page(access.group_or_404(group_slug), JoinForm())


def _group_form_page(form: GroupForm, status: int, **context):
    return render_template("business/group_form.html", form=form, **context), status


@bp.route("/baru/<kim_slug>", methods=["GET", "POST"])
@login_required
def new_group(kim_slug: str):
    kim = kim_services.get_by_slug(kim_slug)
    if kim is None:
        abort(404)
    if not can_manage_kim(current_user, kim):
        deny()
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(
                current_user, kim, name=form.name.data, sector=form.sector.data,
                description=form.description.data, whatsapp=form.whatsapp.normalised,
                logo=form.logo.data or None,
            )
        except UploadError as refused:
            db.session.rollback()
            form.logo.errors = [str(refused.message)]
        else:
            db.session.commit()
            flash(_("Kelompok usaha %(name)s dibuat. Tunjuk pengelolanya di sini.",
                    name=group.name), "success")
            return redirect(url_for("business.manage", group_slug=group.slug))
    status = 422 if request.method == "POST" else 200
    return _group_form_page(form, status, kim=kim, group=None)


@bp.route("/<group_slug>/ubah", methods=["GET", "POST"])
@login_required
def edit_group(group_slug: str):
    group, _authority = access.leading(group_slug)
    form = GroupForm(obj=group if request.method == "GET" else None)
    if request.method == "GET":
        form.sector.data = group.sector.value
    if form.validate_on_submit():
        try:
            groups.update_group(
                current_user, group, name=form.name.data, sector=form.sector.data,
                description=form.description.data, whatsapp=form.whatsapp.normalised,
                logo=form.logo.data or None, remove_logo=form.remove_logo.data,
            )
        except UploadError as refused:
            db.session.rollback()
            form.logo.errors = [str(refused.message)]
        else:
            db.session.commit()
            flash(_("Profil kelompok usaha disimpan."), "success")
            return redirect(url_for("business.group", group_slug=group.slug))
    status = 422 if request.method == "POST" else 200
    return _group_form_page(form, status, kim=group.kim_group, group=group)


def manage_context(group: BusinessGroup, authority, **extra) -> dict:
    """The manage page: its people, its products (for their managers), appointing."""
    context = {
        "group": group, "authority": authority, "members": members.open_memberships(group),
        "products": (products.group_products(group, include_unpublished=True,
                                             limit=products.MANAGE_PRODUCTS_SHOWN)
                     if authority.manages_products else []),
        "action_form": ActionForm(),
    }
    if authority.appoints:
        form = extra.pop("appoint_form", None) or AppointForm()
        form.user_id.choices = [("", _("— Pilih anggota KIM —"))] + [
            (str(user.id), user.name) for user in members.appointable(group)
        ]
        context["appoint_form"] = form
    context.update(extra)
    return context


@bp.get("/<group_slug>/kelola")
@login_required
def manage(group_slug: str):
    group, authority = access.leading(group_slug)
    return render_template("business/manage.html", **manage_context(group, authority))
