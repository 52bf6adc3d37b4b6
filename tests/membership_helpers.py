"""Shared set-up for the membership tests: groups by slug and memberships in a given state."""

from sqlalchemy import func, select

from kim_app.extensions import db
from kim_app.models import (
    AuditEvent,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Notification,
    utcnow,
)
from tests.conftest import login, make_user


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
