"""KIM groups and their members.

A KimGroup is one Kelompok Informasi Masyarakat, tied to its village by official code.
A Membership is one person's place in one group over time: a request (pending), then
active, rejected, left or removed. At most one *open* membership (pending or active) per
person and group is allowed, enforced by a partial unique index; closed memberships stay
as history and a person may ask again later.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.base import value_enum as _enum
from kim_app.models.regions import Village


class KimStatus(enum.StrEnum):
    AKTIF = "aktif"
    NONAKTIF = "nonaktif"


class MemberRole(enum.StrEnum):
    KETUA = "ketua"
    SEKRETARIS = "sekretaris"
    BENDAHARA = "bendahara"
    ANGGOTA = "anggota"

    @property
    def is_pengurus(self) -> bool:
        return self is not MemberRole.ANGGOTA


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    LEFT = "left"
    REMOVED = "removed"


OPEN_STATUSES = (MembershipStatus.PENDING, MembershipStatus.ACTIVE)


class KimGroup(db.Model):
    __tablename__ = "kim_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[KimStatus] = mapped_column(_enum(KimStatus), default=KimStatus.AKTIF)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set while the profile is hidden by a moderator or by reports (`kim_app.moderation`).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    village: Mapped[Village] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status == KimStatus.AKTIF

    def __repr__(self) -> str:
        return f"<KimGroup {self.slug}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (
        Index(
            "uq_membership_open",
            "user_id",
            "group_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'active')"),
            postgresql_where=text("status IN ('pending', 'active')"),
        ),
        Index("ix_membership_group_status", "group_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("kim_group.id"))
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole), default=MemberRole.ANGGOTA)
    status: Mapped[MembershipStatus] = mapped_column(
        _enum(MembershipStatus), default=MembershipStatus.PENDING
    )
    message: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    group: Mapped[KimGroup] = relationship()
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def is_pengurus(self) -> bool:
        return self.status == MembershipStatus.ACTIVE and self.role.is_pengurus

    def __repr__(self) -> str:
        return f"<Membership u{self.user_id} g{self.group_id} {self.role} {self.status}>"
