"""Telling people about an event: in the app, by email, or both, as each has chosen.

Every area calls `notify` (or `deliver`, when it needs to know whom it reached); none
writes a Notification itself.

The text is rendered in each recipient's own language when the notification is created
(pass a `lazy_gettext` string with its parameters), so the bell and the notification
centre need no translation work at read time. An email is queued (never sent in the
request) only when SMTP is configured, the person has an address and opted in for the
kind's category (`preferences`); `mail` sends the queue.
"""

from collections.abc import Iterable

from flask_babel import force_locale

from kim_app.extensions import db
from kim_app.models import Notification, User
from kim_app.notifications import mail, preferences


def deliver(recipients: Iterable[User] | User, kind: str, text,
            link: str = "") -> list[tuple[User, Notification | None]]:
    """Like `notify`, but returns every person reached (in the app, by email or both) with
    their in-app notification (None when they chose email only)."""
    if isinstance(recipients, User):
        recipients = [recipients]
    recipients = list({user.id: user for user in recipients}.values())
    chosen = preferences.chosen((user.id for user in recipients), preferences.category_of(kind))
    mail_on = mail.email_configured()
    reached = []
    for user in recipients:
        pref = chosen.get(user.id)
        wants_app = pref.in_app if pref else True
        wants_email = mail_on and bool(user.email) and pref is not None and pref.email
        if not (wants_app or wants_email):
            continue
        notification = None
        with force_locale(user.locale or "id"):
            rendered = str(text)[:300]
            if wants_email:
                mail.queue(user, rendered, link)
        if wants_app:
            notification = Notification(user_id=user.id, kind=kind, text=rendered, link=link)
            db.session.add(notification)
        reached.append((user, notification))
    return reached


def notify(recipients: Iterable[User] | User, kind: str, text,
           link: str = "") -> list[Notification]:
    """Notify each recipient who receives this kind; returns the in-app notifications."""
    return [n for _user, n in deliver(recipients, kind, text, link) if n is not None]
