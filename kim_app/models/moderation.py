"""Reports of public content (PRODUCT.md §4b).

A Report is one person's flag on one item (a question, a reply, a product, a business
group, an announcement, a KIM profile), named by `object_type` and `object_id` like audit
events. One person reports an item once (a unique constraint, so a double click or two
tabs cannot count twice). A report is open until a moderator decides the item
(`resolved_at`, `outcome`); the moderation queue is the open reports, by item, oldest first.
Whether an item is hidden is the item's own `hidden_at`, so every list filters on its own
table (`kim_app.moderation.visibility`).
"""

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow, value_enum
from kim_app.models.users import User


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    SARA = "sara"
    DATA_PRIBADI = "data_pribadi"
    HOAKS = "hoaks"
    LAINNYA = "lainnya"


class ReportOutcome(enum.StrEnum):
    HIDDEN = "hidden"        # the moderator hid the item
    REDACTED = "redacted"    # the moderator removed part of a reply
    RESTORED = "restored"    # an auto-hidden item shown again
    DISMISSED = "dismissed"  # the reports were unfounded


class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("reporter_id", "object_type", "object_id", name="uq_report_once"),
        Index("ix_report_object", "object_type", "object_id", "resolved_at"),
        Index("ix_report_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    reason: Mapped[ReportReason] = mapped_column(value_enum(ReportReason, 20))
    text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[ReportOutcome | None] = mapped_column(value_enum(ReportOutcome, 20))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
