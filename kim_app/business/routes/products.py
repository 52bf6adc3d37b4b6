"""A product's public page, and its managers' pages: new, edit, availability, publishing,
deletion. New products and photo uploads share one rate limit per account."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kim_app.business import bp, labels, permits, products
from kim_app.business.errors import BusinessError
from kim_app.business.forms import (
    ActionForm,
    AvailabilityForm,
    NewProductForm,
    PhotoForm,
    ProductForm,
)
from kim_app.business.routes import access
from kim_app.common import fragments
from kim_app.common.htmx import fragment_response, render_page, retarget_to_flash, wants_fragment
from kim_app.common.permissions import business_authority
from kim_app.common.ratelimit import account_and_ip_limits, limit_reached
from kim_app.common.submission import earlier_submission
from kim_app.common.uploads import UploadError
from kim_app.common.urls import external_url_for
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import BusinessGroup, Product, utcnow


def _limited(_limit):
    message = _("Terlalu banyak unggahan dari akun ini. Tunggu sebentar, lalu coba lagi.")
    if request.endpoint == "business.new_product":
        group = access.group_or_404(request.view_args["group_slug"])
        form = NewProductForm()
        form.name.errors = list(form.name.errors) + [message]
        return _product_form_page(group, form, 429)
    return limit_reached(message)


# New products and photo uploads share one budget.
upload_limits = account_and_ip_limits("product-uploads", "PRODUCT_LIMIT_PER_ACCOUNT",
                                      "PRODUCT_LIMIT_PER_IP", methods=["POST"],
                                      on_breach=_limited, shared=True)


@bp.get("/<group_slug>/<product_slug>")
def product(group_slug: str, product_slug: str):
    if fragments.is_kept("business.product", "business.product_head"):
        # Kept for this reader at this URL, no table it read written since: the
        # product was there and visible to them, unchanged; it is not looked up.
        return render_template("business/product.html")
    group = access.group_or_404(group_slug)
    authority = business_authority(current_user, group)
    product = access.product_or_404(group, product_slug, authority)
    page_url = external_url_for("business.product", group_slug=group.slug,
                                product_slug=product.slug)
    return render_template(
        "business/product.html", group=group, product=product, authority=authority,
        page_url=page_url,
        order_url=url_for("business.order", group_slug=group.slug, product_slug=product.slug),
        share_url=products.share_url(product, page_url),
        more=products.more_from_group(product),
        permit_badges=permits.badges(product, local_date(utcnow())),
    )


def _product_values(form: ProductForm) -> dict:
    return {
        "name": form.name.data, "description": form.description.data or "",
        "price": form.price.price, "unit": form.unit.data,
        "availability": form.availability.data, "category": form.category.data,
        "published": bool(form.published.data),
    }


def _product_form_page(group: BusinessGroup, form: NewProductForm, status: int):
    return render_page("business/product_new.html", "business/_product_new_form.html",
                       status=status, group=group, form=form)


@bp.route("/<group_slug>/produk/baru", methods=["GET", "POST"])
@login_required
@upload_limits
def new_product(group_slug: str):
    group, _authority = access.managing_products(group_slug)
    form = NewProductForm()
    if request.method == "POST":
        existing = earlier_submission(Product, form.submission_key.data,
                                      business_group_id=group.id)
        if existing is not None:
            flash(_("Produk %(name)s sudah tersimpan.", name=existing.name), "info")
            return _to_manage(group)
    if form.validate_on_submit():
        try:
            product = products.create_product(
                current_user, group, photos=request.files.getlist(form.photos.name),
                submission_key=form.submission_key.data, **_product_values(form),
            )
        except (UploadError, BusinessError) as refused:
            db.session.rollback()
            form.photos.errors = [str(refused.message),
                                  _("Teks Anda tetap tersimpan di formulir; pilih ulang fotonya.")]
        else:
            db.session.commit()
            flash(_("Produk %(name)s ditambahkan.", name=product.name), "success")
            return _to_manage(group)
    status = 422 if request.method == "POST" else 200
    return _product_form_page(group, form, status)


def _to_manage(group: BusinessGroup):
    target = url_for("business.manage", group_slug=group.slug)
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def _row(group, product, authority, status: int = 200):
    return fragment_response("business/_product_row.html", status, group=group,
                             product=product, authority=authority, action_form=ActionForm())


def edit_product_page(group, product, form, status: int = 200, photo_form=None):
    """The product's edit page (or, for htmx, its inline editor)."""
    inline = wants_fragment()
    return render_page(
        "business/product_edit.html", "business/_product_editor.html", status=status,
        group=group, product=product, form=form, inline=inline,
        photo_form=photo_form or PhotoForm(), action_form=ActionForm(),
    )


@bp.route("/<group_slug>/<product_slug>/ubah", methods=["GET", "POST"])
@login_required
def edit_product(group_slug: str, product_slug: str):
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    form = ProductForm(obj=product if request.method == "GET" else None)
    if request.method == "GET":
        form.availability.data = product.availability.value
        form.category.data = product.category.value
        form.price.data = str(product.price)
    if form.validate_on_submit():
        products.update_product(current_user, product, **_product_values(form))
        db.session.commit()
        flash(_("Produk %(name)s disimpan.", name=product.name), "success")
        if wants_fragment():
            return _row(group, product, authority)
        return redirect(url_for("business.manage", group_slug=group.slug))
    return edit_product_page(group, product, form, 422 if request.method == "POST" else 200)


@bp.get("/<group_slug>/<product_slug>/baris")
@login_required
def product_row(group_slug: str, product_slug: str):
    """The product's row on the manage page (an inline edit cancelled)."""
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    return _row(group, product, authority)


@bp.post("/<group_slug>/<product_slug>/ketersediaan")
@login_required
def set_availability(group_slug: str, product_slug: str):
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    form = AvailabilityForm()
    if not form.validate_on_submit():
        message = " ".join(map(str, form.availability.errors)) or _("Pilih ketersediaan.")
        if wants_fragment():
            return retarget_to_flash(message, "error", 422)
        flash(message, "error")
        return redirect(url_for("business.manage", group_slug=group.slug))
    products.set_availability(product, form.availability.data)
    db.session.commit()
    flash(_("%(name)s: %(availability)s.", name=product.name,
            availability=labels.availability_label(product.availability)), "success")
    if wants_fragment():
        return _row(group, product, authority)
    return redirect(url_for("business.manage", group_slug=group.slug))


@bp.post("/<group_slug>/<product_slug>/terbitkan")
@login_required
def set_published(group_slug: str, product_slug: str):
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    published = request.form.get("published") == "1"
    products.set_published(product, published)
    db.session.commit()
    flash(_("%(name)s tampil di katalog.", name=product.name) if published
          else _("%(name)s disembunyikan dari katalog.", name=product.name), "success")
    if wants_fragment():
        return _row(group, product, authority)
    return redirect(url_for("business.manage", group_slug=group.slug))


@bp.route("/<group_slug>/<product_slug>/hapus", methods=["GET", "POST"])
@login_required
def delete_product(group_slug: str, product_slug: str):
    group, authority = access.managing_products(group_slug)
    product = products.get_product(group, product_slug)
    if product is None:
        if request.method == "POST":  # a second click after the first deleted it
            flash(_("Produk ini sudah dihapus."), "info")
            if wants_fragment():
                return fragment_response("business/_nothing.html")
            return redirect(url_for("business.manage", group_slug=group.slug))
        abort(404)
    if request.method == "GET":
        return render_template("business/product_delete.html", group=group, product=product,
                               form=ActionForm())
    name = product.name
    products.delete_product(current_user, product)
    db.session.commit()
    flash(_("Produk %(name)s dihapus.", name=name), "success")
    if wants_fragment():
        return fragment_response("business/_nothing.html")
    return redirect(url_for("business.manage", group_slug=group.slug))
