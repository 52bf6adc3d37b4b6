"""Permits a product carries (legality): NIB, P-IRT, halal certificate, BPOM MD/ML.

At most one permit of each kind per product. `expires_on` is set for the kinds that expire
(P-IRT and BPOM always, a halal certificate when its certificate says so; an NIB does not
expire). The two `reminded_*_for` columns hold the expiry date a reminder was sent for, so
the daily reminder job sends each reminder once, and again only if the date changes
(`business.permits`).
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.base import value_enum as _enum
from kim_app.models.business import Product


class PermitKind(enum.StrEnum):
    NIB = "nib"
    PIRT = "pirt"
    HALAL = "halal"
    BPOM = "bpom"


class ProductPermit(db.Model):
    __tablename__ = "product_permit"
    __table_args__ = (
        UniqueConstraint("product_id", "kind", name="uq_product_permit_kind"),
        Index("ix_product_permit_kind_expires", "kind", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    kind: Mapped[PermitKind] = mapped_column(_enum(PermitKind))
    number: Mapped[str] = mapped_column(String(40))
    expires_on: Mapped[date | None] = mapped_column(Date)
    reminded_soon_for: Mapped[date | None] = mapped_column(Date)
    reminded_expired_for: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    product: Mapped[Product] = relationship()
