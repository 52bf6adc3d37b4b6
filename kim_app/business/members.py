"""The people of a business group: managers (pengelola) and members.

The KIM's pengurus (or an admin) appoint managers from the KIM's active members. Members of
the KIM may ask to join; managers and the KIM's pengurus decide. Nobody who is not an active
member of the KIM can be appointed or accepted.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kim_app.business.errors import BusinessError
from kim_app.common.audit import record
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    KimGroup,
    MembershipStatus,
    User,
    utcnow,
)
from kim_app.models import Membership as KimMembership
from kim_app.notifications.delivery import notify

OPEN = (BusinessMemberStatus.PENDING, BusinessMemberStatus.ACTIVE)


def _active_kim_member(user_id: int, kim_group: KimGroup) -> bool:
    return db.session.scalar(
        select(KimMembership.id).where(
            KimMembership.user_id == user_id, KimMembership.group_id == kim_group.id,
            KimMembership.status == MembershipStatus.ACTIVE,
        )
    ) is not None


def open_memberships(group: BusinessGroup) -> list[BusinessMember]:
    """Open memberships (managers first, then members, then requests), with their users."""
    return list(db.session.scalars(
        select(BusinessMember).options(selectinload(BusinessMember.user))
        .where(BusinessMember.business_group_id == group.id, BusinessMember.status.in_(OPEN))
        .order_by(BusinessMember.status, BusinessMember.role.desc(), BusinessMember.requested_at)
    ))


def appointable(group: BusinessGroup) -> list[User]:
    """Active members of the KIM who are not managers of this group yet."""
    managers = select(BusinessMember.user_id).where(
        BusinessMember.business_group_id == group.id,
        BusinessMember.status == BusinessMemberStatus.ACTIVE,
        BusinessMember.role == BusinessRole.PENGELOLA,
    )
    return list(db.session.scalars(
        select(User).join(KimMembership, KimMembership.user_id == User.id)
        .where(KimMembership.group_id == group.kim_group_id,
               KimMembership.status == MembershipStatus.ACTIVE,
               User.active.is_(True), User.id.not_in(managers))
        .order_by(User.name)
    ))


def _open_membership(user_id: int, group: BusinessGroup) -> BusinessMember | None:
    return db.session.scalar(select(BusinessMember).where(
        BusinessMember.user_id == user_id, BusinessMember.business_group_id == group.id,
        BusinessMember.status.in_(OPEN),
    ))


def _link(group: BusinessGroup) -> str:
    return f"/usaha/{group.slug}"


def appoint_manager(actor: User, group: BusinessGroup, user_id: int) -> BusinessMember:
    user = db.session.get(User, user_id)
    if user is None or not user.active or not _active_kim_member(user_id, group.kim_group):
        raise BusinessError(_l("Pengelola harus anggota aktif %(kim)s.",
                               kim=group.kim_group.name))
    member = _open_membership(user_id, group)
    if member is None:
        member = BusinessMember(business_group=group, user=user)
        db.session.add(member)
    elif member.is_manager:
        raise BusinessError(_l("%(name)s sudah menjadi pengelola.", name=user.name))
    member.role = BusinessRole.PENGELOLA
    member.status = BusinessMemberStatus.ACTIVE
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    db.session.flush()
    record(actor, "business.appoint_manager", "business_member", member.id,
           kim_group_id=group.kim_group_id, user_id=user.id)
    notify(user, "business.manager",
           _l("Anda ditunjuk sebagai pengelola %(group)s.", group=group.name), link=_link(group))
    return member


def dismiss_manager(actor: User, group: BusinessGroup, member: BusinessMember) -> None:
    """The person stays a member of the group, without the manager's rights."""
    if not member.is_manager:
        raise BusinessError(_l("Orang ini bukan pengelola."))
    member.role = BusinessRole.ANGGOTA
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    record(actor, "business.dismiss_manager", "business_member", member.id,
           kim_group_id=group.kim_group_id, user_id=member.user_id)
    notify(member.user, "business.manager",
           _l("Anda tidak lagi menjadi pengelola %(group)s.", group=group.name),
           link=_link(group))


def request_join(user: User, group: BusinessGroup, message: str = "") -> BusinessMember:
    if not _active_kim_member(user.id, group.kim_group):
        raise BusinessError(_l("Hanya anggota aktif %(kim)s yang dapat bergabung.",
                               kim=group.kim_group.name))
    if _open_membership(user.id, group) is not None:
        raise BusinessError(_l("Anda sudah anggota atau sudah meminta bergabung."))
    member = BusinessMember(business_group=group, user=user, message=(message or "").strip())
    db.session.add(member)
    db.session.flush()
    managers = [m.user for m in open_memberships(group) if m.is_manager]
    notify(managers, "business.join_request",
           _l("%(name)s ingin bergabung dengan %(group)s.", name=user.name, group=group.name),
           link=f"{_link(group)}/kelola")
    return member


def decide(actor: User, group: BusinessGroup, member: BusinessMember, accept: bool) -> None:
    if member.status != BusinessMemberStatus.PENDING:
        raise BusinessError(_l("Permintaan ini sudah diputuskan."))
    if accept and not _active_kim_member(member.user_id, group.kim_group):
        raise BusinessError(_l("%(name)s bukan lagi anggota aktif %(kim)s.",
                               name=member.user.name, kim=group.kim_group.name))
    member.status = BusinessMemberStatus.ACTIVE if accept else BusinessMemberStatus.REJECTED
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    record(actor, "business.approve" if accept else "business.reject", "business_member",
           member.id, kim_group_id=group.kim_group_id, user_id=member.user_id)
    text = (_l("Permintaan Anda bergabung dengan %(group)s diterima.", group=group.name)
            if accept else
            _l("Permintaan Anda bergabung dengan %(group)s ditolak.", group=group.name))
    notify(member.user, "business.join_decision", text, link=_link(group))


def remove_member(actor: User, group: BusinessGroup, member: BusinessMember) -> None:
    if member.status != BusinessMemberStatus.ACTIVE:
        raise BusinessError(_l("Orang ini bukan anggota kelompok usaha."))
    member.status = BusinessMemberStatus.REMOVED
    member.decided_at = utcnow()
    member.decided_by_id = actor.id
    record(actor, "business.remove_member", "business_member", member.id,
           kim_group_id=group.kim_group_id, user_id=member.user_id)
