"""Audit events: who did what to which object, when and why. Never edited, never deleted."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id", "created_at"),
        # The audit log viewer (`/admin/audit`): newest first, all or by one actor.
        Index("ix_audit_event_created", "created_at", "id"),
        Index("ix_audit_event_actor", "actor_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # A dotted action: "membership.approve", "membership.role_change", "kim.update" …
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    # The KIM group the event belongs to, so a group's history is one indexed query.
    kim_group_id: Mapped[int | None] = mapped_column(ForeignKey("kim_group.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped["User | None"] = relationship()  # noqa: F821
