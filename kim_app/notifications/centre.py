"""What a person reads of their notifications: the list, the unread count, read marks.

Every query here is limited to the person's own rows: nobody reads or marks another's.
"""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from kim_app.extensions import db
from kim_app.models import Notification, utcnow

PAGE_SIZE = 30
LAST_PAGE = 1000


@dataclass
class CentrePage:
    items: list[Notification]
    page_number: int
    has_next: bool
    unread: int


def page(user, page_number: int = 1) -> CentrePage:
    """One page of the person's notifications: unread first, then newest; thirty a page."""
    page_number = min(max(page_number, 1), LAST_PAGE)
    rows = list(db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                  Notification.id.desc())
        .offset((page_number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ))
    return CentrePage(rows[:PAGE_SIZE], page_number, len(rows) > PAGE_SIZE, unread_count(user))


UNREAD_COUNTED = 100
"""Unread notifications are counted up to here (the bell shows "99+"): a person with a
long backlog costs the page what anyone else does."""


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    unread = (select(Notification.id)
              .where(Notification.user_id == user.id, Notification.read_at.is_(None))
              .limit(UNREAD_COUNTED).subquery())
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


def bell_state(user) -> tuple[int, int]:
    """(unread count, newest notification id): what the bell shows, in one query."""
    count, newest = db.session.execute(
        select(
            func.count().filter(Notification.read_at.is_(None)),
            func.max(Notification.id),
        ).where(Notification.user_id == user.id)
    ).one()
    return count or 0, newest or 0


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark one of the person's own notifications read; None when it is not theirs."""
    notification = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )
    if notification is not None and notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


def mark_read_for_link(user, link: str) -> int:
    """The person opened `link`: their unread notifications pointing there are read now."""
    if not getattr(user, "is_authenticated", False):
        return 0
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None),
               Notification.link == link)
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
