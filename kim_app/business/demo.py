"""Demo business groups with products and generated photos.

Three KIMs get a business group each, with a manager who can log in: Siti (081100000003,
ketua of KIM Gulangpongge) manages the crisps group, Budi (081100000004) the batik group
of KIM Tlogorejo, and Hadi (081100000107) the palm-sugar group of KIM Kajen. The photos are
drawn with Pillow (gradients and shapes, nothing downloaded) and go through the normal
upload path, so they are stored like any phone photo. Idempotent: groups are matched by
slug and products by slug within their group; people by phone number, and a KIM
membership is only added when the person has no open one.
"""

import io
import random
from datetime import timedelta

from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from kim_app import demo
from kim_app.auth import services as accounts
from kim_app.business.groups import create_group
from kim_app.business.products import create_product
from kim_app.business.slugs import slugify
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import (
    OPEN_STATUSES,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    OrderClickDay,
    PermitKind,
    Product,
    ProductPermit,
    Sale,
    User,
    utcnow,
)

# KIM slug, group name, sector, WhatsApp, manager (phone, name, village), description
GROUPS = [
    ("gulangpongge", "Keripik Tempe Gulangpongge", "makanan", "0812 2900 1101",
     ("081100000003", "Siti Warga Demo", "33.18.17.2003"),
     "Ibu-ibu KIM Gulangpongge membuat keripik dari tempe dan singkong hasil kebun "
     "sendiri. Digoreng setiap pagi, **tanpa pengawet**."),
    ("tlogorejo", "Batik Tulis Tlogorejo", "batik", "0812 2900 1102",
     ("081100000004", "Budi Warga Demo", "33.18.14.2003"),
     "Batik tulis dan cap motif khas Pati: *gandrung*, *kopi pecah*, dan *padi kapas*."),
    ("kajen", "Gula Aren dan Kopi Kajen", "pertanian", "0812 2900 1103",
     ("081100000107", "Hadi Ketua Kajen Demo", None),
     "Gula aren cetak dan kopi robusta dari kebun warga sekitar Kajen."),
]

# KIM slug, name, price, unit, availability, category, colour, photos, description
PRODUCTS = [
    ("gulangpongge", "Keripik Tempe Original", 15000, "pack", "tersedia", "makanan",
     (196, 150, 80), 2, "Tempe tipis, renyah, gurih. Isi 250 gram."),
    ("gulangpongge", "Keripik Tempe Pedas", 16000, "pack", "tersedia", "makanan",
     (200, 70, 40), 1, "Pedas cabai rawit asli. Isi 250 gram."),
    ("gulangpongge", "Keripik Singkong Balado", 12000, "pack", "habis", "makanan",
     (220, 120, 50), 1, "Singkong kebun sendiri dengan bumbu balado."),
    ("gulangpongge", "Rempeyek Kacang", 20000, "toples", "pre-order", "makanan",
     (230, 200, 120), 1, "Pesan H-2. Cocok untuk hantaran dan lebaran."),
    ("tlogorejo", "Kain Batik Tulis Motif Gandrung", 450000, "lembar", "tersedia", "batik",
     (60, 40, 110), 3, "Kain 2 x 1,15 m, pewarna alam, dikerjakan sekitar tiga minggu."),
    ("tlogorejo", "Kemeja Batik Cap Pria", 175000, "pcs", "tersedia", "batik",
     (30, 80, 120), 2, "Ukuran M, L, XL. Katun primisima."),
    ("tlogorejo", "Selendang Batik Kopi Pecah", 120000, "pcs", "pre-order", "batik",
     (110, 70, 40), 1, "Dibuat sesuai pesanan, dua minggu."),
    ("kajen", "Gula Aren Cetak", 30000, "kg", "tersedia", "pertanian",
     (120, 60, 20), 1, "Gula aren murni dari nira pohon aren warga."),
    ("kajen", "Kopi Robusta Bubuk", 45000, "pack", "tersedia", "minuman",
     (70, 45, 30), 2, "Sangrai sedang, giling halus. Isi 250 gram."),
]


def _ensure_kim_member(user: User, kim: KimGroup) -> None:
    exists = db.session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.group_id == kim.id,
        Membership.status.in_(OPEN_STATUSES)))
    if exists is None:
        db.session.add(Membership(user=user, group=kim, role=MemberRole.ANGGOTA,
                                  status=MembershipStatus.ACTIVE, decided_at=utcnow()))
        db.session.flush()


def _ensure_manager(user: User, group: BusinessGroup) -> None:
    member = db.session.scalar(select(BusinessMember).where(
        BusinessMember.user_id == user.id, BusinessMember.business_group_id == group.id,
        BusinessMember.status.in_((BusinessMemberStatus.PENDING, BusinessMemberStatus.ACTIVE))))
    if member is None:
        db.session.add(BusinessMember(business_group=group, user=user,
                                      role=BusinessRole.PENGELOLA,
                                      status=BusinessMemberStatus.ACTIVE, decided_at=utcnow()))


def photo_file(colour: tuple[int, int, int], seed: int, size=(1600, 1200)) -> FileStorage:
    """A photo-like JPEG: a lit gradient, a few soft shapes, some grain."""
    rng = random.Random(seed)  # noqa: S311  # nosec B311 - decoration, not security
    width, height = size
    light = Image.linear_gradient("L").resize(size).rotate(rng.choice((0, 90, 180, 270)))
    base = Image.new("RGB", size, colour)
    image = Image.composite(base, Image.new("RGB", size, tuple(c // 3 for c in colour)), light)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        radius = rng.randint(height // 10, height // 4)
        x, y = rng.randint(0, width), rng.randint(0, height)
        tint = tuple(min(255, c + rng.randint(20, 90)) for c in colour)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=tint)
    image = image.filter(ImageFilter.GaussianBlur(6))
    grain = Image.effect_noise(size, 18).convert("RGB")
    image = Image.blend(image, grain, 0.08)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=f"demo-{seed}.jpg", content_type="image/jpeg")


def load() -> str:
    kims = {kim.slug: kim for kim in db.session.scalars(select(KimGroup))}
    groups: dict[str, BusinessGroup] = {}
    new_groups = new_products = 0
    for kim_slug, name, sector, whatsapp, (phone, person, village), about in GROUPS:
        kim = kims.get(kim_slug)
        if kim is None:
            continue
        manager = demo.person(phone, person, village)
        _ensure_kim_member(manager, kim)
        group = db.session.scalar(select(BusinessGroup).where(
            BusinessGroup.slug == slugify(name)))
        if group is None:
            group = create_group(manager, kim, name=name, sector=sector, description=about,
                                 whatsapp=accounts.normalise_phone(whatsapp))
            new_groups += 1
        _ensure_manager(manager, group)
        groups[kim_slug] = group
    db.session.flush()
    for seed, (kim_slug, name, price, unit, availability, category, colour, photos,
               description) in enumerate(PRODUCTS):
        group = groups.get(kim_slug)
        if group is None or db.session.scalar(select(Product.id).where(
                Product.business_group_id == group.id,
                Product.slug == slugify(name))):
            continue
        manager = accounts.find_by_identifier(
            next(g[4][0] for g in GROUPS if g[0] == kim_slug))
        create_product(
            manager, group, name=name, description=description, price=price, unit=unit,
            availability=availability, category=category, published=True,
            photos=[photo_file(colour, seed * 10 + n) for n in range(photos)],
        )
        new_products += 1
    income = _demo_income(groups)
    if not new_groups and not new_products and not income:
        return "Usaha: demo business groups already present."
    return (f"Usaha: {new_groups} business groups and {new_products} products with "
            f"generated photos created; {income} sales with order clicks and permits.")


# Product slug → permits (kind, number, days until expiry or None).
PERMITS = {
    "keripik-tempe-original": [("halal", "ID33110000123450124", 900),
                               ("pirt", "206331801012327", 20)],
    "keripik-tempe-pedas": [("pirt", "206331801012328", -10)],
    "kain-batik-tulis-motif-gandrung": [("nib", "9120001234567", None)],
    "kopi-robusta-bubuk": [("bpom", "MD224510001234", 1400), ("halal", "ID33110000123450125",
                                                               None)],
}


def _demo_income(groups: dict[str, BusinessGroup]) -> int:
    """Six months of order clicks and recorded sales, and a few permits (one expiring
    soon, one expired), for groups that have no sales yet. Returns the sales added."""
    today = local_date(utcnow())
    rng = random.Random(17)  # noqa: S311  # nosec B311 - demo figures
    added = 0
    for group in groups.values():
        if db.session.scalar(select(Sale.id).where(Sale.business_group_id == group.id)):
            continue
        items = db.session.scalars(select(Product).where(
            Product.business_group_id == group.id).order_by(Product.id)).all()
        for product in items:
            for kind, number, days in PERMITS.get(product.slug, []):
                db.session.add(ProductPermit(
                    product_id=product.id, kind=PermitKind(kind), number=number,
                    expires_on=None if days is None else today + timedelta(days=days)))
            for back in range(0, 180, 3):
                db.session.add(OrderClickDay(business_group_id=group.id,
                                             product_id=product.id,
                                             day=today - timedelta(days=back),
                                             clicks=rng.randint(0, 4)))
        for back in range(0, 180, 9):
            product = rng.choice(items) if items else None
            quantity = rng.randint(1, 6)
            db.session.add(Sale(business_group_id=group.id,
                                product_id=product.id if product else None,
                                sold_on=today - timedelta(days=back), quantity=quantity,
                                amount=quantity * (product.price if product else 20000),
                                note="Contoh penjualan (demo)"))
            added += 1
    db.session.flush()
    return added
