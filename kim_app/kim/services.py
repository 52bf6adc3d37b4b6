"""KIM groups and their members: reading, the membership lifecycle, and the group profile.

The public sees active groups only; admins see inactive ones too (they manage them). An
inactive group (an admin's decision, `kim_app.admin.kim_groups.set_status`) is missing from
the directory, its pages answer 404 to everyone but admins, it takes no join requests, its
business groups and products leave the catalogue, it is no audience or relay for
announcements and no row in the KIM activity statistics; its memberships and history stay,
so reactivating brings it back as it was.

Membership rules (who may do what is `common.permissions.KimAuthority`; these are the
state rules, whoever acts):
- a person has at most one open membership (pending or active) per group; asking again
  while one is open is refused, and a person who was rejected, left or was removed may ask
  again (the old membership stays as history and pengurus see it next to the new request);
- only a pending request is decided, once: a second approval or rejection of the same
  request changes nothing and says what was decided;
- a group that has a ketua always keeps one: the last ketua cannot leave, be removed or be
  demoted until another member is ketua;
- every change is an audit event (who, what, why) in the same transaction, and the person
  it concerns is notified.

Changes to one group's memberships take a row lock on the group (PostgreSQL), so two
pengurus acting at the same moment are serialised and the rules above hold under races.
"""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import Select, case, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from kim_app.common.audit import record
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    AuditEvent,
    District,
    KimGroup,
    KimStatus,
    MemberRole,
    Membership,
    MembershipStatus,
    User,
    Village,
    utcnow,
)
from kim_app.moderation import visibility
from kim_app.notifications.delivery import notify

ROLE_LABELS = {
    MemberRole.KETUA: _l("Ketua"),
    MemberRole.SEKRETARIS: _l("Sekretaris"),
    MemberRole.BENDAHARA: _l("Bendahara"),
    MemberRole.ANGGOTA: _l("Anggota"),
}
STATUS_LABELS = {
    MembershipStatus.PENDING: _l("Menunggu persetujuan"),
    MembershipStatus.ACTIVE: _l("Anggota aktif"),
    MembershipStatus.REJECTED: _l("Ditolak"),
    MembershipStatus.LEFT: _l("Sudah keluar"),
    MembershipStatus.REMOVED: _l("Dikeluarkan"),
}
PROFILE_FIELD_LABELS = {
    "name": _l("nama"),
    "village_code": _l("desa/kelurahan"),
    "description": _l("deskripsi"),
    "contact": _l("kontak"),
    "founded_on": _l("tanggal dibentuk"),
}
MEMBERS_PER_PAGE = 50
PENDING_SHOWN = 50
HISTORY_PER_PAGE = 30

_ROLE_ORDER = case(
    {MemberRole.KETUA: 0, MemberRole.SEKRETARIS: 1, MemberRole.BENDAHARA: 2},
    value=Membership.role,
    else_=3,
)


class MembershipError(Exception):
    """A membership change the rules refuse; `message` says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------------------------------
# Reading groups


def _active_count():
    """Active members of the row's group, counted per listed group from
    `ix_membership_group_status` (a page of groups costs the same at any size)."""
    return (
        select(func.count()).select_from(Membership)
        .where(Membership.group_id == KimGroup.id, Membership.status == MembershipStatus.ACTIVE)
        .correlate(KimGroup)
        .scalar_subquery()
    )


def directory_query(district_code: str | None = None, search: str = "", *,
                    include_inactive: bool = False) -> Select:
    """Groups with their active member counts, by kecamatan then name, as one query.

    `search` matches the group's name or its village's name, case-insensitively. The
    public directory pages it (`directory`); the admin list adds its filters and pages it.
    """
    query = (
        select(KimGroup, _active_count())
        .join(KimGroup.village)
        .join(Village.district)
        .options(contains_eager(KimGroup.village).contains_eager(Village.district))
        .order_by(District.name, KimGroup.name, KimGroup.id)
    )
    if not include_inactive:
        query = query.where(KimGroup.status == KimStatus.AKTIF)
    if district_code:
        query = query.where(Village.district_code == district_code)
    search = search.strip().lower()
    if search:
        query = query.where(or_(
            func.lower(KimGroup.name).contains(search, autoescape=True),
            func.lower(Village.name).contains(search, autoescape=True),
        ))
    return query


# KIMs a directory page shows before "Muat lebih banyak": Pati's 18 on one page, and no
# more than a phone scrolls through comfortably when there are hundreds.
DIRECTORY_PAGE = 24


def directory(district_code: str | None = None, search: str = "", *,
              include_inactive: bool = False, viewer=None, after: int | None = None,
              limit: int | None = None) -> tuple[list[tuple[KimGroup, int]], int | None]:
    """One page of the public directory (hidden KIMs only for their pengurus and
    moderators) after the group `after` (keyset on kecamatan name, group name, id,
    compared as a row) and the id to continue after, or None at the end."""
    limit = limit or DIRECTORY_PAGE
    query = directory_query(district_code, search, include_inactive=include_inactive)
    query = query.where(visibility.kim_clause(viewer))
    if after is not None:
        cursor = db.session.execute(
            select(District.name, KimGroup.name).select_from(KimGroup)
            .join(KimGroup.village).join(Village.district).where(KimGroup.id == after)).first()
        if cursor is not None:
            query = query.where(tuple_(District.name, KimGroup.name, KimGroup.id)
                                > tuple_(cursor[0], cursor[1], after))
    rows = [(group, count) for group, count in db.session.execute(query.limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1][0].id if more else None)


def districts_with_groups() -> list[tuple[str, str, int]]:
    """Kecamatan that have at least one active group, with the number of groups."""
    return [tuple(row) for row in db.session.execute(
        select(District.code, District.name, func.count(KimGroup.id))
        .join(Village, Village.district_code == District.code)
        .join(KimGroup, KimGroup.village_code == Village.code)
        .where(visibility.public_kim_clause())
        .group_by(District.code, District.name)
        .order_by(District.name)
    )]


def get_by_slug(slug: str, *, include_inactive: bool = False) -> KimGroup | None:
    query = select(KimGroup).where(KimGroup.slug == slug)
    if not include_inactive:
        query = query.where(KimGroup.status == KimStatus.AKTIF)
    return db.session.scalar(query)


def member_count(group: KimGroup) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.group_id == group.id, Membership.status == MembershipStatus.ACTIVE
        )
    ) or 0


def pengurus_of(group: KimGroup) -> list[Membership]:
    """Active pengurus, ketua first, with their accounts (one query)."""
    return list(db.session.scalars(
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(
            Membership.group_id == group.id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role != MemberRole.ANGGOTA,
        )
        .order_by(_ROLE_ORDER, User.name)
    ))


def pending_requests(group: KimGroup) -> tuple[list[Membership], int]:
    """The oldest waiting requests (bounded) and how many wait in all."""
    rows = list(db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.user))
        .where(Membership.group_id == group.id, Membership.status == MembershipStatus.PENDING)
        .order_by(Membership.requested_at, Membership.id)
        .limit(PENDING_SHOWN)
    ))
    total = db.session.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.group_id == group.id, Membership.status == MembershipStatus.PENDING
        )
    ) or 0
    return rows, total


def past_memberships(group: KimGroup, user_ids: list[int]) -> dict[int, Membership]:
    """Each person's latest closed membership of the group (rejected, left, removed)."""
    if not user_ids:
        return {}
    rows = db.session.scalars(
        select(Membership)
        .where(
            Membership.group_id == group.id,
            Membership.user_id.in_(user_ids),
            Membership.status.not_in((MembershipStatus.PENDING, MembershipStatus.ACTIVE)),
        )
        .order_by(Membership.decided_at, Membership.id)
    )
    return {row.user_id: row for row in rows}


@dataclass
class MemberPage:
    members: list[Membership]
    total: int
    page: int
    pages: int


def active_members(group: KimGroup, page: int = 1) -> MemberPage:
    """Active members, pengurus first then by name, one page at a time."""
    total = member_count(group)
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    page = min(max(page, 1), pages)
    members = list(db.session.scalars(
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(Membership.group_id == group.id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(_ROLE_ORDER, User.name, Membership.id)
        .limit(MEMBERS_PER_PAGE)
        .offset((page - 1) * MEMBERS_PER_PAGE)
    ))
    return MemberPage(members, total, page, pages)


def history(group: KimGroup, before_id: int | None = None) -> tuple[list[AuditEvent], bool]:
    """The group's audit events, newest first, a page at a time; and whether older exist."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.kim_group_id == group.id)
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_PER_PAGE + 1)
    )
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    events = list(db.session.scalars(query))
    return events[:HISTORY_PER_PAGE], len(events) > HISTORY_PER_PAGE


def memberships_of(user: User) -> list[Membership]:
    """The person's open memberships (active and pending) with their groups."""
    return list(db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.group))
        .where(
            Membership.user_id == user.id,
            Membership.status.in_((MembershipStatus.ACTIVE, MembershipStatus.PENDING)),
        )
        .order_by(Membership.status, Membership.requested_at.desc())
    ))


def _lock(group: KimGroup) -> None:
    """Serialise membership changes of one group (on SQLite the request already holds the
    write lock: `database` begins every writing request with BEGIN IMMEDIATE)."""
    db.session.execute(select(KimGroup.id).where(KimGroup.id == group.id).with_for_update())


def _fresh(membership: Membership) -> Membership:
    """Re-read a membership after taking the lock, so a decision made meanwhile is seen."""
    return db.session.scalars(
        select(Membership).where(Membership.id == membership.id)
        .execution_options(populate_existing=True)
    ).one()


def ketua_count(group: KimGroup) -> int:
    """Active ketua of the group whose accounts are active: a ketua whose account was
    deactivated cannot lead, so does not count towards "another ketua remains"."""
    return db.session.scalar(
        select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
        .where(
            Membership.group_id == group.id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role == MemberRole.KETUA,
            User.active.is_(True),
        )
    ) or 0


def is_last_ketua(membership: Membership) -> bool:
    return (membership.status == MembershipStatus.ACTIVE
            and membership.role == MemberRole.KETUA
            and membership.user.active
            and ketua_count(membership.group) <= 1)


def groups_where_last_ketua(user: User) -> list[KimGroup]:
    """The groups in which this person is the only active ketua: before the account is
    deactivated or deleted, another member must become ketua there."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id,
                                 Membership.status == MembershipStatus.ACTIVE,
                                 Membership.role == MemberRole.KETUA)
    )
    return [m.group for m in memberships if is_last_ketua(m)]


def _group_link(group: KimGroup) -> str:
    return url_for("kim.show", slug=group.slug)


def _audit(actor, action: str, membership: Membership, reason: str = "", **detail) -> None:
    record(actor, action, "membership", membership.id, kim_group_id=membership.group_id,
           reason=reason, member_id=membership.user_id, member_name=membership.user.name,
           **detail)


def _open_membership(user: User, group: KimGroup) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.group_id == group.id,
            Membership.status.in_((MembershipStatus.PENDING, MembershipStatus.ACTIVE)),
        ).execution_options(populate_existing=True)
    )


def request_join(user: User, group: KimGroup, message: str = "") -> Membership:
    if not group.is_active:
        raise MembershipError(_l("KIM ini sedang tidak aktif dan tidak menerima anggota baru."))
    _lock(group)
    current = _open_membership(user, group)
    if current is not None and current.status == MembershipStatus.PENDING:
        raise MembershipError(_l("Anda sudah meminta bergabung. Permintaan Anda sedang "
                                 "menunggu persetujuan pengurus."))
    if current is not None:
        raise MembershipError(_l("Anda sudah menjadi anggota KIM ini."))
    membership = Membership(user=user, group=group, message=message.strip(),
                            status=MembershipStatus.PENDING, role=MemberRole.ANGGOTA)
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:  # a parallel request from the same person won the race
        db.session.rollback()
        raise MembershipError(_l("Anda sudah meminta bergabung. Permintaan Anda sedang "
                                 "menunggu persetujuan pengurus.")) from None
    _audit(user, "membership.request", membership)
    pengurus = [m.user for m in pengurus_of(group)]
    notify(pengurus, "membership.requested",
           _l("%(name)s meminta bergabung dengan %(kim)s.", name=user.name, kim=group.name),
           link=url_for("kim.members", slug=group.slug))
    return membership


def cancel_request(user: User, group: KimGroup) -> Membership:
    _lock(group)
    current = _open_membership(user, group)
    if current is None or current.status != MembershipStatus.PENDING:
        raise MembershipError(_l("Tidak ada permintaan bergabung yang bisa dibatalkan."))
    # A cancelled request is closed like a departure; the row stays as history.
    current.status = MembershipStatus.LEFT
    current.decided_at = utcnow()
    current.decided_by = user
    _audit(user, "membership.cancel", current)
    return current


def leave(user: User, group: KimGroup) -> Membership:
    _lock(group)
    current = _open_membership(user, group)
    if current is None or current.status != MembershipStatus.ACTIVE:
        raise MembershipError(_l("Anda bukan anggota KIM ini."))
    if is_last_ketua(current):
        raise MembershipError(_l("Anda ketua terakhir KIM ini. Angkat anggota lain menjadi "
                                 "ketua terlebih dahulu, baru Anda bisa keluar."))
    current.status = MembershipStatus.LEFT
    current.decided_at = utcnow()
    current.decided_by = user
    _audit(user, "membership.leave", current, role=current.role.value)
    return current


def _already_decided(membership: Membership) -> MembershipError:
    if membership.status == MembershipStatus.ACTIVE:
        message = _l("Permintaan %(name)s sudah disetujui sebelumnya. Tidak ada yang diubah.",
                     name=membership.user.name)
    elif membership.status == MembershipStatus.REJECTED:
        message = _l("Permintaan %(name)s sudah ditolak sebelumnya. Tidak ada yang diubah.",
                     name=membership.user.name)
    else:
        message = _l("Permintaan %(name)s sudah tidak berlaku (dibatalkan atau sudah "
                     "diputuskan). Tidak ada yang diubah.", name=membership.user.name)
    return MembershipError(message)


def approve(actor: User, membership: Membership, reason: str = "") -> Membership:
    _lock(membership.group)
    membership = _fresh(membership)
    if membership.status != MembershipStatus.PENDING:
        raise _already_decided(membership)
    membership.status = MembershipStatus.ACTIVE
    membership.role = MemberRole.ANGGOTA
    membership.decided_at = utcnow()
    membership.decided_by = actor
    membership.reason = reason.strip()
    _audit(actor, "membership.approve", membership, reason)
    group = membership.group
    notify(membership.user, "membership.approved",
           _l("Permintaan Anda bergabung dengan %(kim)s disetujui. Selamat datang!",
              kim=group.name),
           link=_group_link(group))
    return membership


def reject(actor: User, membership: Membership, reason: str = "") -> Membership:
    _lock(membership.group)
    membership = _fresh(membership)
    if membership.status != MembershipStatus.PENDING:
        raise _already_decided(membership)
    reason = reason.strip()
    membership.status = MembershipStatus.REJECTED
    membership.decided_at = utcnow()
    membership.decided_by = actor
    membership.reason = reason
    _audit(actor, "membership.reject", membership, reason)
    group = membership.group
    text = (_l("Permintaan Anda bergabung dengan %(kim)s ditolak. Alasan: %(reason)s",
               kim=group.name, reason=reason) if reason else
            _l("Permintaan Anda bergabung dengan %(kim)s ditolak.", kim=group.name))
    notify(membership.user, "membership.rejected", text, link=_group_link(group))
    return membership


def _must_be_active(membership: Membership) -> None:
    if membership.status != MembershipStatus.ACTIVE:
        raise MembershipError(_l("%(name)s bukan lagi anggota aktif KIM ini. Tidak ada yang "
                                 "diubah.", name=membership.user.name))


def change_role(actor: User, membership: Membership, role: MemberRole,
                reason: str = "") -> Membership:
    _lock(membership.group)
    membership = _fresh(membership)
    _must_be_active(membership)
    if membership.role == role:
        raise MembershipError(_l("%(name)s sudah berperan sebagai %(role)s.",
                                 name=membership.user.name, role=ROLE_LABELS[role]))
    if role != MemberRole.KETUA and is_last_ketua(membership):
        raise MembershipError(_l("%(name)s adalah ketua terakhir. Angkat ketua lain terlebih "
                                 "dahulu.", name=membership.user.name))
    old = membership.role
    membership.role = role
    _audit(actor, "membership.role_change", membership, reason, **{"from": old.value,
                                                                  "to": role.value})
    group = membership.group
    notify(membership.user, "membership.role_changed",
           _l("Peran Anda di %(kim)s sekarang %(role)s.", kim=group.name, role=ROLE_LABELS[role]),
           link=_group_link(group))
    return membership


def remove(actor: User, membership: Membership, reason: str = "") -> Membership:
    _lock(membership.group)
    membership = _fresh(membership)
    _must_be_active(membership)
    if membership.user_id == actor.id:
        raise MembershipError(_l("Anda tidak dapat mengeluarkan diri sendiri. Gunakan tombol "
                                 "“Keluar dari KIM” di halaman KIM."))
    if is_last_ketua(membership):
        raise MembershipError(_l("%(name)s adalah ketua terakhir dan tidak dapat dikeluarkan. "
                                 "Angkat ketua lain terlebih dahulu.", name=membership.user.name))
    reason = reason.strip()
    membership.status = MembershipStatus.REMOVED
    membership.decided_at = utcnow()
    membership.decided_by = actor
    membership.reason = reason
    _audit(actor, "membership.remove", membership, reason, role=membership.role.value)
    group = membership.group
    text = (_l("Anda dikeluarkan dari %(kim)s. Alasan: %(reason)s", kim=group.name,
               reason=reason) if reason else
            _l("Anda dikeluarkan dari %(kim)s.", kim=group.name))
    notify(membership.user, "membership.removed", text, link=_group_link(group))
    return membership


# ---------------------------------------------------------------------------------------
# The group's profile (pengurus; admins also rename and move a group, `kim_app.admin`)


def update_profile(actor: User, group: KimGroup, *, description: str, contact: str,
                   founded_on: date | None, name: str | None = None,
                   village_code: str | None = None) -> list[str]:
    """Save the profile; `name` and `village_code` are the admin's. Returns changed fields."""
    values = {"description": description.strip(), "contact": contact.strip(),
              "founded_on": founded_on}
    if name is not None:
        values["name"] = name.strip()
    if village_code is not None:
        values["village_code"] = village_code
    changed = [field for field, value in values.items() if getattr(group, field) != value]
    for field in changed:
        setattr(group, field, values[field])
    if changed:
        record(actor, "kim.update", "kim_group", group.id, kim_group_id=group.id,
               fields=changed)
    return changed
