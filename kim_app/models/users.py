"""User accounts.

A person logs in with phone or email. The session carries `user.id:session_token`; the
token is replaced on logout and on password change, so an old session cookie (or remember
cookie) stops working on the server too.
"""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.regions import Village


class Role(enum.StrEnum):
    WARGA = "warga"
    PETUGAS = "petugas"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    village_code: Mapped[str | None] = mapped_column(
        ForeignKey("village.code"), index=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.WARGA, index=True,  # the officers are a few among thousands of warga
    )
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "Hemat data" (/akun): photos load only when tapped. Null for people who never chose.
    save_data: Mapped[bool | None] = mapped_column(Boolean, default=False)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The OPD a petugas works for (optional; none = Diskominfo's general officers).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # `email` is the address mail goes to; a new address waits in `pending_email` until
    # its verification link is opened. Reset links go only to a verified address.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # The privacy notice the person accepted (its version) and when.
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the person deleted the account: every personal field is gone by then.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    village: Mapped[Village | None] = relationship(lazy="joined")
    agency: Mapped["Agency | None"] = relationship()  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_petugas(self) -> bool:
        return self.role in (Role.PETUGAS, Role.ADMIN)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def email_verified(self) -> bool:
        return bool(self.email) and self.email_verified_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie issued for this account."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
