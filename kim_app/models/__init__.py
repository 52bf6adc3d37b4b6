"""Database models, one module per aggregate."""

from kim_app.models.audit import AuditEvent
from kim_app.models.base import utcnow
from kim_app.models.kim import (
    OPEN_STATUSES,
    KimGroup,
    KimStatus,
    MemberRole,
    Membership,
    MembershipStatus,
)
from kim_app.models.notifications import Notification
from kim_app.models.regions import District, Village
from kim_app.models.users import Role, User

__all__ = [
    "OPEN_STATUSES",
    "AuditEvent",
    "District",
    "KimGroup",
    "KimStatus",
    "MemberRole",
    "Membership",
    "MembershipStatus",
    "Notification",
    "Role",
    "User",
    "Village",
    "utcnow",
]
