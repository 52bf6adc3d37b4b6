"""Catalog, business groups, managers, join requests, products and their photos.

Thin: who may act is `common.permissions.business_authority`, the rules are
`business.services`. A plain form gets a redirect (post/redirect/get), an htmx request the
changed fragment; a failed form comes back with 422 and the person's text in it.
"""

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from kim_app.business import bp, services
from kim_app.business.forms import (
    ActionForm,
    AppointForm,
    AvailabilityForm,
    GroupForm,
    JoinForm,
    NewProductForm,
    PhotoForm,
    ProductForm,
)
from kim_app.common.htmx import fragment_response, render_page, retarget_to_flash, wants_fragment
from kim_app.common.permissions import business_authority, can_manage_kim, deny
from kim_app.common.uploads import UploadError
from kim_app.common.urls import external_url_for
from kim_app.extensions import db, limiter
from kim_app.kim import services as kim_services
from kim_app.models import BusinessGroup, BusinessMember, Product


@bp.app_context_processor
def business_context():
    return {
        "category_label": services.category_label,
        "availability_label": services.availability_label,
        "category_choices": services.category_choices(),
        "availability_choices": services.availability_choices(),
        "max_photos": current_app.config["PRODUCT_MAX_PHOTOS"],
    }


@bp.app_template_global("business_groups_for_kim")
def business_groups_for_kim(kim_group):
    return services.groups_for_kim(kim_group)


@bp.app_template_global("business_can_create")
def business_can_create(kim_group) -> bool:
    return can_manage_kim(current_user, kim_group)


@bp.app_template_global("newest_products")
def newest_products(limit: int = 6):
    return services.newest_products(limit)


# ---------------------------------------------------------------------------------------
# Lookups and guards


def _group_or_404(slug: str) -> BusinessGroup:
    group = services.get_group(slug)
    if group is None:
        abort(404)
    return group


def _leading(slug: str):
    group = _group_or_404(slug)
    authority = business_authority(current_user, group)
    if not authority.leads:
        deny()
    return group, authority


def _managing_products(slug: str):
    group = _group_or_404(slug)
    authority = business_authority(current_user, group)
    if not authority.manages_products:
        deny()
    return group, authority


def _product_or_404(group: BusinessGroup, slug: str, authority) -> Product:
    product = services.get_product(group, slug)
    # An unpublished product is private: only its managers learn that it exists.
    if product is None or not (product.published or authority.manages_products):
        abort(404)
    return product


def _member_or_404(group: BusinessGroup, member_id: int) -> BusinessMember:
    member = db.session.get(BusinessMember, member_id)
    if member is None or member.business_group_id != group.id:
        abort(404)
    return member


def _refused(refused: services.BusinessError, target: str, status: int = 422):
    db.session.rollback()
    if wants_fragment():
        return retarget_to_flash(str(refused.message), "error", status)
    flash(str(refused.message), "error")
    return redirect(target)


def _account_key() -> str:
    user_id = getattr(current_user, "id", None)
    return f"product:{user_id}" if user_id else f"product-ip:{get_remote_address()}"


def _limited(_limit):
    message = _("Terlalu banyak unggahan dari akun ini. Tunggu sebentar, lalu coba lagi.")
    if request.endpoint == "business.new_product":
        group = _group_or_404(request.view_args["group_slug"])
        form = NewProductForm()
        form.name.errors = list(form.name.errors) + [message]
        return _product_form_page(group, form, 429)
    if wants_fragment():
        return retarget_to_flash(message, "error", 429)
    return make_response(render_template("errors/error.html", code=429,
                                         title=_("Terlalu banyak percobaan"), message=message), 429)


def _upload_limits(view):
    """New products and photo uploads share one budget per account (and a generous one per
    IP, since villagers share carrier addresses)."""
    view = limiter.shared_limit(lambda: current_app.config["PRODUCT_LIMIT_PER_ACCOUNT"],
                                scope="product-uploads", key_func=_account_key,
                                methods=["POST"], on_breach=_limited)(view)
    return limiter.shared_limit(lambda: current_app.config["PRODUCT_LIMIT_PER_IP"],
                                scope="product-uploads-ip", methods=["POST"],
                                on_breach=_limited)(view)


# ---------------------------------------------------------------------------------------
# Catalog and public pages


@bp.get("/")
def catalog():
    query = services.CatalogQuery.from_args(request.args)
    result = services.catalog(query)
    return render_page(
        "business/catalog.html", "business/_catalog_results.html",
        query=query, result=result, districts=services.districts_with_products(),
    )


@bp.get("/<group_slug>")
def group(group_slug: str):
    group = _group_or_404(group_slug)
    authority = business_authority(current_user, group)
    return render_template(
        "business/group.html", group=group, authority=authority,
        products=services.group_products(group), join_form=JoinForm(),
    )


@bp.get("/<group_slug>/<product_slug>")
def product(group_slug: str, product_slug: str):
    group = _group_or_404(group_slug)
    authority = business_authority(current_user, group)
    product = _product_or_404(group, product_slug, authority)
    page_url = external_url_for("business.product", group_slug=group.slug,
                                product_slug=product.slug)
    return render_template(
        "business/product.html", group=group, product=product, authority=authority,
        page_url=page_url,
        order_url=services.whatsapp_order_url(product, page_url),
        share_url=services.share_url(product, page_url),
        more=services.more_from_group(product),
    )


# ---------------------------------------------------------------------------------------
# Groups


def _group_form_page(template: str, form: GroupForm, status: int = 200, **context):
    return render_template(template, form=form, **context), status


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
            group = services.create_group(
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
    return _group_form_page("business/group_form.html", form, status, kim=kim, group=None)


@bp.route("/<group_slug>/ubah", methods=["GET", "POST"])
@login_required
def edit_group(group_slug: str):
    group, _authority = _leading(group_slug)
    form = GroupForm(obj=group if request.method == "GET" else None)
    if request.method == "GET":
        form.sector.data = group.sector.value
    if form.validate_on_submit():
        try:
            services.update_group(
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
    return _group_form_page("business/group_form.html", form, status, kim=group.kim_group,
                            group=group)


def _manage_context(group: BusinessGroup, authority, **extra) -> dict:
    context = {
        "group": group, "authority": authority, "members": services.members(group),
        "products": (services.group_products(group, include_unpublished=True,
                                             limit=services.MANAGE_PRODUCTS_SHOWN)
                     if authority.manages_products else []),
        "action_form": ActionForm(),
    }
    if authority.appoints:
        form = extra.pop("appoint_form", None) or AppointForm()
        form.user_id.choices = [("", _("— Pilih anggota KIM —"))] + [
            (str(user.id), user.name) for user in services.appointable(group)
        ]
        context["appoint_form"] = form
    context.update(extra)
    return context


@bp.get("/<group_slug>/kelola")
@login_required
def manage(group_slug: str):
    group, authority = _leading(group_slug)
    return render_template("business/manage.html", **_manage_context(group, authority))


def _after_member_change(group: BusinessGroup, authority):
    if wants_fragment():
        return fragment_response("business/_members.html", **_manage_context(group, authority))
    return redirect(url_for("business.manage", group_slug=group.slug))


@bp.post("/<group_slug>/pengelola")
@login_required
def appoint(group_slug: str):
    group = _group_or_404(group_slug)
    authority = business_authority(current_user, group)
    if not authority.appoints:
        deny()
    form = AppointForm()
    if not form.validate_on_submit():
        context = _manage_context(group, authority, appoint_form=form)
        if wants_fragment():
            return fragment_response("business/_members.html", 422, **context)
        return render_template("business/manage.html", **context), 422
    try:
        member = services.appoint_manager(current_user, group, int(form.user_id.data))
    except services.BusinessError as refused:
        return _refused(refused, url_for("business.manage", group_slug=group.slug))
    db.session.commit()
    flash(_("%(name)s sekarang pengelola %(group)s.", name=member.user.name, group=group.name),
          "success")
    return _after_member_change(group, business_authority(current_user, group))


def _member_action(group_slug: str, member_id: int, need: str, change, done: str):
    group = _group_or_404(group_slug)
    authority = business_authority(current_user, group)
    if not getattr(authority, need):
        deny()
    member = _member_or_404(group, member_id)
    try:
        change(current_user, group, member)
    except services.BusinessError as refused:
        return _refused(refused, url_for("business.manage", group_slug=group.slug))
    db.session.commit()
    flash(done % {"name": member.user.name}, "success")
    return _after_member_change(group, business_authority(current_user, group))


@bp.post("/<group_slug>/anggota/<int:member_id>/berhenti")
@login_required
def dismiss(group_slug: str, member_id: int):
    return _member_action(group_slug, member_id, "appoints", services.dismiss_manager,
                          _("%(name)s tidak lagi menjadi pengelola."))


@bp.post("/<group_slug>/anggota/<int:member_id>/keluarkan")
@login_required
def remove(group_slug: str, member_id: int):
    return _member_action(group_slug, member_id, "leads", services.remove_member,
                          _("%(name)s dikeluarkan dari kelompok usaha."))


@bp.post("/<group_slug>/anggota/<int:member_id>/terima")
@login_required
def approve(group_slug: str, member_id: int):
    return _member_action(
        group_slug, member_id, "leads",
        lambda actor, group, member: services.decide(actor, group, member, True),
        _("%(name)s diterima sebagai anggota."))


@bp.post("/<group_slug>/anggota/<int:member_id>/tolak")
@login_required
def reject(group_slug: str, member_id: int):
    return _member_action(
        group_slug, member_id, "leads",
        lambda actor, group, member: services.decide(actor, group, member, False),
        _("Permintaan %(name)s ditolak."))


@bp.post("/<group_slug>/gabung")
@login_required
def join(group_slug: str):
    group = _group_or_404(group_slug)
    form = JoinForm()
    if not form.validate_on_submit():
        authority = business_authority(current_user, group)
        if wants_fragment():
            return fragment_response("business/_join_box.html", 422, group=group,
                                     authority=authority, join_form=form)
        return render_template("business/group.html", group=group, authority=authority,
                               products=services.group_products(group), join_form=form), 422
    try:
        services.request_join(current_user, group, form.message.data or "")
    except services.BusinessError as refused:
        return _refused(refused, url_for("business.group", group_slug=group.slug), 403)
    db.session.commit()
    flash(_("Permintaan bergabung terkirim ke pengelola %(group)s.", group=group.name),
          "success")
    if wants_fragment():
        return fragment_response("business/_join_box.html", group=group,
                                 authority=business_authority(current_user, group),
                                 join_form=JoinForm(formdata=None))
    return redirect(url_for("business.group", group_slug=group.slug))


# ---------------------------------------------------------------------------------------
# Products


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
@_upload_limits
def new_product(group_slug: str):
    group, _authority = _managing_products(group_slug)
    form = NewProductForm()
    if request.method == "POST":
        existing = services.find_submission(form.submission_key.data)
        if existing is not None and existing.business_group_id == group.id:
            flash(_("Produk %(name)s sudah tersimpan.", name=existing.name), "info")
            return _to_manage(group)
    if form.validate_on_submit():
        try:
            product = services.create_product(
                current_user, group, photos=request.files.getlist(form.photos.name),
                submission_key=form.submission_key.data, **_product_values(form),
            )
        except (UploadError, services.BusinessError) as refused:
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


def _edit_product_page(group, product, form, status: int = 200, photo_form=None):
    inline = wants_fragment()
    return render_page(
        "business/product_edit.html", "business/_product_editor.html", status=status,
        group=group, product=product, form=form, inline=inline,
        photo_form=photo_form or PhotoForm(), action_form=ActionForm(),
    )


@bp.route("/<group_slug>/<product_slug>/ubah", methods=["GET", "POST"])
@login_required
def edit_product(group_slug: str, product_slug: str):
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    form = ProductForm(obj=product if request.method == "GET" else None)
    if request.method == "GET":
        form.availability.data = product.availability.value
        form.category.data = product.category.value
        form.price.data = str(product.price)
    if form.validate_on_submit():
        services.update_product(current_user, product, **_product_values(form))
        db.session.commit()
        flash(_("Produk %(name)s disimpan.", name=product.name), "success")
        if wants_fragment():
            return _row(group, product, authority)
        return redirect(url_for("business.manage", group_slug=group.slug))
    return _edit_product_page(group, product, form, 422 if request.method == "POST" else 200)


@bp.get("/<group_slug>/<product_slug>/baris")
@login_required
def product_row(group_slug: str, product_slug: str):
    """The product's row on the manage page (an inline edit cancelled)."""
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    return _row(group, product, authority)


@bp.post("/<group_slug>/<product_slug>/ketersediaan")
@login_required
def set_availability(group_slug: str, product_slug: str):
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    form = AvailabilityForm()
    if not form.validate_on_submit():
        message = " ".join(map(str, form.availability.errors)) or _("Pilih ketersediaan.")
        if wants_fragment():
            return retarget_to_flash(message, "error", 422)
        flash(message, "error")
        return redirect(url_for("business.manage", group_slug=group.slug))
    services.set_availability(product, form.availability.data)
    db.session.commit()
    flash(_("%(name)s: %(availability)s.", name=product.name,
            availability=services.availability_label(product.availability)), "success")
    if wants_fragment():
        return _row(group, product, authority)
    return redirect(url_for("business.manage", group_slug=group.slug))


@bp.post("/<group_slug>/<product_slug>/terbitkan")
@login_required
def set_published(group_slug: str, product_slug: str):
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    published = request.form.get("published") == "1"
    services.set_published(product, published)
    db.session.commit()
    flash(_("%(name)s tampil di katalog.", name=product.name) if published
          else _("%(name)s disembunyikan dari katalog.", name=product.name), "success")
    if wants_fragment():
        return _row(group, product, authority)
    return redirect(url_for("business.manage", group_slug=group.slug))


@bp.route("/<group_slug>/<product_slug>/hapus", methods=["GET", "POST"])
@login_required
def delete_product(group_slug: str, product_slug: str):
    group, authority = _managing_products(group_slug)
    product = services.get_product(group, product_slug)
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
    services.delete_product(current_user, product)
    db.session.commit()
    flash(_("Produk %(name)s dihapus.", name=name), "success")
    if wants_fragment():
        return fragment_response("business/_nothing.html")
    return redirect(url_for("business.manage", group_slug=group.slug))


# ---------------------------------------------------------------------------------------
# Product photos


def _photos_answer(group, product, status: int = 200, photo_form=None):
    if wants_fragment():
        return fragment_response("business/_photos.html", status, group=group, product=product,
                                 photo_form=photo_form or PhotoForm(), action_form=ActionForm())
    if status >= 400:
        form = ProductForm(obj=product)
        form.price.data = str(product.price)
        return _edit_product_page(group, product, form, status, photo_form)
    return redirect(url_for("business.edit_product", group_slug=group.slug,
                            product_slug=product.slug))


@bp.post("/<group_slug>/<product_slug>/foto")
@login_required
@_upload_limits
def add_photos(group_slug: str, product_slug: str):
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    form = PhotoForm()
    try:
        count = services.add_photos(current_user, product, request.files.getlist("photos"))
    except (UploadError, services.BusinessError) as refused:
        db.session.rollback()
        form.photos.errors = [str(refused.message)]
        product = services.get_product(group, product_slug)
        return _photos_answer(group, product, 422, form)
    db.session.commit()
    flash(_("%(n)d foto ditambahkan.", n=count), "success")
    return _photos_answer(group, product)


@bp.post("/<group_slug>/<product_slug>/foto/<int:item_id>/<where>")
@login_required
def move_photo(group_slug: str, product_slug: str, item_id: int, where: str):
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    item = services.photo_of(product, item_id)
    if item is None or where not in services.PHOTO_MOVES:
        abort(404)
    services.move_photo(product, item, where)
    db.session.commit()
    if where == "sampul":
        flash(_("Sampul produk diganti."), "success")
    return _photos_answer(group, product)


@bp.post("/<group_slug>/<product_slug>/foto/<int:item_id>/hapus")
@login_required
def remove_photo(group_slug: str, product_slug: str, item_id: int):
    group, authority = _managing_products(group_slug)
    product = _product_or_404(group, product_slug, authority)
    item = services.photo_of(product, item_id)
    if item is None:
        flash(_("Foto ini sudah dihapus."), "info")
        return _photos_answer(group, product)
    services.remove_photo(product, item)
    db.session.commit()
    flash(_("Foto dihapus."), "success")
    return _photos_answer(group, product)
