"""The public catalog of KIM products (`/usaha/`) and the home page's newest products.

Only published products of groups whose KIM is active are listed. A page loads its rows,
its count and its photos in a fixed number of queries; filters read from a URL leniently
(anything unknown is ignored).

The catalog pages by keyset: every sort orders by one column and the id (`SORTS`), and
"Muat lebih banyak" asks for the products after the last card, `(value, id)` compared as a
row on that sort's index (`ix_product_published_created_id`, `…_price_id`), so the
hundredth page reads as few rows as the first. The cursor is written in the link
(`setelah=<value>_<id>`: the price, or the creation time in microseconds since 1970), so
it survives the product being edited or deleted. The count stops at
`CATALOG_COUNTED_PAGES` pages' worth ("Lebih dari 1.200 produk"): it costs the same at
any catalog size.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, func, literal, select, tuple_
from sqlalchemy.orm import contains_eager, selectinload

from kim_app.business import permits
from kim_app.business.errors import BusinessError
from kim_app.business.products import parse_price
from kim_app.business.slugs import slugify
from kim_app.common import search
from kim_app.common.params import MAX_ID
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


class CursorError(ValueError):
    """A `setelah` that no catalog link writes (edited by hand, cut off, or for another
    sort)."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_LATEST = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
_CURSOR = re.compile(r"([0-9]{1,18})_([0-9]{1,10})")


@dataclass(frozen=True)
class Sort:
    """One order of the catalog: by `column`, ties broken by the id in the same direction."""

    column: object
    descending: bool
    by_time: bool = False

    def order(self) -> tuple:
        if self.descending:
            return self.column.desc(), Product.id.desc()
        return self.column.asc(), Product.id.asc()

    def after(self, position: tuple) -> object:
        """SQL: the products after `position` (value, id) in this order."""
        value, product_id = position
        row = tuple_(self.column, Product.id)
        anchor = tuple_(literal(value, self.column.type), literal(product_id, Integer()))
        return row < anchor if self.descending else row > anchor

    def cursor(self, value, product_id: int) -> str:
        if self.by_time:
            if value.tzinfo is None:  # SQLite gives the stored UTC time without its zone
                value = value.replace(tzinfo=UTC)
            value = (value - _EPOCH) // _MICROSECOND
        return f"{value}_{product_id}"

    def position(self, cursor: str) -> tuple:
        """(value, id) from a cursor this sort wrote; `CursorError` for anything else."""
        match = _CURSOR.fullmatch(cursor)
        if match is None:
            raise CursorError(cursor)
        value, product_id = int(match.group(1)), int(match.group(2))
        if product_id > MAX_ID or value > (_LATEST if self.by_time else MAX_ID):
            raise CursorError(cursor)
        return (_EPOCH + value * _MICROSECOND if self.by_time else value), product_id


SORTS = {
    "terbaru": Sort(Product.created_at, descending=True, by_time=True),
    "termurah": Sort(Product.price, descending=False),
    "termahal": Sort(Product.price, descending=True),
}


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

    @classmethod
    def from_args(cls, args) -> "CatalogQuery":
        def price(name):
            try:
                return parse_price(args.get(name))
            except BusinessError:
                return None

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
        )

    def args(self, **changes) -> dict:
        """URL arguments for this view (with changes, e.g. `setelah`), leaving out the
        defaults."""
        values = {
            "q": self.q, "kategori": self.category, "kecamatan": self.district,
            "ketersediaan": self.availability, "harga_min": self.price_min or "",
            "harga_max": self.price_max or "", "kelompok": self.group,
            "halal": "1" if self.halal else "", "izin": "1" if self.food_safety else "",
            "urut": "" if self.sort == "terbaru" else self.sort,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.category or self.district or self.availability
                    or self.price_min or self.price_max or self.group or self.halal
                    or self.food_safety)


@dataclass
class CatalogPage:
    products: list[Product]
    next_cursor: str | None  # where "Muat lebih banyak" goes on; None: the last products
    continued: bool = False  # these come after a cursor, not from the start
    total: int | None = None  # counted no further than `CATALOG_COUNTED_PAGES`, see `more`
    more: bool = False  # more products match than were counted


def _matching(query: CatalogQuery, user):
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
    return base


def read_cursor(query: CatalogQuery, cursor: str | None) -> tuple | None:
    """The position a `setelah` names in this query's sort (None without one); `CursorError`
    when it is not one the catalog writes."""
    if not cursor:
        return None
    return SORTS[query.sort].position(cursor)


def catalog_page(query: CatalogQuery, user=None, after: tuple | None = None,
                 counted: bool = True) -> CatalogPage:
    """The products of one page, from the start or `after` a position (`read_cursor`):
    one query for the rows, one for their photos, and (when `counted`) one for the count."""
    base = _matching(query, user)
    sort = SORTS[query.sort]
    size = current_app.config["CATALOG_PAGE_SIZE"]
    page = CatalogPage(products=[], next_cursor=None, continued=after is not None)
    if counted:
        shown = size * current_app.config["CATALOG_COUNTED_PAGES"]
        # Counted only so far: the count costs the same at any catalog size.
        total = db.session.scalar(select(func.count()).select_from(
            base.with_only_columns(Product.id).limit(shown + 1).subquery()))
        page.more, page.total = total > shown, min(total, shown)
    rows = base if after is None else base.where(sort.after(after))
    found = list(db.session.scalars(
        _with_card_data(rows).order_by(*sort.order()).limit(size + 1)).unique())
    page.products = found[:size]
    if len(found) > size:
        last = page.products[-1]
        page.next_cursor = sort.cursor(getattr(last, sort.column.key), last.id)
    return page


def cursor_for_old_page(query: CatalogQuery, number: int, user=None) -> str | None:
    """Where an old `?halaman=N` link (from before the keyset) now starts: the cursor of
    the product just before that page, or None for page 1 and pages past the end. Old
    links reached at most `CATALOG_COUNTED_PAGES` pages, so this reads no further."""
    size = current_app.config["CATALOG_PAGE_SIZE"]
    number = min(number, current_app.config["CATALOG_COUNTED_PAGES"])
    if number <= 1:
        return None
    sort = SORTS[query.sort]
    rows = db.session.execute(
        _matching(query, user).with_only_columns(sort.column, Product.id)
        .order_by(*sort.order()).offset((number - 1) * size - 1).limit(2)
    ).all()
    return sort.cursor(*rows[0]) if len(rows) == 2 else None  # the page has a product


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
