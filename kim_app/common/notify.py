"""Sending in-app notifications, honouring each person's choices, and queueing email.

The text is rendered in each recipient's own language when the notification is created
(pass a `lazy_gettext` string with its parameters), so the bell and the notification
centre need no translation work at read time.

Rules:
- a kind is dotted, "area.event"; its *category* is the area ("membership", "thread",
  "info", "business" …), and people choose per category whether they receive it in the
  app and by email (`NotificationPreference`; without a row: in the app yes, email no);
- an email is queued (never sent in the request) only when SMTP is configured, the person
  has an address and opted in for that category; `kim_app.common.mail` sends the queue.
"""

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from kim_app.common.urls import absolute_url
from kim_app.extensions import db
from kim_app.models import Notification, NotificationPreference, OutgoingEmail, User, utcnow

# The categories a person can choose, in the order the settings page lists them. A kind
# whose area is not listed here falls under "lainnya" (other).
CATEGORIES = {
    "info": _l("Pengumuman yang diteruskan KIM Anda"),
    "membership": _l("Keanggotaan KIM"),
    "thread": _l("Pertanyaan yang Anda ajukan atau ikuti"),
    "business": _l("Kelompok usaha dan produk"),
    "lainnya": _l("Pemberitahuan lainnya"),
}


def category_of(kind: str) -> str:
    area = kind.split(".", 1)[0]
    return area if area in CATEGORIES else "lainnya"


def email_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def preferences(user_ids: Iterable[int], category: str) -> dict[int, NotificationPreference]:
    ids = list(user_ids)
    if not ids:
        return {}
    return {
        pref.user_id: pref
        for pref in db.session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.user_id.in_(ids),
                NotificationPreference.category == category,
            )
        )
    }


def _stored_preferences(user) -> dict[str, NotificationPreference]:
    return {
        pref.category: pref
        for pref in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }


def preference_table(user) -> list[tuple[str, str, bool, bool]]:
    """(category, label, in_app, email) for every category, defaults filled in."""
    stored = _stored_preferences(user)
    rows = []
    for key, label in CATEGORIES.items():
        pref = stored.get(key)
        rows.append((key, str(label), pref.in_app if pref else True, pref.email if pref else False))
    return rows


def set_preferences(user, in_app: set[str], email: set[str]) -> None:
    """Store the person's choice for every category (unknown keys are ignored)."""
    stored = _stored_preferences(user)
    for key in CATEGORIES:
        pref = stored.get(key)
        if pref is None:
            pref = NotificationPreference(user_id=user.id, category=key)
            db.session.add(pref)
        pref.in_app = key in in_app
        pref.email = key in email


def deliver(recipients: Iterable[User] | User, kind: str, text,
            link: str = "") -> list[tuple[User, Notification | None]]:
    """Like `notify`, but returns every person reached (in the app, by email or both) with
    their in-app notification (None when they chose email only)."""
    if isinstance(recipients, User):
        recipients = [recipients]
    recipients = list({user.id: user for user in recipients}.values())
    category = category_of(kind)
    chosen = preferences((user.id for user in recipients), category)
    mail = email_configured()
    reached = []
    for user in recipients:
        pref = chosen.get(user.id)
        wants_app = pref.in_app if pref else True
        wants_email = mail and bool(user.email) and pref is not None and pref.email
        if not (wants_app or wants_email):
            continue
        notification = None
        with force_locale(user.locale or "id"):
            rendered = str(text)[:300]
            if wants_email:
                _queue_email(user, rendered, link)
        if wants_app:
            notification = Notification(user_id=user.id, kind=kind, text=rendered, link=link)
            db.session.add(notification)
        reached.append((user, notification))
    return reached


def notify(recipients: Iterable[User] | User, kind: str, text,
           link: str = "") -> list[Notification]:
    """Notify each recipient who receives this kind; returns the in-app notifications."""
    return [n for _user, n in deliver(recipients, kind, text, link) if n is not None]


def _queue_email(user: User, text: str, link: str) -> None:
    """Queue one email in the recipient's language (called inside `force_locale`)."""
    lines = [text, ""]
    if link:
        lines += [_("Buka: %(url)s", url=absolute_url(link)), ""]
    lines += [
        "—",
        _("Anda menerima email ini karena memilihnya di Portal KIM. Ubah pilihan di %(url)s",
          url=absolute_url("/akun/notifikasi/pengaturan")),
    ]
    db.session.add(OutgoingEmail(
        user_id=user.id,
        to_address=user.email,
        subject=(_("Portal KIM: %(text)s", text=text))[:200],
        body="\n".join(lines),
    ))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


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
