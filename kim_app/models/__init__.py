"""Database models, one module per aggregate."""

from kim_app.models.audit import AuditEvent
from kim_app.models.base import utcnow
from kim_app.models.business import (
    Availability,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    Product,
    ProductCategory,
    ProductPhoto,
)
from kim_app.models.kim import (
    OPEN_STATUSES,
    KimGroup,
    KimStatus,
    MemberRole,
    Membership,
    MembershipStatus,
)
from kim_app.models.media import Photo
from kim_app.models.notifications import Notification
from kim_app.models.regions import District, Village
from kim_app.models.threads import (
    Agency,
    Category,
    Post,
    PostKind,
    RejectReason,
    Thread,
    ThreadFollow,
    ThreadPhoto,
    ThreadStatus,
    Visibility,
)
from kim_app.models.users import Role, User

__all__ = [
    "OPEN_STATUSES",
    "Agency",
    "AuditEvent",
    "Availability",
    "BusinessGroup",
    "BusinessMember",
    "BusinessMemberStatus",
    "BusinessRole",
    "Category",
    "District",
    "KimGroup",
    "KimStatus",
    "MemberRole",
    "Membership",
    "MembershipStatus",
    "Notification",
    "Photo",
    "Post",
    "PostKind",
    "Product",
    "ProductCategory",
    "ProductPhoto",
    "RejectReason",
    "Role",
    "Thread",
    "ThreadFollow",
    "ThreadPhoto",
    "ThreadStatus",
    "User",
    "Village",
    "Visibility",
    "utcnow",
]
