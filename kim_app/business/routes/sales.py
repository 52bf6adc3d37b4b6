"""`/usaha/<group>/penjualan`: the group's sales and monthly figures. Its managers record
and correct sales (for `sales.SALE_EDIT_DAYS` days); the KIM's pengurus read them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kim_app.business import bp, products, sales
from kim_app.business.errors import BusinessError
from kim_app.business.forms import ActionForm, SaleForm
from kim_app.business.routes import access
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import utcnow
from kim_app.stats import business as figures


def _sale_form(group, **kwargs) -> SaleForm:
    choices = [(p.id, p.name) for p in products.group_products(
        group, include_unpublished=True, limit=products.MANAGE_PRODUCTS_SHOWN)]
    return SaleForm(product_choices=choices, **kwargs)


def _page(group, authority, form=None, status: int = 200):
    now = utcnow()
    rows = [(sale, sales.is_editable(sale, now)) for sale in sales.group_sales(group)]
    if form is None and authority.records_sales:
        form = _sale_form(group)
        form.sold_on.data = local_date(now).isoformat()
    return render_template("business/sales.html", group=group, authority=authority,
                           form=form, rows=rows, view=figures.group_figures(group),
                           action_form=ActionForm(), shown=sales.SALES_SHOWN,
                           edit_days=sales.SALE_EDIT_DAYS), status


def _values(group, form: SaleForm) -> dict:
    return {
        "sold_on": form.sold_on.day, "quantity": form.quantity.number,
        "amount": form.amount.amount, "note": form.note.data or "",
        "product": sales.product_of(group, int(form.product_id.data)
                                    if form.product_id.data else None),
    }


def _sale_or_404(group, sale_id: int):
    sale = sales.get_sale(group, sale_id)
    if sale is None:
        abort(404)
    return sale


def _to_sales(group):
    return redirect(url_for("business.sales", group_slug=group.slug))


@bp.get("/<group_slug>/penjualan", endpoint="sales")
@login_required
def sales_page(group_slug: str):
    group, authority = access.authorised(group_slug, "sees_figures")
    return _page(group, authority)


def _saved(form, save, message: str) -> bool:
    """Run `save` (a sales rule): committed with `message`, or refused with the reason by
    the date field and nothing kept."""
    try:
        save()
    except BusinessError as refused:
        db.session.rollback()
        form.sold_on.errors = [str(refused.message)]
        return False
    db.session.commit()
    flash(message, "success")
    return True


@bp.post("/<group_slug>/penjualan")
@login_required
def record_sale(group_slug: str):
    group, authority = access.authorised(group_slug, "records_sales")
    form = _sale_form(group)
    if form.validate_on_submit() and _saved(
            form, lambda: sales.record_sale(current_user, group, **_values(group, form)),
            _("Penjualan dicatat.")):
        return _to_sales(group)
    return _page(group, authority, form, 422)


@bp.route("/<group_slug>/penjualan/<int:sale_id>/ubah", methods=["GET", "POST"])
@login_required
def edit_sale(group_slug: str, sale_id: int):
    group, _authority = access.authorised(group_slug, "records_sales")
    sale = _sale_or_404(group, sale_id)
    if not sales.is_editable(sale):
        flash(_("Penjualan hanya bisa diubah atau dihapus dalam %(days)d hari setelah "
                "dicatat.", days=sales.SALE_EDIT_DAYS), "error")
        return _to_sales(group)
    form = _sale_form(group)
    if request.method == "GET":
        form.sold_on.data = sale.sold_on.isoformat()
        form.quantity.data = str(sale.quantity)
        form.amount.data = str(sale.amount)
        form.note.data = sale.note
        form.product_id.data = str(sale.product_id or "")
    elif form.validate_on_submit() and _saved(
            form, lambda: sales.update_sale(current_user, sale, **_values(group, form)),
            _("Penjualan disimpan.")):
        return _to_sales(group)
    status = 422 if request.method == "POST" else 200
    return render_template("business/sale_edit.html", group=group, sale=sale, form=form,
                           action_form=ActionForm()), status


@bp.post("/<group_slug>/penjualan/<int:sale_id>/hapus")
@login_required
def delete_sale(group_slug: str, sale_id: int):
    group, _authority = access.authorised(group_slug, "records_sales")
    sale = sales.get_sale(group, sale_id)
    if sale is None:  # a second click after the first deleted it
        flash(_("Penjualan ini sudah dihapus."), "info")
        return _to_sales(group)
    try:
        sales.delete_sale(current_user, sale)
    except BusinessError as refused:
        return access.refused(refused, url_for("business.sales", group_slug=group.slug))
    db.session.commit()
    flash(_("Penjualan dihapus."), "success")
    return _to_sales(group)
