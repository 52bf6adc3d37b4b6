"""`/usaha/<group>/<product>/izin`: a product's permits (NIB, P-IRT, halal, BPOM), for the
group's managers. One small form per kind; the rules are `business.permits`."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from kim_app.business import bp, permits
from kim_app.business.errors import BusinessError
from kim_app.business.forms import ActionForm, PermitForm
from kim_app.business.routes import access
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import PermitKind, utcnow


def _permit_target(group_slug: str, product_slug: str, kind: str):
    """The group, product and permit kind a URL names; 403/404 as `access` decides."""
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    if kind not in PermitKind._value2member_map_:
        abort(404)
    return group, product, PermitKind(kind)


def _to_permits(group, product):
    return redirect(url_for("business.permits", group_slug=group.slug,
                            product_slug=product.slug))


def _page(group, product, forms: dict | None = None, status: int = 200):
    stored = permits.product_permits(product)
    today = local_date(utcnow())
    forms = forms or {}
    rows = []
    for kind in PermitKind:
        permit = stored.get(kind)
        form = forms.get(kind)
        if form is None:
            form = PermitForm(formdata=None, prefix=kind.value)
            if permit is not None:
                form.number.data = permits.display_number(permit)
                form.expires_on.data = permit.expires_on.isoformat() if permit.expires_on else ""
        form.number.description = permits.FORMATS[kind]
        rows.append({
            "kind": kind.value, "label": permits.LABELS[kind], "meaning": permits.MEANINGS[kind],
            "has_expiry": permits.has_expiry(kind),
            "expiry_required": kind in permits.EXPIRY_REQUIRED, "permit": permit,
            "expired": permit is not None and permits.is_expired(permit, today), "form": form,
        })
    return render_template("business/permits.html", group=group, product=product, rows=rows,
                           action_form=ActionForm()), status


@bp.get("/<group_slug>/<product_slug>/izin", endpoint="permits")
@login_required
def permits_page(group_slug: str, product_slug: str):
    group, authority = access.managing_products(group_slug)
    return _page(group, access.product_or_404(group, product_slug, authority))


@bp.post("/<group_slug>/<product_slug>/izin/<kind>")
@login_required
def save_permit(group_slug: str, product_slug: str, kind: str):
    group, product, kind = _permit_target(group_slug, product_slug, kind)
    form = PermitForm(prefix=kind.value)
    if form.validate_on_submit():
        try:
            permits.save_permit(current_user, product, kind, number=form.number.data,
                                expires_on=form.expires_on.day, today=local_date(utcnow()))
        except BusinessError as refused:
            db.session.rollback()
            field = form.expires_on if refused.field == "expires_on" else form.number
            field.errors = [str(refused.message)]
        else:
            db.session.commit()
            flash(_("Izin %(kind)s disimpan.", kind=permits.LABELS[kind]), "success")
            return _to_permits(group, product)
    return _page(group, product, {kind: form}, 422)


@bp.post("/<group_slug>/<product_slug>/izin/<kind>/hapus")
@login_required
def delete_permit(group_slug: str, product_slug: str, kind: str):
    group, product, kind = _permit_target(group_slug, product_slug, kind)
    if permits.delete_permit(current_user, product, kind):
        db.session.commit()
        flash(_("Izin %(kind)s dihapus.", kind=permits.LABELS[kind]), "success")
    else:
        flash(_("Izin ini sudah dihapus."), "info")
    return _to_permits(group, product)
