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
from kim_app.models.info import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementDistrict,
    AnnouncementKim,
    Audience,
    NoteLanguage,
    Relay,
)
from kim_app.models.kim import (
    OPEN_STATUSES,
    KimGroup,
    KimStatus,
    MemberRole,
    Membership,
    MembershipStatus,
)
from kim_app.models.media import Document, HeldPhoto, Photo
from kim_app.models.notifications import (
    EmailStatus,
    Notification,
    NotificationPreference,
    OutgoingEmail,
)
from kim_app.models.password_reset import (
    ResetCode,
    ResetFailure,
    ResetRequest,
    ResetRequestStatus,
)
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
    "Announcement",
    "AnnouncementDelivery",
    "AnnouncementDistrict",
    "AnnouncementKim",
    "Audience",
    "AuditEvent",
    "Availability",
    "BusinessGroup",
    "BusinessMember",
    "BusinessMemberStatus",
    "BusinessRole",
    "Category",
    "District",
    "Document",
    "EmailStatus",
    "KimGroup",
    "KimStatus",
    "MemberRole",
    "Membership",
    "MembershipStatus",
    "NoteLanguage",
    "Notification",
    "NotificationPreference",
    "OutgoingEmail",
    "HeldPhoto",
    "Photo",
    "Post",
    "PostKind",
    "Product",
    "ProductCategory",
    "ProductPhoto",
    "RejectReason",
    "ResetCode",
    "ResetFailure",
    "ResetRequest",
    "ResetRequestStatus",
    "Relay",
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
