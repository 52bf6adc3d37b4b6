"""Products of a business group: prices, writing, the product page's links.

- Prices are whole rupiah between `PRICE_MIN` and `PRICE_MAX`; people type them the way
  they write them (`25000`, `25.000`, `Rp 25.000`).
- Everything but the slug may change (`business.slugs`). Deleting a product deletes its
  photos' files once the transaction commits (`business.photos`).
- Lists are bounded and load what they show in a fixed number of queries.
"""

import re
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from kim_app.business import photos as product_photos
from kim_app.business.errors import BusinessError
from kim_app.business.slugs import product_slug_for
from kim_app.common.audit import record
from kim_app.common.unique import add_with_slug
from kim_app.common.uploads import delete_photo
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Availability,
    BusinessGroup,
    OrderClickDay,
    Product,
    ProductCategory,
    ProductPermit,
    ProductPhoto,
    Sale,
    User,
)
from kim_app.templating import rupiah

PRICE_MIN = 100
PRICE_MAX = 100_000_000
UNITS = ("pcs", "kg", "gram", "ons", "liter", "botol", "bungkus", "pack", "kotak", "toples",
         "lembar", "meter", "potong", "porsi", "ikat", "pasang", "set", "jam", "paket")
GROUP_PRODUCTS_SHOWN = 48
MANAGE_PRODUCTS_SHOWN = 200


def rupiah_typed(text: str) -> tuple[int, bool] | None:
    """Whole rupiah and whether a minus was typed, from `25000`, `25.000`, `Rp 25.000`;
    None when it is not a whole number of rupiah."""
    text = re.sub(r"^rp\.?", "", text.strip(), flags=re.IGNORECASE).strip().replace(" ", "")
    negative = text.startswith("-")
    digits = text.lstrip("-+")
    # "25.000" and "25,000" are thousands; a decimal part ("25.000,50") is not whole rupiah.
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    if not re.fullmatch(r"[0-9]{1,12}", digits):
        return None
    return int(digits), negative


def parse_price(raw: str | int | None) -> int:
    """Whole rupiah from what a person typed; raises BusinessError with the reason."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise BusinessError(_l("Harga wajib diisi."))
    typed = rupiah_typed(text)
    if typed is None:
        raise BusinessError(_l("Harga harus berupa angka rupiah bulat, misalnya 25000."))
    value, negative = typed
    if negative or value < PRICE_MIN:
        raise BusinessError(_l("Harga paling sedikit %(min)s.", min=rupiah(PRICE_MIN)))
    if value > PRICE_MAX:
        raise BusinessError(_l("Harga paling banyak %(max)s.", max=rupiah(PRICE_MAX)))
    return value


# ---------------------------------------------------------------------------------------
# Reading


def get_product(group: BusinessGroup, slug: str) -> Product | None:
    """The group's product, with its photos."""
    return db.session.scalar(
        select(Product).options(selectinload(Product.photos))
        .where(Product.business_group_id == group.id, Product.slug == slug))


def group_products(group: BusinessGroup, *, include_unpublished: bool = False,
                   include_hidden: bool = False,
                   limit: int = GROUP_PRODUCTS_SHOWN) -> list[Product]:
    """The group's products; unpublished ones for its managers (`include_unpublished`),
    hidden ones for its managers and moderators (`include_hidden`)."""
    query = (select(Product).options(selectinload(Product.photos))
             .where(Product.business_group_id == group.id)
             .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit))
    if not include_unpublished:
        query = query.where(Product.published.is_(True))
    if not (include_hidden or include_unpublished):
        query = query.where(Product.hidden_at.is_(None))
    return list(db.session.scalars(query))


def more_from_group(product: Product, limit: int = 4) -> list[Product]:
    return list(db.session.scalars(
        select(Product).options(selectinload(Product.photos))
        .where(Product.business_group_id == product.business_group_id,
               Product.published.is_(True), Product.hidden_at.is_(None),
               Product.id != product.id)
        .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    ))


# ---------------------------------------------------------------------------------------
# WhatsApp


def whatsapp_order_url(product: Product, page_url: str) -> str:
    """wa.me link to the group's number with a message naming the product and its page.

    The message is written in Indonesian whatever the buyer's page language: it is read
    by the seller.
    """
    with force_locale("id"):
        message = _("Halo %(group)s, saya ingin memesan %(product)s (%(price)s per %(unit)s). "
                    "%(url)s",
                    group=product.business_group.name, product=product.name,
                    price=rupiah(product.price), unit=product.unit, url=page_url)
    return f"https://wa.me/{product.business_group.whatsapp_digits}?text={quote(message, safe='')}"


def share_url(product: Product, page_url: str) -> str:
    text = f"{product.name} · {rupiah(product.price)} · {page_url}"
    return f"https://wa.me/?text={quote(text, safe='')}"


# ---------------------------------------------------------------------------------------
# Writing


def create_product(actor: User, group: BusinessGroup, *, name: str, description: str,
                   price: int, unit: str, availability: str, category: str, published: bool,
                   photos=(), submission_key: str | None = None) -> Product:
    files = product_photos.chosen(photos)
    if len(files) > current_app.config["PRODUCT_MAX_PHOTOS"]:
        raise BusinessError(_l("Paling banyak %(n)d foto per produk.",
                               n=current_app.config["PRODUCT_MAX_PHOTOS"]))
    product = Product(
        business_group=group, name=name.strip(), slug=product_slug_for(group, name),
        description=(description or "").strip(), price=price, unit=unit,
        availability=Availability(availability), category=ProductCategory(category),
        published=published, created_by_id=actor.id, submission_key=submission_key or None,
    )
    for position, photo in enumerate(product_photos.store(files, actor)):
        product.photos.append(ProductPhoto(photo=photo, position=position))
    add_with_slug(product, lambda: product_slug_for(group, name))
    record(actor, "product.create", "product", product.id, kim_group_id=group.kim_group_id,
           name=product.name)
    return product


def update_product(actor: User, product: Product, *, name: str, description: str, price: int,
                   unit: str, availability: str, category: str, published: bool) -> None:
    """Everything but the slug, which stays what the first name made it."""
    product.name = name.strip()
    product.description = (description or "").strip()
    product.price = price
    product.unit = unit
    product.availability = Availability(availability)
    product.category = ProductCategory(category)
    product.published = published


def set_availability(product: Product, availability: str) -> None:
    product.availability = Availability(availability)


def set_published(product: Product, published: bool) -> None:
    product.published = published


def delete_product(actor: User, product: Product) -> None:
    group = product.business_group
    record(actor, "product.delete", "product", product.id, kim_group_id=group.kim_group_id,
           name=product.name)
    stored = [item.photo for item in product.photos]
    # Its permits go with it; its clicks and sales stay in the group's history, no longer
    # pointing at it (said here as well as by the foreign keys: SQLite does not enforce them).
    db.session.execute(delete(ProductPermit).where(ProductPermit.product_id == product.id))
    for table in (OrderClickDay, Sale):
        db.session.execute(update(table).where(table.product_id == product.id)
                           .values(product_id=None))
    db.session.delete(product)
    db.session.flush()
    for photo in stored:
        delete_photo(photo)
