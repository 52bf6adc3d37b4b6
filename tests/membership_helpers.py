"""Shared set-up for the membership tests: groups by slug and memberships in a given state."""

from functools import cache
from itertools import count as counter

from sqlalchemy import func, select

from kim_app.auth import services as accounts
from kim_app.extensions import db
from kim_app.models import (
    AuditEvent,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Notification,
    Role,
    User,
    utcnow,
)
from tests.conftest import PASSWORD, login

_phones = counter(100_000)


@cache
def _password_hash() -> str:
    return accounts.hash_password(PASSWORD)


def make_user(role: Role = Role.WARGA, name: str | None = None,
              village: str | None = "33.18.16.2009") -> User:
    """Like `conftest.make_user`, but hashes the password once per session (many people)."""
    number = next(_phones)
    user = User(name=name or f"Warga {number}", phone=f"+62813{number:08d}",
                password_hash=_password_hash(), village_code=village, role=role)
    db.session.add(user)
    db.session.commit()
    return user


def group(slug: str) -> KimGroup:
    return db.session.scalar(select(KimGroup).where(KimGroup.slug == slug))


def add_member(user, kim: KimGroup, role: MemberRole = MemberRole.ANGGOTA,
               status: MembershipStatus = MembershipStatus.ACTIVE, message: str = "",
               **fields) -> Membership:
    decided = status != MembershipStatus.PENDING
    membership = Membership(user_id=user.id, group_id=kim.id, role=role, status=status,
                            message=message, decided_at=utcnow() if decided else None, **fields)
    db.session.add(membership)
    db.session.commit()
    return membership


def person_with_role(kim: KimGroup, role: MemberRole, name: str | None = None):
    user = make_user(name=name)
    add_member(user, kim, role)
    return user


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def notifications_for(user) -> list[str]:
    return list(db.session.scalars(
        select(Notification.text).where(Notification.user_id == user.id).order_by(Notification.id)
    ))


def audit_actions(kim: KimGroup) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.kim_group_id == kim.id).order_by(AuditEvent.id)
    ))


def membership_of(user, kim: KimGroup) -> Membership | None:
    """The person's latest membership of the group (any status)."""
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.group_id == kim.id)
        .order_by(Membership.id.desc()).limit(1)
    )


def login_as(client, user) -> None:
    """Log out whoever is logged in on this client, then log in as `user`."""
    client.post("/auth/keluar")
    login(client, user)
