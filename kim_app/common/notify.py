"""Sending in-app notifications.

The text is rendered in each recipient's own language when the notification is created
(pass a `lazy_gettext` string with its parameters), so the bell and the notification
centre need no translation work at read time.
"""

from collections.abc import Iterable

from flask_babel import force_locale
from sqlalchemy import func, select

from kim_app.extensions import db
from kim_app.models import Notification, User


def notify(recipients: Iterable[User] | User, kind: str, text,
           link: str = "") -> list[Notification]:
    if isinstance(recipients, User):
        recipients = [recipients]
    created = []
    for user in recipients:
        with force_locale(user.locale or "id"):
            rendered = str(text)
        notification = Notification(user_id=user.id, kind=kind, text=rendered[:300], link=link)
        db.session.add(notification)
        created.append(notification)
    return created


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0
