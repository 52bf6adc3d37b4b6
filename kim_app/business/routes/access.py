"""Finding what a business URL names, and refusing who may not act on it."""

from flask import abort, flash, redirect
from flask_login import current_user

from kim_app.business import groups, products
from kim_app.business.errors import BusinessError
from kim_app.common.htmx import retarget_to_flash, wants_fragment
from kim_app.common.permissions import business_authority, deny
from kim_app.extensions import db
from kim_app.models import BusinessGroup, BusinessMember, Product
from kim_app.moderation import visibility


def group_or_404(slug: str) -> BusinessGroup:
    group = groups.get_group(slug)
    if group is None or not visibility.may_see(current_user, group):
        abort(404)
    return group


def authorised(slug: str, power: str):
    """The group and the person's authority in it; 403 unless the authority has `power`
    (a property of `BusinessAuthority`: "leads", "manages_products", "appoints")."""
    group = group_or_404(slug)
    authority = business_authority(current_user, group)
    if not getattr(authority, power):
        deny()
    return group, authority


def leading(slug: str):
    return authorised(slug, "leads")


def managing_products(slug: str):
    return authorised(slug, "manages_products")


def product_or_404(group: BusinessGroup, slug: str, authority) -> Product:
    product = products.get_product(group, slug)
    # An unpublished product is private: only its managers learn that it exists.
    if product is None or not (product.published or authority.manages_products):
        abort(404)
    if not visibility.may_see(current_user, product):
        abort(404)
    return product


def member_or_404(group: BusinessGroup, member_id: int) -> BusinessMember:
    member = db.session.get(BusinessMember, member_id)
    if member is None or member.business_group_id != group.id:
        abort(404)
    return member


def refused(error: BusinessError, target: str, status: int = 422):
    """A refused change: the message in `#flash` (htmx), or flashed on `target`."""
    db.session.rollback()
    if wants_fragment():
        return retarget_to_flash(str(error.message), "error", status)
    flash(str(error.message), "error")
    return redirect(target)
