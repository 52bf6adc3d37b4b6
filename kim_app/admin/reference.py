"""The lists of question categories and agencies (OPD), kept by admins.

Rows are never deleted (threads point at them): an admin renames them, reorders
categories, or switches them off, which hides them from the ask and assign forms while
old threads keep their label. A new row gets a slug from its name, numbered when taken;
the slug never changes afterwards. Every change is an audit event ("category.created",
"agency.updated" …) naming the row and, for an edit, the fields that changed; an edit that
changes nothing records nothing.
"""


from sqlalchemy import select

from kim_app.common.audit import record
from kim_app.common.unique import free_slug, slugify
from kim_app.extensions import db
from kim_app.models import Agency, Category, User

# The lists by the word in their address, and the fields an admin edits in each.
LISTS = {"kategori": Category, "instansi": Agency}
FIELDS = {
    Category: ("name", "description", "position", "active"),
    Agency: ("name", "short_name", "active"),
}


def rows(model) -> list:
    """Every row of a list (they stay short): categories in their order, agencies by name."""
    order = (model.position, model.name) if model is Category else (model.name,)
    return list(db.session.scalars(select(model).order_by(*order)))


def _clean(model, values: dict) -> dict:
    cleaned = {}
    for name in FIELDS[model]:
        value = values.get(name)
        if name == "position":
            value = value or 0
        elif name == "active":
            value = bool(value)
        else:
            value = (value or "").strip()
        cleaned[name] = value
    return cleaned


def create(actor: User, model, values: dict):
    slug = free_slug(model.slug, slugify(values["name"], 70) or "baru")
    row = model(slug=slug, **_clean(model, values))
    db.session.add(row)
    db.session.flush()
    record(actor, f"{model.__tablename__}.created", model.__tablename__, row.id, name=row.name)
    return row


def update(actor: User, row, values: dict) -> list[str]:
    """Apply the edited fields; returns the names of those that changed."""
    cleaned = _clean(type(row), values)
    changed = [name for name, value in cleaned.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, cleaned[name])
    if changed:
        table = row.__tablename__
        record(actor, f"{table}.updated", table, row.id, name=row.name, active=row.active,
               fields=changed)
    return changed
