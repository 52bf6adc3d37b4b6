"""Slugs of business groups and products: made once from the name and never changed, so
shared links keep working. A group slug is unique everywhere, a product slug within its
group; neither may be a word the URLs under `/usaha/` already use."""

import re
import unicodedata

from sqlalchemy import or_, select

from kim_app.extensions import db
from kim_app.models import BusinessGroup, Product

# Second path segments under /usaha/<group>/ that are pages, not products.
RESERVED_PRODUCT_SLUGS = {"kelola", "ubah", "gabung", "pengelola", "permintaan", "produk",
                          "anggota", "hapus", "foto"}
RESERVED_GROUP_SLUGS = {"baru", "static", "media"}


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def _first_free(base: str, taken: set[str], reserved: set[str]) -> str:
    if base not in taken and base not in reserved:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _taken(column, base: str, *conditions) -> set[str]:
    pattern = base.replace("\\", "").replace("%", "").replace("_", r"\_") + "-%"
    return set(db.session.scalars(
        select(column).where(or_(column == base, column.like(pattern, escape="\\")), *conditions)
    ))


def group_slug_for(name: str) -> str:
    base = slugify(name) or "usaha"
    return _first_free(base, _taken(BusinessGroup.slug, base), RESERVED_GROUP_SLUGS)


def product_slug_for(group: BusinessGroup, name: str) -> str:
    base = slugify(name) or "produk"
    taken = _taken(Product.slug, base, Product.business_group_id == group.id)
    return _first_free(base, taken, RESERVED_PRODUCT_SLUGS)
