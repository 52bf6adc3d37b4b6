"""What a person chooses to receive, per category of notification.

A kind is dotted, "area.event"; its *category* is the area ("membership", "thread",
"info", "business" …). People choose per category whether they receive it in the app and
by email (`NotificationPreference`; without a row: in the app yes, email no).
"""

from collections.abc import Iterable

from sqlalchemy import select

from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import NotificationPreference

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


def chosen(user_ids: Iterable[int], category: str) -> dict[int, NotificationPreference]:
    """The stored choices of these people for one category (people without a row: absent)."""
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


def _stored(user) -> dict[str, NotificationPreference]:
    return {
        pref.category: pref
        for pref in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }


def table(user) -> list[tuple[str, str, bool, bool]]:
    """(category, label, in_app, email) for every category, defaults filled in."""
    stored = _stored(user)
    rows = []
    for key, label in CATEGORIES.items():
        pref = stored.get(key)
        rows.append((key, str(label), pref.in_app if pref else True, pref.email if pref else False))
    return rows


def save(user, in_app: set[str], email: set[str]) -> None:
    """Store the person's choice for every category (unknown keys are ignored)."""
    stored = _stored(user)
    for key in CATEGORIES:
        pref = stored.get(key)
        if pref is None:
            pref = NotificationPreference(user_id=user.id, category=key)
            db.session.add(pref)
        pref.in_app = key in in_app
        pref.email = key in email
