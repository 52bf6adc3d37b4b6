"""Building blocks for the business tests: KIM memberships, groups, products, photos."""

import io
import random
import secrets

from PIL import Image, ImageChops, ImageDraw
from sqlalchemy import select

from kim_app.business.slugs import group_slug_for, product_slug_for
from kim_app.extensions import db

__all__ = ["count_queries", "db"]
from kim_app.models import (
    Availability,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Photo,
    Product,
    ProductCategory,
    ProductPhoto,
    Role,
)
from tests.conftest import count_queries, login, make_user


def kim(slug: str | None = None) -> KimGroup:
    query = select(KimGroup).order_by(KimGroup.id)
    if slug:
        query = query.where(KimGroup.slug == slug)
    return db.session.scalars(query).first()


def other_kim(than: KimGroup) -> KimGroup:
    return db.session.scalars(
        select(KimGroup).where(KimGroup.id != than.id).order_by(KimGroup.id)
    ).first()


def join_kim(user, group: KimGroup, role: MemberRole = MemberRole.ANGGOTA,
             status: MembershipStatus = MembershipStatus.ACTIVE) -> Membership:
    membership = Membership(user_id=user.id, group_id=group.id, role=role, status=status)
    db.session.add(membership)
    db.session.commit()
    return membership


def person(name: str, group: KimGroup | None = None,
           role: MemberRole = MemberRole.ANGGOTA, account_role: Role = Role.WARGA):
    user = make_user(account_role, name=name)
    if group is not None:
        join_kim(user, group, role)
    return user


def business_group(kim_group: KimGroup, name: str = "Keripik Tempe Sumber Rejeki",
                   creator=None, whatsapp: str = "+6281234567890",
                   sector: str = "makanan") -> BusinessGroup:
    group = BusinessGroup(kim_group_id=kim_group.id, name=name,
                          slug=group_slug_for(name), sector=ProductCategory(sector),
                          description="Usaha ibu-ibu KIM.", whatsapp=whatsapp,
                          created_by_id=getattr(creator, "id", None))
    db.session.add(group)
    db.session.commit()
    return group


def appoint(user, group: BusinessGroup, role: BusinessRole = BusinessRole.PENGELOLA,
            status: BusinessMemberStatus = BusinessMemberStatus.ACTIVE) -> BusinessMember:
    member = BusinessMember(business_group_id=group.id, user_id=user.id, role=role, status=status)
    db.session.add(member)
    db.session.commit()
    return member


def manager_of(group: BusinessGroup, name: str = "Bu Pengelola"):
    user = person(name, db.session.get(KimGroup, group.kim_group_id))
    appoint(user, group)
    return user


def fake_photo() -> Photo:
    """A photo row without files: enough for pages that only link to renditions."""
    photo = Photo(token=secrets.token_hex(8), width=1600, height=1200, widths=[320, 640, 1024])
    db.session.add(photo)
    return photo


def product(group: BusinessGroup, name: str = "Keripik Tempe Original", price: int = 25000,
            *, published: bool = True, photos: int = 0, category: str = "makanan",
            availability: str = "tersedia", description: str = "Renyah dan gurih.",
            unit: str = "pack", commit: bool = True) -> Product:
    item = Product(business_group_id=group.id, name=name,
                   slug=product_slug_for(group, name), description=description,
                   price=price, unit=unit, availability=Availability(availability),
                   category=ProductCategory(category), published=published)
    db.session.add(item)
    for position in range(photos):
        item.photos.append(ProductPhoto(photo=fake_photo(), position=position))
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return item


def image_bytes(fmt: str = "JPEG", size=(1200, 900), color=(200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def phone_photo(size=(4000, 3000), seed: int = 1) -> bytes:
    """Like a phone camera's JPEG (megabytes at 4000x3000): light falling across the frame,
    texture at several scales, hard edges, sensor grain; saved at quality 90."""
    rng = random.Random(seed)
    width, height = size
    light = Image.linear_gradient("L").resize(size).rotate(30)
    channels = []
    for _ in range(3):
        coarse = Image.effect_noise((max(width // 50, 2), max(height // 50, 2)), 60)
        middle = Image.effect_noise((max(width // 12, 2), max(height // 12, 2)), 50)
        texture = ImageChops.blend(coarse.resize(size, Image.Resampling.BICUBIC),
                                   middle.resize(size, Image.Resampling.BICUBIC), 0.35)
        channels.append(ImageChops.add(texture, light, scale=2.0))
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = rng.randint(0, width), rng.randint(0, height)
        radius = rng.randint(height // 30, height // 6)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=colour,
                     width=rng.randint(max(width // 1000, 1), max(width // 130, 2)))
    grain = Image.effect_noise(size, 12).convert("RGB")
    image = ImageChops.add(image, grain, scale=1.0, offset=-128)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(data: bytes, name: str = "foto.jpg"):
    return (io.BytesIO(data), name)


def login_as(client, user):
    """Log out whoever is logged in on this client, then log in as `user`."""
    client.post("/auth/keluar")
    return login(client, user)
