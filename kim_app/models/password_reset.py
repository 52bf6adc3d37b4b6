"""Password help without email: reset codes, pengurus' requests for one, wrong tries.

A ResetCode is issued by an officer or admin for one person: random, shown once, stored
only as a hash, valid until `expires_at` and spent by `used_at`. A ResetRequest is a
pengurus asking the officers to issue a code for an active member of their KIM; an officer
decides. A ResetFailure is one wrong code typed for a phone number, kept under a keyed hash
of the number (never the number itself), so that five wrong codes lock that number's reset.
The rules live in `kim_app.auth.reset`.
"""

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow, value_enum
from kim_app.models.kim import KimGroup
from kim_app.models.users import User


class ResetRequestStatus(enum.StrEnum):
    PENDING = "pending"
    ISSUED = "issued"
    DECLINED = "declined"


class ResetCode(db.Model):
    __tablename__ = "reset_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])


class ResetRequest(db.Model):
    __tablename__ = "reset_request"
    __table_args__ = (Index("ix_reset_request_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("kim_group.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[ResetRequestStatus] = mapped_column(
        value_enum(ResetRequestStatus), default=ResetRequestStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    group: Mapped[KimGroup] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ResetFailure(db.Model):
    __tablename__ = "reset_failure"
    __table_args__ = (Index("ix_reset_failure_phone_created", "phone_key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
