"""Everything the portal holds about one person, as a ZIP (UU PDP: the right to a copy).

`data.json` holds the account, KIM and business-group memberships, the questions the person
asked (with their ratings), every post they wrote, the threads they follow, their
notifications and notification choices, the announcements and relays they published, the
business groups they manage with their products, and the actions they took (audit events).
`photos/` and `documents/` hold the files they uploaded. Each section is one function, so a
new kind of personal data gets its own section beside the others.
"""

import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import or_, select

from kim_app.common.uploads import read_document, read_photo
from kim_app.extensions import db
from kim_app.models import (
    Announcement,
    AuditEvent,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    DisseminationReport,
    Document,
    Membership,
    Notification,
    NotificationPreference,
    Photo,
    Post,
    PostKind,
    Product,
    Relay,
    Report,
    Thread,
    ThreadFollow,
    ThreadMeToo,
    ThreadPhoto,
    User,
)


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return getattr(value, "value", value)


def _row(obj, *fields: str) -> dict:
    return {name: _value(getattr(obj, name)) for name in fields}


def account(user: User) -> dict:
    data = _row(user, "id", "name", "phone", "email", "email_verified_at", "pending_email",
                "village_code", "role", "locale", "save_data", "active", "created_at",
                "last_login_at", "privacy_version", "privacy_accepted_at")
    data["village"] = (f"{user.village.name}, Kecamatan {user.village.district.name}"
                       if user.village else None)
    data["agency"] = user.agency.name if user.agency else None
    return data


def kim_memberships(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    )
    return [{"kim": m.group.name, "kim_slug": m.group.slug,
             **_row(m, "role", "status", "message", "requested_at", "decided_at", "reason")}
            for m in rows]


def business_memberships(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(BusinessMember).where(BusinessMember.user_id == user.id)
        .order_by(BusinessMember.id)
    )
    return [{"business_group": m.business_group.name, "business_group_slug":
             m.business_group.slug, **_row(m, "role", "status", "requested_at")}
            for m in rows]


def questions(user: User) -> list[dict]:
    threads = db.session.scalars(
        select(Thread).where(Thread.author_id == user.id).order_by(Thread.id)
    )
    return [{**_row(t, "code", "title", "body", "visibility", "status", "on_behalf_name",
                    "village_code", "created_at", "rating", "rating_comment", "rated_at"),
             "category": t.category.name,
             "submitted_via_kim": t.submitted_via_kim.name if t.submitted_via_kim else None,
             "photos": [_photo_name(item.photo) for item in t.photos]}
            for t in threads]


def posts(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Post).where(Post.author_id == user.id, Post.kind != PostKind.STATUS_CHANGE)
        .order_by(Post.id)
    )
    return [{"thread": p.thread.code, **_row(p, "kind", "body", "created_at")} for p in rows]


def status_changes(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Post).where(Post.author_id == user.id, Post.kind == PostKind.STATUS_CHANGE)
        .order_by(Post.id)
    )
    return [{"thread": p.thread.code, **_row(p, "from_status", "to_status", "reason",
                                             "created_at")} for p in rows]


def follows(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Thread.code, ThreadFollow.created_at).join(Thread)
        .where(ThreadFollow.user_id == user.id).order_by(ThreadFollow.created_at)
    )
    return [{"thread": code, "since": _value(since)} for code, since in rows]


def me_too(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Thread.code, ThreadMeToo.created_at).join(Thread)
        .where(ThreadMeToo.user_id == user.id).order_by(ThreadMeToo.created_at)
    )
    return [{"thread": code, "since": _value(since)} for code, since in rows]


def dissemination_reports(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(DisseminationReport).where(DisseminationReport.reported_by_id == user.id)
        .order_by(DisseminationReport.id)
    )
    return [{"announcement": r.announcement_id, "kim": r.group.name,
             **_row(r, "held_on", "venue", "people", "note", "created_at")} for r in rows]


def notifications(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [_row(n, "kind", "text", "link", "created_at", "read_at") for n in rows]


def notification_choices(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    return [_row(p, "category", "in_app", "email") for p in rows]


def announcements(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Announcement).where(Announcement.author_id == user.id).order_by(Announcement.id)
    )
    return [_row(a, "id", "title", "body", "audience", "published_at", "expires_on")
            for a in rows]


def relays(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Relay).where(Relay.relayed_by_id == user.id).order_by(Relay.id)
    )
    return [{"announcement": r.announcement.title, "kim": r.group.name,
             **_row(r, "note", "created_at")} for r in rows]


def managed_business_groups(user: User) -> list[dict]:
    """The business groups the person manages (or created), each with its products."""
    managed = select(BusinessMember.business_group_id).where(
        BusinessMember.user_id == user.id, BusinessMember.role == BusinessRole.PENGELOLA,
        BusinessMember.status == BusinessMemberStatus.ACTIVE,
    )
    groups = db.session.scalars(
        select(BusinessGroup).where(or_(BusinessGroup.id.in_(managed),
                                        BusinessGroup.created_by_id == user.id))
        .order_by(BusinessGroup.id)
    )
    result = []
    for group in groups:
        products = db.session.scalars(
            select(Product).where(Product.business_group_id == group.id).order_by(Product.id)
        )
        result.append({
            **_row(group, "name", "slug", "sector", "description", "whatsapp", "created_at"),
            "kim": group.kim_group.name,
            "products": [{**_row(p, "name", "slug", "description", "price", "unit",
                                 "availability", "category", "published", "created_at"),
                          "photos": [_photo_name(item.photo) for item in p.photos]}
                         for p in products],
        })
    return result


def actions(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    )
    return [_row(e, "action", "object_type", "object_id", "reason", "created_at") for e in rows]


def reports(user: User) -> list[dict]:
    """The content the person reported (what, why, and what the moderators decided)."""
    rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                              .order_by(Report.id))
    return [_row(r, "object_type", "object_id", "reason", "text", "created_at", "outcome")
            for r in rows]


SECTIONS = {
    "account": account,
    "kim_memberships": kim_memberships,
    "business_memberships": business_memberships,
    "questions": questions,
    "posts": posts,
    "status_changes": status_changes,
    "follows": follows,
    "me_too": me_too,
    "notifications": notifications,
    "notification_choices": notification_choices,
    "announcements": announcements,
    "relays": relays,
    "dissemination_reports": dissemination_reports,
    "managed_business_groups": managed_business_groups,
    "actions": actions,
    "reports": reports,
}


def _photo_name(photo: Photo) -> str:
    return f"photos/{photo.token}.webp"


def uploaded_photos(user: User) -> list[Photo]:
    """Photos the person uploaded, and those on their own questions."""
    own_threads = select(ThreadPhoto.photo_id).join(Thread).where(Thread.author_id == user.id)
    return list(db.session.scalars(
        select(Photo).where(or_(Photo.uploaded_by_id == user.id, Photo.id.in_(own_threads)))
        .order_by(Photo.id)
    ))


def document(user: User) -> dict:
    data = {"exported_at": _value(datetime.now().astimezone()), "portal": "Portal KIM"}
    for name, section in SECTIONS.items():
        data[name] = section(user)
    data["photos"] = [_photo_name(photo) for photo in uploaded_photos(user)]
    data["documents"] = [f"documents/{doc.token}.pdf" for doc in db.session.scalars(
        select(Document).where(Document.uploaded_by_id == user.id).order_by(Document.id))]
    return data


def build_zip(user: User) -> bytes:
    """The ZIP: data.json, photos/ (largest stored rendition), documents/."""
    buffer = io.BytesIO()
    data = document(user)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for photo in uploaded_photos(user):
            body = read_photo(photo.token, photo.widths[-1]) if photo.widths else None
            if body is not None:
                archive.writestr(_photo_name(photo), body)
        for doc in db.session.scalars(select(Document).where(Document.uploaded_by_id == user.id)):
            body = read_document(doc.token)
            if body is not None:
                archive.writestr(f"documents/{doc.token}.pdf", body)
    return buffer.getvalue()
