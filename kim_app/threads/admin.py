"""Admins keep the lists of question categories and agencies (OPD).

Rows are never deleted (threads point at them): an admin renames them, reorders
categories, or switches them off, which hides them from the ask and assign forms while
old threads keep their label.
"""

import re
import unicodedata

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import exists, select

from kim_app.common import audit, permissions
from kim_app.extensions import db
from kim_app.models import Agency, Category
from kim_app.threads import bp
from kim_app.threads.forms import AgencyForm, CategoryForm

KINDS = {
    "kategori": (Category, CategoryForm, ("name", "description", "position", "active")),
    "instansi": (Agency, AgencyForm, ("name", "short_name", "active")),
}


def _kind(kind: str):
    if not permissions.is_admin(current_user):
        abort(403)
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def _rows(model) -> list:
    order = (model.position, model.name) if model is Category else (model.name,)
    return list(db.session.scalars(select(model).order_by(*order)))


def _free_slug(model, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:70] or "baru"
    slug, number = base, 2
    while db.session.scalar(select(exists().where(model.slug == slug))):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _page(kind: str, new_form, edit_forms: dict, status: int = 200):
    model, form_class, _fields = KINDS[kind]
    rows = _rows(model)
    forms = {row.id: edit_forms.get(row.id) or form_class(formdata=None, obj=row,
                                                          prefix=f"r{row.id}")
             for row in rows}
    return render_template("threads/admin_list.html", kind=kind, rows=rows, forms=forms,
                           new_form=new_form), status


def _apply(row, form, fields) -> None:
    for name in fields:
        value = getattr(form, name).data
        if name == "position":
            value = value or 0
        elif name != "active":
            value = (value or "").strip()
        setattr(row, name, value)


@bp.route("/kelola/<kind>", methods=["GET", "POST"])
@login_required
def admin_list(kind: str):
    model, form_class, fields = _kind(kind)
    form = form_class(prefix="new")
    if form.is_submitted():
        if not form.validate():
            return _page(kind, form, {}, 422)
        row = model(slug=_free_slug(model, form.name.data))
        _apply(row, form, fields)
        db.session.add(row)
        db.session.flush()
        audit.record(current_user, f"{model.__tablename__}.created", model.__tablename__,
                     row.id, name=row.name)
        db.session.commit()
        flash(_("\u201c%(name)s\u201d ditambahkan.", name=row.name), "success")
        return redirect(url_for("threads.admin_list", kind=kind))
    return _page(kind, form_class(formdata=None, prefix="new"), {})


@bp.post("/kelola/<kind>/<int:row_id>")
@login_required
def admin_edit(kind: str, row_id: int):
    model, form_class, fields = _kind(kind)
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    form = form_class(prefix=f"r{row.id}")
    if not form.validate():
        return _page(kind, form_class(formdata=None, prefix="new"), {row.id: form}, 422)
    _apply(row, form, fields)
    audit.record(current_user, f"{model.__tablename__}.updated", model.__tablename__, row.id,
                 name=row.name, active=row.active)
    db.session.commit()
    flash(_("\u201c%(name)s\u201d disimpan.", name=row.name), "success")
    return redirect(url_for("threads.admin_list", kind=kind))
