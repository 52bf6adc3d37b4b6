"""Business groups (kelompok usaha) of a KIM and the products they sell.

A BusinessGroup belongs to one KIM. Its people are BusinessMembers: managers (pengelola,
appointed by the KIM's pengurus) and members (who asked to join and were accepted by a
manager). As with KIM memberships, at most one *open* record (pending or active) exists per
person and group; closed ones stay as history.

A Product belongs to one group; its slug is unique within the group and never changes, so
a shared link keeps working after a rename. Prices are whole rupiah. Photos are ordered;
the first is the cover.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.base import value_enum as _enum
from kim_app.models.kim import KimGroup
from kim_app.models.media import Photo
from kim_app.models.users import User


class Availability(enum.StrEnum):
    TERSEDIA = "tersedia"
    HABIS = "habis"
    PRE_ORDER = "pre-order"


class ProductCategory(enum.StrEnum):
    MAKANAN = "makanan"
    MINUMAN = "minuman"
    BATIK = "batik"
    KERAJINAN = "kerajinan"
    PERTANIAN = "pertanian"
    PETERNAKAN = "peternakan"
    PERIKANAN = "perikanan"
    JASA = "jasa"
    LAINNYA = "lainnya"


class BusinessRole(enum.StrEnum):
    PENGELOLA = "pengelola"
    ANGGOTA = "anggota"


class BusinessMemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    REMOVED = "removed"


class BusinessGroup(db.Model):
    __tablename__ = "business_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_group_id: Mapped[int] = mapped_column(ForeignKey("kim_group.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    sector: Mapped[ProductCategory] = mapped_column(_enum(ProductCategory))
    description: Mapped[str] = mapped_column(Text, default="")
    # E.164 (`+62…`), like account phone numbers; buyers order through it on WhatsApp.
    whatsapp: Mapped[str] = mapped_column(String(20))
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set while hidden by a moderator or by reports (`kim_app.moderation`).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    kim_group: Mapped[KimGroup] = relationship(lazy="joined")
    logo: Mapped[Photo | None] = relationship(lazy="joined")

    @property
    def whatsapp_digits(self) -> str:
        """The number as wa.me wants it: digits only, country code first."""
        return "".join(ch for ch in self.whatsapp if ch.isdigit())

    def __repr__(self) -> str:
        return f"<BusinessGroup {self.slug}>"


class BusinessMember(db.Model):
    __tablename__ = "business_member"
    __table_args__ = (
        Index(
            "uq_business_member_open",
            "user_id",
            "business_group_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'active')"),
            postgresql_where=text("status IN ('pending', 'active')"),
        ),
        Index("ix_business_member_group_status", "business_group_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_group_id: Mapped[int] = mapped_column(ForeignKey("business_group.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[BusinessRole] = mapped_column(_enum(BusinessRole), default=BusinessRole.ANGGOTA)
    status: Mapped[BusinessMemberStatus] = mapped_column(
        _enum(BusinessMemberStatus), default=BusinessMemberStatus.PENDING
    )
    message: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    business_group: Mapped[BusinessGroup] = relationship()

    @property
    def is_manager(self) -> bool:
        return self.status == BusinessMemberStatus.ACTIVE and self.role == BusinessRole.PENGELOLA


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("business_group_id", "slug", name="uq_product_group_slug"),
        # The catalog's sorts, each with the id as its tie-break: a keyset page is one
        # index range (`(created_at, id) < (:a, :b)`, `(price, id) > (:p, :i)`).
        Index("ix_product_published_created_id", "published", "created_at", "id"),
        Index("ix_product_published_price_id", "published", "price", "id"),
        Index("ix_product_group_created", "business_group_id", "created_at"),
        # The statistics count the published products per business group (and month
        # listed) from this index alone, never reading the products' rows.
        Index("ix_product_published_group", "business_group_id", "created_at",
              postgresql_include=["hidden_at"], postgresql_where=text("published IS TRUE"),
              sqlite_where=text("published IS 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_group_id: Mapped[int] = mapped_column(ForeignKey("business_group.id"))
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20))
    availability: Mapped[Availability] = mapped_column(
        _enum(Availability), default=Availability.TERSEDIA
    )
    category: Mapped[ProductCategory] = mapped_column(_enum(ProductCategory), index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    # A random key sent with the create form: a second submit of the same form finds the
    # product the first one created instead of creating a twin.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set while hidden by a moderator or by reports (`kim_app.moderation`).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    business_group: Mapped[BusinessGroup] = relationship()
    photos: Mapped[list["ProductPhoto"]] = relationship(
        order_by="ProductPhoto.position, ProductPhoto.id", cascade="all, delete-orphan",
        back_populates="product",
    )

    @property
    def cover(self) -> Photo | None:
        return self.photos[0].photo if self.photos else None

    def __repr__(self) -> str:
        return f"<Product {self.business_group_id}/{self.slug}>"


class ProductPhoto(db.Model):
    __tablename__ = "product_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id"))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    product: Mapped[Product] = relationship(back_populates="photos")
    photo: Mapped[Photo] = relationship(lazy="joined")

