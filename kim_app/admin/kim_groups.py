"""KIM groups themselves, kept by admins: the list, creating, renaming, moving, status.

- A group's slug (its address, `/kim/<slug>`) comes from its name when it is created and
  never changes afterwards, so links that were shared keep working after a rename; a
  leading "KIM" is dropped, a taken slug gets a number, and the paths under `/kim/` that
  are not groups are never taken.
- A group is identified with its village by official code; renaming or moving it, like
  the pengurus' own profile changes, is `kim.services.update_profile`.
- Deactivating hides a group without losing anything (what "inactive" means everywhere is
  written in `kim_app.kim.services`); a change to the status it already has is refused.
- Every change is an audit event in the group's history ("kim.create", "kim.update",
  "kim.deactivate", "kim.activate"), in the same transaction.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, tuple_

from kim_app.common.audit import record
from kim_app.common.unique import add_with_slug, free_slug, slugify
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.kim.services import directory_query
from kim_app.models import District, KimGroup, KimStatus, User, Village

STATUS_LABELS = {KimStatus.AKTIF: _l("Aktif"), KimStatus.NONAKTIF: _l("Nonaktif")}
# Paths under /kim/ that a slug must not take.
RESERVED_SLUGS = {"baru"}
PAGE_SIZE = 25


@dataclass(frozen=True)
class Filters:
    search: str = ""
    district_code: str = ""
    status: KimStatus | None = None


def listing(filters: Filters, after: int | None = None,
            limit: int | None = None) -> tuple[list[tuple[KimGroup, int]], int | None]:
    """One page of groups (inactive ones too) with their active member counts, by kecamatan
    then name, after the cursor group `after`; and the cursor of the next page (or None).

    The search is the public directory's (the group's or the village's name)."""
    limit = limit or PAGE_SIZE
    query = directory_query(filters.district_code or None, filters.search,
                            include_inactive=True)
    if filters.status is not None:
        query = query.where(KimGroup.status == filters.status)
    if after:
        cursor = db.session.execute(
            select(District.name, KimGroup.name)
            .join(Village, Village.code == KimGroup.village_code)
            .join(District, District.code == Village.district_code)
            .where(KimGroup.id == after)
        ).one_or_none()
        if cursor is not None:
            query = query.where(
                tuple_(District.name, KimGroup.name, KimGroup.id) > (*cursor, after))
    rows = [(group, count) for group, count in
            db.session.execute(query.order_by(KimGroup.id).limit(limit + 1)).unique()]
    next_cursor = rows[limit - 1][0].id if len(rows) > limit else None
    return rows[:limit], next_cursor


def slug_for(name: str) -> str:
    """A URL slug from a group's name: "KIM Sido Makmur" → "sido-makmur", unique."""
    base = slugify(re.sub(r"^\s*kim\b", "", name, flags=re.IGNORECASE), 70) or "kim"
    return free_slug(KimGroup.slug, base, reserved=RESERVED_SLUGS)


def create_group(actor: User, *, name: str, village_code: str, description: str = "",
                 contact: str = "", founded_on: date | None = None) -> KimGroup:
    group = KimGroup(name=name.strip(), slug=slug_for(name), village_code=village_code,
                     description=description.strip(), contact=contact.strip(),
                     founded_on=founded_on, status=KimStatus.AKTIF)
    add_with_slug(group, lambda: slug_for(name))
    record(actor, "kim.create", "kim_group", group.id, kim_group_id=group.id, name=group.name)
    return group


def switched_status(group: KimGroup) -> KimStatus:
    """The status an admin may switch the group to: the other one."""
    return KimStatus.NONAKTIF if group.is_active else KimStatus.AKTIF


def set_status(actor: User, group: KimGroup, status: KimStatus, reason: str = "") -> bool:
    """Deactivate or reactivate a group; returns False when it already had that status."""
    if group.status == status:
        return False
    group.status = status
    action = "kim.activate" if status == KimStatus.AKTIF else "kim.deactivate"
    record(actor, action, "kim_group", group.id, kim_group_id=group.id, reason=reason.strip())
    return True
