"""The public catalog of KIM products (`/usaha/`) and the home page's newest products.

Only published products of groups whose KIM is active are listed. A page loads its rows,
its count and its photos in a fixed number of queries; filters read from a URL leniently
(anything unknown is ignored), and pages are capped (`CATALOG_MAX_PAGES`).
"""

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from kim_app.business import permits
from kim_app.business.errors import BusinessError
from kim_app.business.products import parse_price
from kim_app.business.slugs import slugify
from kim_app.common import search
from kim_app.common.params import to_int
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import (
    Availability,
    BusinessGroup,
    District,
    KimGroup,
    KimStatus,
    Product,
    ProductCategory,
    Village,
    utcnow,
)
from kim_app.moderation import visibility

SORTS = ("terbaru", "termurah", "termahal")


def _listed(user):
    """Published products of groups whose KIM is active, with what a card shows; hidden
    ones only for their managers and moderators (`moderation.visibility`)."""
    return (
        select(Product)
        .join(Product.business_group)
        .join(BusinessGroup.kim_group)
        .join(KimGroup.village)
        .where(visibility.product_clause(user))
    )


def _with_card_data(query):
    return query.options(
        contains_eager(Product.business_group).contains_eager(BusinessGroup.kim_group)
        .contains_eager(KimGroup.village),
        selectinload(Product.photos),
    )


def newest_products(limit: int, user=None) -> list[Product]:
    query = _with_card_data(_listed(user)).order_by(Product.created_at.desc(), Product.id.desc())
    return list(db.session.scalars(query.limit(limit)).unique())


@dataclass
class CatalogQuery:
    """The catalog's filters, read leniently from a URL: anything unknown is ignored."""

    q: str = ""
    category: str = ""
    district: str = ""
    availability: str = ""
    price_min: int | None = None
    price_max: int | None = None
    group: str = ""
    halal: bool = False  # has a halal certificate, not expired
    food_safety: bool = False  # has a P-IRT or BPOM permit, not expired
    sort: str = "terbaru"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "CatalogQuery":
        def price(name):
            try:
                return parse_price(args.get(name))
            except BusinessError:
                return None

        def page():
            number = to_int(args.get("halaman"), 1, minimum=1)
            return min(number, current_app.config["CATALOG_MAX_PAGES"])

        category = args.get("kategori", "")
        availability = args.get("ketersediaan", "")
        district = args.get("kecamatan", "")
        sort = args.get("urut", "terbaru")
        return cls(
            q=(args.get("q") or "").strip()[:100],
            category=category if category in ProductCategory._value2member_map_ else "",
            district=district if re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", district) else "",
            availability=(availability if availability in Availability._value2member_map_
                          else ""),
            price_min=price("harga_min"),
            price_max=price("harga_max"),
            group=slugify(args.get("kelompok", "")),
            halal=args.get("halal") == "1",
            food_safety=args.get("izin") == "1",
            sort=sort if sort in SORTS else "terbaru",
            page=page(),
        )

    def args(self, **changes) -> dict:
        """URL arguments for this view (with changes), leaving out the defaults."""
        values = {
            "q": self.q, "kategori": self.category, "kecamatan": self.district,
            "ketersediaan": self.availability, "harga_min": self.price_min or "",
            "harga_max": self.price_max or "", "kelompok": self.group,
            "halal": "1" if self.halal else "", "izin": "1" if self.food_safety else "",
            "urut": "" if self.sort == "terbaru" else self.sort,
            "halaman": "" if self.page == 1 else self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.category or self.district or self.availability
                    or self.price_min or self.price_max or self.group or self.halal
                    or self.food_safety)


@dataclass
class CatalogPage:
    products: list[Product]
    total: int  # counted no further than the pages shown, see `more`
    page: int
    pages: int
    more: bool = False  # more products match than the pages shown hold


def catalog_page(query: CatalogQuery, user=None) -> CatalogPage:
    """One page of the catalog: two queries for the rows and the count, one for photos."""
    base = _listed(user)
    if query.q:
        base = base.where(search.matches(Product, query.q))
    if query.category:
        base = base.where(Product.category == ProductCategory(query.category))
    if query.district:
        base = base.where(Village.district_code == query.district)
    if query.availability:
        base = base.where(Product.availability == Availability(query.availability))
    if query.price_min:
        base = base.where(Product.price >= query.price_min)
    if query.price_max:
        base = base.where(Product.price <= query.price_max)
    if query.group:
        base = base.where(BusinessGroup.slug == query.group)
    if query.halal or query.food_safety:
        today = local_date(utcnow())
        if query.halal:
            base = base.where(permits.valid_clause(permits.HALAL_KINDS, today))
        if query.food_safety:
            base = base.where(permits.valid_clause(permits.FOOD_SAFETY_KINDS, today))
    size = current_app.config["CATALOG_PAGE_SIZE"]
    shown = size * current_app.config["CATALOG_MAX_PAGES"]
    # Counted only as far as the pages go: the count costs the same at any catalog size.
    total = db.session.scalar(select(func.count()).select_from(
        base.with_only_columns(Product.id).limit(shown + 1).subquery()))
    more = total > shown
    total = min(total, shown)
    pages = max(1, -(-total // size))
    page = min(query.page, pages)
    order = {
        "terbaru": (Product.created_at.desc(), Product.id.desc()),
        "termurah": (Product.price.asc(), Product.id.asc()),
        "termahal": (Product.price.desc(), Product.id.desc()),
    }[query.sort]
    rows = db.session.scalars(
        _with_card_data(base).order_by(*order).limit(size).offset((page - 1) * size)
    ).unique()
    return CatalogPage(products=list(rows), total=total, page=page, pages=pages, more=more)


def districts_with_products() -> list[tuple[str, str]]:
    """Kecamatan that have a KIM with a business group, for the catalog filter."""
    return [tuple(row) for row in db.session.execute(
        select(District.code, District.name).distinct()
        .join(Village, Village.district_code == District.code)
        .join(KimGroup, KimGroup.village_code == Village.code)
        .join(BusinessGroup, BusinessGroup.kim_group_id == KimGroup.id)
        .where(KimGroup.status == KimStatus.AKTIF)
        .order_by(District.name)
    )]
