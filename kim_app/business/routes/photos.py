"""A product's photos on its edit page: upload (sharing the products' rate limit), order,
cover, removal. htmx gets the photo list back; a plain form the edit page."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from kim_app.business import bp, photos, products
from kim_app.business.errors import BusinessError
from kim_app.business.forms import ActionForm, PhotoForm, ProductForm
from kim_app.business.routes import access
from kim_app.business.routes.products import edit_product_page, upload_limits
from kim_app.common.htmx import fragment_response, wants_fragment
from kim_app.common.uploads import UploadError
from kim_app.extensions import db
from kim_app.i18n import gettext as _


def _photos_answer(group, product, status: int = 200, photo_form=None):
    if wants_fragment():
        return fragment_response("business/_photos.html", status, group=group, product=product,
                                 photo_form=photo_form or PhotoForm(), action_form=ActionForm())
    if status >= 400:
        form = ProductForm(obj=product)
        form.price.data = str(product.price)
        return edit_product_page(group, product, form, status, photo_form)
    return redirect(url_for("business.edit_product", group_slug=group.slug,
                            product_slug=product.slug))


@bp.post("/<group_slug>/<product_slug>/foto")
@login_required
@upload_limits
def add_photos(group_slug: str, product_slug: str):
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    form = PhotoForm()
    try:
        count = photos.add_photos(current_user, product, request.files.getlist("photos"))
    except (UploadError, BusinessError) as refused:
        db.session.rollback()
        form.photos.errors = [str(refused.message)]
        product = products.get_product(group, product_slug)
        return _photos_answer(group, product, 422, form)
    db.session.commit()
    flash(_("%(n)d foto ditambahkan.", n=count), "success")
    return _photos_answer(group, product)


@bp.post("/<group_slug>/<product_slug>/foto/<int:item_id>/<where>")
@login_required
def move_photo(group_slug: str, product_slug: str, item_id: int, where: str):
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    item = photos.photo_of(product, item_id)
    if item is None or where not in photos.PHOTO_MOVES:
        abort(404)
    photos.move_photo(product, item, where)
    db.session.commit()
    if where == "sampul":
        flash(_("Sampul produk diganti."), "success")
    return _photos_answer(group, product)


@bp.post("/<group_slug>/<product_slug>/foto/<int:item_id>/hapus")
@login_required
def remove_photo(group_slug: str, product_slug: str, item_id: int):
    group, authority = access.managing_products(group_slug)
    product = access.product_or_404(group, product_slug, authority)
    item = photos.photo_of(product, item_id)
    if item is None:
        flash(_("Foto ini sudah dihapus."), "info")
        return _photos_answer(group, product)
    photos.remove_photo(product, item)
    db.session.commit()
    flash(_("Foto dihapus."), "success")
    return _photos_answer(group, product)
