"""Deleting one's own account (UU PDP: the right to erasure), and what must come first.

Rules:
- a last ketua hands over first (another member becomes ketua), and a business group that
  orders through the person's own phone number gets another number first;
- an officer's or admin's account that gave official answers is *deactivated*, not deleted:
  the answers are government records and keep their author;
- otherwise the account stays as an empty shell, so public content keeps pointing somewhere:
  the name becomes "Pengguna terhapus", phone, email, password and home village are removed,
  every session ends; memberships end; follows, notifications, choices, queued emails, reset
  codes and requests are deleted; the person's *private* questions (with their posts and
  photos) and their replies in private questions are deleted; public and anonymous questions
  and replies stay as a public record, without the name. Other people's notifications and
  emails that named the person now say "Pengguna terhapus". The audit event records the
  deletion without personal data.
"""

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update

from kim_app.common import audit
from kim_app.common.uploads import delete_photo
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.kim.services import groups_where_last_ketua
from kim_app.models import (
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    Membership,
    MembershipStatus,
    Notification,
    NotificationPreference,
    OutgoingEmail,
    Post,
    PostKind,
    ResetCode,
    ResetRequest,
    Role,
    Thread,
    ThreadFollow,
    User,
    Visibility,
    utcnow,
)
from kim_app.threads import metoo

DELETED_NAME = "Pengguna terhapus"


@dataclass
class Blockers:
    last_ketua_of: list
    whatsapp_of: list

    def __bool__(self) -> bool:
        return bool(self.last_ketua_of or self.whatsapp_of)


def blockers(user: User) -> Blockers:
    """What must change before this account can go."""
    whatsapp = list(db.session.scalars(
        select(BusinessGroup).where(BusinessGroup.whatsapp == user.phone)
    ))
    return Blockers(last_ketua_of=groups_where_last_ketua(user), whatsapp_of=whatsapp)


def gave_official_answers(user: User) -> bool:
    return db.session.scalar(
        select(func.count()).select_from(Post).where(
            Post.author_id == user.id, Post.kind == PostKind.OFFICIAL_ANSWER)
    ) > 0


def will_be_deactivated(user: User) -> bool:
    return user.role in (Role.PETUGAS, Role.ADMIN) and gave_official_answers(user)


class DeletionBlockedError(Exception):
    def __init__(self, found: Blockers):
        super().__init__(_l("Akun belum bisa dihapus."))
        self.blockers = found


def delete_account(user: User) -> str:
    """Delete (or, for an officer with official answers, deactivate) the account.

    Returns "deleted" or "deactivated"; raises DeletionBlockedError when something must change
    first. The caller commits."""
    found = blockers(user)
    if found:
        raise DeletionBlockedError(found)
    if will_be_deactivated(user):
        user.active = False
        user.end_sessions()
        audit.record(user, "user.deactivate", "user", user.id,
                     reason="deletion requested; official answers are kept")
        return "deactivated"
    _erase(user)
    audit.record(user, "user.delete", "user", user.id)
    return "deleted"


def _delete_private_threads(user: User) -> None:
    private = list(db.session.scalars(
        select(Thread).where(Thread.author_id == user.id,
                             Thread.visibility == Visibility.PRIVATE)
    ))
    if not private:
        return
    ids = [thread.id for thread in private]
    db.session.execute(update(Thread).where(Thread.duplicate_of_id.in_(ids))
                       .values(duplicate_of_id=None))
    db.session.execute(delete(ThreadFollow).where(ThreadFollow.thread_id.in_(ids)))
    links = [f"/tanya/{thread.code}" for thread in private]
    db.session.execute(delete(Notification).where(Notification.link.in_(links)))
    for thread in private:
        photos = [item.photo for item in thread.photos]
        db.session.delete(thread)
        db.session.flush()
        for photo in photos:
            delete_photo(photo)


def _erase(user: User) -> None:
    now = utcnow()
    old_name, old_email = user.name, user.email
    _delete_private_threads(user)
    private_threads = select(Thread.id).where(Thread.visibility == Visibility.PRIVATE)
    db.session.execute(delete(Post).where(Post.author_id == user.id,
                                          Post.kind == PostKind.REPLY,
                                          Post.thread_id.in_(private_threads)))
    db.session.execute(delete(ThreadFollow).where(ThreadFollow.user_id == user.id))
    metoo.forget(user)
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationPreference)
                       .where(NotificationPreference.user_id == user.id))
    addresses = [a for a in (old_email, user.pending_email) if a]
    db.session.execute(delete(OutgoingEmail).where(
        or_(OutgoingEmail.user_id == user.id, OutgoingEmail.to_address.in_(addresses))))
    db.session.execute(delete(ResetCode).where(ResetCode.user_id == user.id))
    db.session.execute(delete(ResetRequest).where(ResetRequest.user_id == user.id))
    db.session.execute(
        update(Membership)
        .where(Membership.user_id == user.id,
               Membership.status.in_((MembershipStatus.PENDING, MembershipStatus.ACTIVE)))
        .values(status=MembershipStatus.LEFT, decided_at=now)
    )
    db.session.execute(update(Membership).where(Membership.user_id == user.id)
                       .values(message=""))
    db.session.execute(
        update(BusinessMember)
        .where(BusinessMember.user_id == user.id,
               BusinessMember.status.in_((BusinessMemberStatus.PENDING,
                                          BusinessMemberStatus.ACTIVE)))
        .values(status=BusinessMemberStatus.REMOVED)
    )
    _unname_in_others_messages(old_name)
    user.name = DELETED_NAME
    user.phone = f"deleted-{user.id}"
    user.email = None
    user.pending_email = None
    user.email_verified_at = None
    user.password_hash = "!"  # never a valid hash: nobody can log in  # noqa: S105  # nosec B105
    user.village_code = None
    user.agency_id = None
    user.locale = None
    user.last_login_at = None
    user.active = False
    user.deleted_at = now
    user.end_sessions()


def _unname_in_others_messages(name: str) -> None:
    """Notifications and emails to others were rendered with the person's name in them."""
    if len(name.strip()) < 2:
        return
    db.session.execute(
        update(Notification).where(Notification.text.contains(name, autoescape=True))
        .values(text=func.replace(Notification.text, name, DELETED_NAME))
    )
    db.session.execute(
        update(OutgoingEmail)
        .where(or_(OutgoingEmail.subject.contains(name, autoescape=True),
                   OutgoingEmail.body.contains(name, autoescape=True)))
        .values(subject=func.replace(OutgoingEmail.subject, name, DELETED_NAME),
                body=func.replace(OutgoingEmail.body, name, DELETED_NAME))
    )
