"""What business groups earn: order clicks counted per product and day, and the sales their
managers record.

`OrderClickDay` holds one number per product and day (Pati's calendar): how many browsers
pressed "Pesan via WhatsApp". Nothing about the buyer is stored, not an address, not an
account, not a browser token: a browser is recognised for the rest of the day by a signed
cookie that carries only the product and the date (`business.orders`).

A `Sale` is what a manager says the group sold: date, quantity, amount in whole rupiah, an
optional note, optionally the product. It may be corrected for `SALE_EDIT_DAYS` after it
was recorded (`business.sales`).
"""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.business import BusinessGroup, Product


class OrderClickDay(db.Model):
    __tablename__ = "order_click_day"
    __table_args__ = (
        UniqueConstraint("product_id", "day", name="uq_order_click_day_product_day"),
        Index("ix_order_click_day_group_day", "business_group_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_group_id: Mapped[int] = mapped_column(ForeignKey("business_group.id"))
    # A deleted product's clicks stay in its group's history.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    day: Mapped[date] = mapped_column(Date)
    clicks: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class Sale(db.Model):
    __tablename__ = "sale"
    __table_args__ = (Index("ix_sale_group_sold", "business_group_id", "sold_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_group_id: Mapped[int] = mapped_column(ForeignKey("business_group.id"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True)
    sold_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)  # whole rupiah, for the whole sale
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    business_group: Mapped[BusinessGroup] = relationship()
    product: Mapped[Product | None] = relationship()
