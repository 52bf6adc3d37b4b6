"""Correcting and withdrawing announcements.

Rules:
- the author or an officer (petugas, admin) corrects an announcement that is not
  withdrawn: title, text and end date. The text before the edit is kept as an
  AnnouncementVersion (for officers, `/info/<id>/versi`); the page shows "diperbarui"
  with the time of the latest edit;
- the author or an officer withdraws it with a reason (required): it leaves the lists and
  the home page (`services.current_clause`), its page says it was withdrawn, when and
  why, its relays are hidden and no KIM can relay it any more. Everyone a relay notified
  and every pengurus who relayed it is told, once each;
- both are audit events; a withdrawn announcement cannot be corrected or withdrawn again.
"""

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kim_app.common import permissions
from kim_app.common.audit import record
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.info.services import InfoError, NotAllowedError, is_withdrawn, today
from kim_app.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementVersion,
    Relay,
    User,
    utcnow,
)
from kim_app.notifications.delivery import notify

REASON_MAX = 500
VERSIONS_SHOWN = 50


def may_correct(user, announcement: Announcement) -> bool:
    """Correct or withdraw: its author or an officer, while it is not withdrawn."""
    if not getattr(user, "is_authenticated", False) or is_withdrawn(announcement):
        return False
    return permissions.is_petugas(user) or announcement.author_id == user.id


def may_see_versions(user) -> bool:
    return permissions.is_petugas(user)


def _lock(announcement: Announcement) -> None:
    db.session.scalars(select(Announcement).where(Announcement.id == announcement.id)
                       .with_for_update().execution_options(populate_existing=True)).one()


def edit(announcement: Announcement, user: User, *, title: str, body: str,
         expires_on: date | None) -> AnnouncementVersion | None:
    """Save the new text; the old one is kept. Returns the kept version (None when
    nothing changed)."""
    _lock(announcement)
    if not may_correct(user, announcement):
        raise NotAllowedError(_l("Pengumuman ini tidak dapat diubah."))
    title, body = title.strip(), body.strip()
    if expires_on is not None and expires_on < today() and expires_on != announcement.expires_on:
        raise InfoError(_l("Tanggal berakhir tidak boleh sebelum hari ini."), "expires_on")
    if (title, body, expires_on) == (announcement.title, announcement.body,
                                     announcement.expires_on):
        return None
    now = utcnow()
    version = AnnouncementVersion(
        announcement_id=announcement.id, title=announcement.title, body=announcement.body,
        expires_on=announcement.expires_on,
        valid_from=announcement.updated_at or announcement.published_at,
        replaced_at=now, replaced_by_id=user.id)
    db.session.add(version)
    announcement.title, announcement.body, announcement.expires_on = title, body, expires_on
    announcement.updated_at = now
    record(user, "announcement.edit", "announcement", announcement.id,
           kim_group_id=announcement.kim_group_id)
    return version


def versions(announcement: Announcement) -> list[AnnouncementVersion]:
    """Earlier versions, the latest replaced first (capped)."""
    return list(db.session.scalars(
        select(AnnouncementVersion)
        .options(joinedload(AnnouncementVersion.replaced_by))
        .where(AnnouncementVersion.announcement_id == announcement.id)
        .order_by(AnnouncementVersion.replaced_at.desc(), AnnouncementVersion.id.desc())
        .limit(VERSIONS_SHOWN)))


def _told_of(announcement: Announcement, actor: User) -> list[User]:
    """Everyone a relay notified, and the pengurus who relayed it (not the actor)."""
    reached = select(AnnouncementDelivery.user_id).where(
        AnnouncementDelivery.announcement_id == announcement.id)
    relayers = select(Relay.relayed_by_id).where(Relay.announcement_id == announcement.id)
    return list(db.session.scalars(
        select(User).where(User.id.in_(reached.union(relayers)), User.id != actor.id,
                           User.active.is_(True)).order_by(User.id)))


def withdraw(announcement: Announcement, user: User, reason: str) -> int:
    """Withdraw it with a reason; returns how many people were told."""
    _lock(announcement)
    if not may_correct(user, announcement):
        raise NotAllowedError(_l("Pengumuman ini tidak dapat ditarik."))
    reason = (reason or "").strip()
    if not reason:
        raise InfoError(_l("Tulis alasan penarikan."), "reason")
    if len(reason) > REASON_MAX:
        raise InfoError(_l("Alasan paling banyak %(max)d karakter.", max=REASON_MAX), "reason")
    announcement.withdrawn_at = utcnow()
    announcement.withdrawn_reason = reason
    announcement.withdrawn_by_id = user.id
    told = notify(_told_of(announcement, user), "info.withdrawn",
                  _l("Pengumuman ditarik: %(title)s. Alasan: %(reason)s",
                     title=announcement.title, reason=reason),
                  link=url_for("info.show", announcement_id=announcement.id))
    record(user, "announcement.withdraw", "announcement", announcement.id,
           kim_group_id=announcement.kim_group_id, reason=reason, told=len(told))
    return len(told)
