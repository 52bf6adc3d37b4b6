"""Business groups and their products: the rules, without HTTP.

- A business group belongs to one KIM; its pengurus (or an admin) create it and appoint
  managers from the KIM's active members. Members of the KIM may ask to join; managers (and
  the KIM's pengurus) decide. Who may do what is `common.permissions.business_authority`.
- Slugs are made once from the name and never change (shared links keep working); a group
  slug is unique everywhere, a product slug within its group.
- Prices are whole rupiah between `PRICE_MIN` and `PRICE_MAX`; people type them the way
  they write them (`25000`, `25.000`, `Rp 25.000`).
- A product has at most `PRODUCT_MAX_PHOTOS` photos, in order; the first is the cover.
  Deleting a product or a photo deletes the files once the transaction commits.
- Lists are bounded and load what they show in a fixed number of queries.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from kim_app.common import search
from kim_app.common.audit import record
from kim_app.common.notify import notify
from kim_app.common.params import to_int
from kim_app.common.unique import add_with_slug
from kim_app.common.uploads import delete_photo, store_photo
from kim_app.extensions import db
from kim_app.models import (
    Availability,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    KimGroup,
    KimStatus,
    MembershipStatus,
    Product,
    ProductCategory,
    ProductPhoto,
    User,
    Village,
    utcnow,
)
from kim_app.models import Membership as KimMembership
from kim_app.templating import rupiah

PRICE_MIN = 100
PRICE_MAX = 100_000_000
UNITS = ("pcs", "kg", "gram", "ons", "liter", "botol", "bungkus", "pack", "kotak", "toples",
         "lembar", "meter", "potong", "porsi", "ikat", "pasang", "set", "jam", "paket")
# Second path segments under /usaha/<group>/ that are pages, not products.
RESERVED_PRODUCT_SLUGS = {"kelola", "ubah", "gabung", "pengelola", "permintaan", "produk",
                          "anggota", "hapus", "foto"}
RESERVED_GROUP_SLUGS = {"baru", "static", "media"}
GROUP_PRODUCTS_SHOWN = 48
PHOTO_MOVES = ("sampul", "naik", "turun")
MANAGE_PRODUCTS_SHOWN = 200


class BusinessError(ValueError):
    """A refused change, with a translated message for the person who tried it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------------------------------
# Labels


def category_label(category: ProductCategory | str) -> str:
    labels = {
        ProductCategory.MAKANAN: _("Makanan"),
        ProductCategory.MINUMAN: _("Minuman"),
        ProductCategory.BATIK: _("Batik dan pakaian"),
        ProductCategory.KERAJINAN: _("Kerajinan"),
        ProductCategory.PERTANIAN: _("Hasil pertanian"),
        ProductCategory.PETERNAKAN: _("Peternakan"),
        ProductCategory.PERIKANAN: _("Perikanan"),
        ProductCategory.JASA: _("Jasa"),
        ProductCategory.LAINNYA: _("Lainnya"),
    }
    return labels.get(ProductCategory(category), str(category))


def availability_label(availability: Availability | str) -> str:
    labels = {
        Availability.TERSEDIA: _("Tersedia"),
        Availability.HABIS: _("Habis"),
        Availability.PRE_ORDER: _("Pre-order"),
    }
    return labels.get(Availability(availability), str(availability))


def category_choices() -> list[tuple[str, str]]:
    return [(c.value, category_label(c)) for c in ProductCategory]


def availability_choices() -> list[tuple[str, str]]:
    return [(a.value, availability_label(a)) for a in Availability]


# ---------------------------------------------------------------------------------------
# Slugs and prices


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


def parse_price(raw: str | int | None) -> int:
    """Whole rupiah from what a person typed; raises BusinessError with the reason."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise BusinessError(_l("Harga wajib diisi."))
    text = re.sub(r"^rp\.?", "", text, flags=re.IGNORECASE).strip().replace(" ", "")
    negative = text.startswith("-")
    digits = text.lstrip("-+")
    # "25.000" and "25,000" are thousands; a decimal part ("25.000,50") is not whole rupiah.
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)
    if not digits.isdigit() or len(digits) > 12:
        raise BusinessError(_l("Harga harus berupa angka rupiah bulat, misalnya 25000."))
    value = int(digits)
    if negative or value < PRICE_MIN:
        raise BusinessError(_l("Harga paling sedikit %(min)s.", min=rupiah(PRICE_MIN)))
    if value > PRICE_MAX:
        raise BusinessError(_l("Harga paling banyak %(max)s.", max=rupiah(PRICE_MAX)))
    return value


# ---------------------------------------------------------------------------------------
# Reading


def get_group(slug: str) -> BusinessGroup | None:
    """A group by slug; groups of an inactive KIM are hidden like the KIM itself."""
    return db.session.scalar(
        select(BusinessGroup).join(BusinessGroup.kim_group)
        .options(contains_eager(BusinessGroup.kim_group))
        .where(BusinessGroup.slug == slug, KimGroup.status == KimStatus.AKTIF)
    )


def get_product(group: BusinessGroup, slug: str) -> Product | None:
    return db.session.scalar(
        select(Product).options(selectinload(Product.photos))
        .where(Product.business_group_id == group.id, Product.slug == slug)
    )


def groups_for_kim(kim_group: KimGroup) -> list[tuple[BusinessGroup, int]]:
    """The KIM's business groups with their number of published products, one query."""
    published = (
        select(Product.business_group_id, func.count(Product.id).label("n"))
        .where(Product.published.is_(True)).group_by(Product.business_group_id).subquery()
    )
    rows = db.session.execute(
        select(BusinessGroup, func.coalesce(published.c.n, 0))
        .outerjoin(published, published.c.business_group_id == BusinessGroup.id)
        .where(BusinessGroup.kim_group_id == kim_group.id)
        .order_by(BusinessGroup.name)
    )
    return [(group, count) for group, count in rows]


def _listed():
    """Published products of groups whose KIM is active, with what a card shows."""
    return (
        select(Product)
        .join(Product.business_group)
        .join(BusinessGroup.kim_group)
        .join(KimGroup.village)
        .where(Product.published.is_(True), KimGroup.status == KimStatus.AKTIF)
    )


def _with_card_data(query):
    return query.options(
        contains_eager(Product.business_group).contains_eager(BusinessGroup.kim_group)
        .contains_eager(KimGroup.village),
        selectinload(Product.photos),
    )


def newest_products(limit: int = 6) -> list[Product]:
    query = _with_card_data(_listed()).order_by(Product.created_at.desc(), Product.id.desc())
    return list(db.session.scalars(query.limit(limit)).unique())


def group_products(group: BusinessGroup, *, include_unpublished: bool = False,
                   limit: int = GROUP_PRODUCTS_SHOWN) -> list[Product]:
    query = (select(Product).options(selectinload(Product.photos))
             .where(Product.business_group_id == group.id)
             .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit))
    if not include_unpublished:
        query = query.where(Product.published.is_(True))
    return list(db.session.scalars(query))


def more_from_group(product: Product, limit: int = 4) -> list[Product]:
    return list(db.session.scalars(
        select(Product).options(selectinload(Product.photos))
        .where(Product.business_group_id == product.business_group_id,
               Product.published.is_(True), Product.id != product.id)
        .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    ))


SORTS = ("terbaru", "termurah", "termahal")


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
            sort=sort if sort in SORTS else "terbaru",
            page=page(),
        )

    def args(self, **changes) -> dict:
        """URL arguments for this view (with changes), leaving out the defaults."""
        values = {
            "q": self.q, "kategori": self.category, "kecamatan": self.district,
            "ketersediaan": self.availability, "harga_min": self.price_min or "",
            "harga_max": self.price_max or "", "kelompok": self.group,
            "urut": "" if self.sort == "terbaru" else self.sort,
            "halaman": "" if self.page == 1 else self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.category or self.district or self.availability
                    or self.price_min or self.price_max or self.group)


@dataclass
class CatalogPage:
    products: list[Product]
    total: int
    page: int
    pages: int


def catalog(query: CatalogQuery) -> CatalogPage:
    """One page of the catalog: two queries for the rows and the count, one for photos."""
    base = _listed()
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
    total = db.session.scalar(select(func.count()).select_from(
        base.with_only_columns(Product.id).subquery()))
    size = current_app.config["CATALOG_PAGE_SIZE"]
    pages = max(1, min(-(-total // size), current_app.config["CATALOG_MAX_PAGES"]))
    page = min(query.page, pages)
    order = {
        "terbaru": (Product.created_at.desc(), Product.id.desc()),
        "termurah": (Product.price.asc(), Product.id.asc()),
        "termahal": (Product.price.desc(), Product.id.desc()),
    }[query.sort]
    rows = db.session.scalars(
        _with_card_data(base).order_by(*order).limit(size).offset((page - 1) * size)
    ).unique()
    return CatalogPage(products=list(rows), total=total, page=page, pages=pages)


def districts_with_products() -> list[tuple[str, str]]:
    """Kecamatan that have a KIM with a business group, for the catalog filter."""
    from kim_app.models import District

    return [tuple(row) for row in db.session.execute(
        select(District.code, District.name).distinct()
        .join(Village, Village.district_code == District.code)
        .join(KimGroup, KimGroup.village_code == Village.code)
        .join(BusinessGroup, BusinessGroup.kim_group_id == KimGroup.id)
        .where(KimGroup.status == KimStatus.AKTIF)
        .order_by(District.name)
    )]


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
# Groups, managers and members


def _active_kim_member(user_id: int, kim_group: KimGroup) -> bool:
    return db.session.scalar(
        select(KimMembership.id).where(
            KimMembership.user_id == user_id, KimMembership.group_id == kim_group.id,
            KimMembership.status == MembershipStatus.ACTIVE,
        )
    ) is not None


def _store_photos(files, actor) -> list:
    widths = current_app.config["PRODUCT_PHOTO_WIDTHS"]
    return [store_photo(file, actor, widths=widths) for file in files]


def create_group(actor: User, kim_group: KimGroup, *, name: str, sector: str, description: str,
                 whatsapp: str, logo=None) -> BusinessGroup:
    group = BusinessGroup(
        kim_group=kim_group, name=name.strip(), slug=group_slug_for(name),
        sector=ProductCategory(sector), description=(description or "").strip(),
        whatsapp=whatsapp, created_by_id=actor.id,
    )
    if logo:
        group.logo = store_photo(logo, actor)
    add_with_slug(group, lambda: group_slug_for(name))
    record(actor, "business.create", "business_group", group.id, kim_group_id=kim_group.id,
           name=group.name)
    return group


def update_group(actor: User, group: BusinessGroup, *, name: str, sector: str,
                 description: str, whatsapp: str, logo=None, remove_logo: bool = False) -> None:
    group.name = name.strip()
    group.sector = ProductCategory(sector)
    group.description = (description or "").strip()
    group.whatsapp = whatsapp
    old_logo = group.logo
    if logo:
        group.logo = store_photo(logo, actor)
    elif remove_logo:
        group.logo = None
    if old_logo is not None and group.logo is not old_logo:
        db.session.flush()
        delete_photo(old_logo)
    record(actor, "business.update", "business_group", group.id,
           kim_group_id=group.kim_group_id)


def members(group: BusinessGroup) -> list[BusinessMember]:
    """Open memberships (managers first, then members, then requests), with their users."""
    return list(db.session.scalars(
        select(BusinessMember).options(selectinload(BusinessMember.user))
        .where(BusinessMember.business_group_id == group.id,
               BusinessMember.status.in_((BusinessMemberStatus.PENDING,
                                          BusinessMemberStatus.ACTIVE)))
        .order_by(BusinessMember.status, BusinessMember.role.desc(), BusinessMember.requested_at)
    ))


def appointable(group: BusinessGroup) -> list[User]:
    """Active members of the KIM who are not managers of this group yet."""
    managers = select(BusinessMember.user_id).where(
        BusinessMember.business_group_id == group.id,
        BusinessMember.status == BusinessMemberStatus.ACTIVE,
        BusinessMember.role == BusinessRole.PENGELOLA,
    )
    return list(db.session.scalars(
        select(User).join(KimMembership, KimMembership.user_id == User.id)
        .where(KimMembership.group_id == group.kim_group_id,
               KimMembership.status == MembershipStatus.ACTIVE,
               User.active.is_(True), User.id.not_in(managers))
        .order_by(User.name)
    ))


def _open_member(user_id: int, group: BusinessGroup) -> BusinessMember | None:
    return db.session.scalar(select(BusinessMember).where(
        BusinessMember.user_id == user_id, BusinessMember.business_group_id == group.id,
        BusinessMember.status.in_((BusinessMemberStatus.PENDING, BusinessMemberStatus.ACTIVE)),
    ))


def _link(group: BusinessGroup) -> str:
    return f"/usaha/{group.slug}"


def appoint_manager(actor: User, group: BusinessGroup, user_id: int) -> BusinessMember:
    user = db.session.get(User, user_id)
    if user is None or not user.active or not _active_kim_member(user_id, group.kim_group):
        raise BusinessError(_l("Pengelola harus anggota aktif %(kim)s.",
                               kim=group.kim_group.name))
    member = _open_member(user_id, group)
    if member is None:
        member = BusinessMember(business_group=group, user=user)
        db.session.add(member)
    elif member.is_manager:
        raise BusinessError(_l("%(name)s sudah menjadi pengelola.", name=user.name))
    member.role = BusinessRole.PENGELOLA
    member.status = BusinessMemberStatus.ACTIVE
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    db.session.flush()
    record(actor, "business.appoint_manager", "business_member", member.id,
           kim_group_id=group.kim_group_id, user_id=user.id)
    notify(user, "business.manager",
           _l("Anda ditunjuk sebagai pengelola %(group)s.", group=group.name), link=_link(group))
    return member


def dismiss_manager(actor: User, group: BusinessGroup, member: BusinessMember) -> None:
    """The person stays a member of the group, without the manager's rights."""
    if not member.is_manager:
        raise BusinessError(_l("Orang ini bukan pengelola."))
    member.role = BusinessRole.ANGGOTA
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    record(actor, "business.dismiss_manager", "business_member", member.id,
           kim_group_id=group.kim_group_id, user_id=member.user_id)
    notify(member.user, "business.manager",
           _l("Anda tidak lagi menjadi pengelola %(group)s.", group=group.name),
           link=_link(group))


def request_join(user: User, group: BusinessGroup, message: str = "") -> BusinessMember:
    if not _active_kim_member(user.id, group.kim_group):
        raise BusinessError(_l("Hanya anggota aktif %(kim)s yang dapat bergabung.",
                               kim=group.kim_group.name))
    if _open_member(user.id, group) is not None:
        raise BusinessError(_l("Anda sudah anggota atau sudah meminta bergabung."))
    member = BusinessMember(business_group=group, user=user, message=(message or "").strip())
    db.session.add(member)
    db.session.flush()
    managers = [m.user for m in members(group) if m.is_manager]
    notify(managers, "business.join_request",
           _l("%(name)s ingin bergabung dengan %(group)s.", name=user.name, group=group.name),
           link=f"{_link(group)}/kelola")
    return member


def decide(actor: User, group: BusinessGroup, member: BusinessMember, accept: bool) -> None:
    if member.status != BusinessMemberStatus.PENDING:
        raise BusinessError(_l("Permintaan ini sudah diputuskan."))
    if accept and not _active_kim_member(member.user_id, group.kim_group):
        raise BusinessError(_l("%(name)s bukan lagi anggota aktif %(kim)s.",
                               name=member.user.name, kim=group.kim_group.name))
    member.status = BusinessMemberStatus.ACTIVE if accept else BusinessMemberStatus.REJECTED
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    record(actor, "business.approve" if accept else "business.reject", "business_member",
           member.id, kim_group_id=group.kim_group_id, user_id=member.user_id)
    text = (_l("Permintaan Anda bergabung dengan %(group)s diterima.", group=group.name)
            if accept else
            _l("Permintaan Anda bergabung dengan %(group)s ditolak.", group=group.name))
    notify(member.user, "business.join_decision", text, link=_link(group))


def remove_member(actor: User, group: BusinessGroup, member: BusinessMember) -> None:
    if member.status != BusinessMemberStatus.ACTIVE:
        raise BusinessError(_l("Orang ini bukan anggota kelompok usaha."))
    member.status = BusinessMemberStatus.REMOVED
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    record(actor, "business.remove_member", "business_member", member.id,
           kim_group_id=group.kim_group_id, user_id=member.user_id)


# ---------------------------------------------------------------------------------------
# Products and photos


def find_submission(key: str | None) -> Product | None:
    if not key:
        return None
    return db.session.scalar(select(Product).where(Product.submission_key == key))


def create_product(actor: User, group: BusinessGroup, *, name: str, description: str,
                   price: int, unit: str, availability: str, category: str, published: bool,
                   photos=(), submission_key: str | None = None) -> Product:
    files = [f for f in photos if f and f.filename]
    if len(files) > current_app.config["PRODUCT_MAX_PHOTOS"]:
        raise BusinessError(_l("Paling banyak %(n)d foto per produk.",
                               n=current_app.config["PRODUCT_MAX_PHOTOS"]))
    product = Product(
        business_group=group, name=name.strip(), slug=product_slug_for(group, name),
        description=(description or "").strip(), price=price, unit=unit,
        availability=Availability(availability), category=ProductCategory(category),
        published=published, created_by_id=actor.id, submission_key=submission_key or None,
    )
    for position, photo in enumerate(_store_photos(files, actor)):
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
    photos = [item.photo for item in product.photos]
    db.session.delete(product)
    db.session.flush()
    for photo in photos:
        delete_photo(photo)


def add_photos(actor: User, product: Product, files) -> int:
    files = [f for f in files if f and f.filename]
    if not files:
        raise BusinessError(_l("Pilih foto yang akan diunggah."))
    room = current_app.config["PRODUCT_MAX_PHOTOS"] - len(product.photos)
    if len(files) > room:
        raise BusinessError(_l("Produk ini hanya bisa menambah %(n)d foto lagi (maksimal "
                               "%(max)d).", n=max(room, 0),
                               max=current_app.config["PRODUCT_MAX_PHOTOS"]))
    start = max((item.position for item in product.photos), default=-1) + 1
    for offset, photo in enumerate(_store_photos(files, actor)):
        product.photos.append(ProductPhoto(photo=photo, position=start + offset))
    return len(files)


def photo_of(product: Product, item_id: int) -> ProductPhoto | None:
    return next((item for item in product.photos if item.id == item_id), None)


def _renumber(items: list[ProductPhoto]) -> None:
    for position, item in enumerate(items):
        item.position = position


def remove_photo(product: Product, item: ProductPhoto) -> None:
    items = [other for other in product.photos if other is not item]
    product.photos.remove(item)
    db.session.flush()
    delete_photo(item.photo)
    _renumber(items)


def move_photo(product: Product, item: ProductPhoto, where: str) -> None:
    """`where`: "sampul" (make it the cover), "naik" or "turun" (one place)."""
    items = list(product.photos)
    index = items.index(item)
    items.pop(index)
    if where == "sampul":
        items.insert(0, item)
    elif where == "naik":
        items.insert(max(index - 1, 0), item)
    else:
        items.insert(min(index + 1, len(items)), item)
    _renumber(items)
    product.photos.sort(key=lambda other: other.position)


