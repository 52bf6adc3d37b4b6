"""Who may do what, by object. Routes ask these; no route decides on its own.

A request for something the user may not see answers 404 when the object is private (do
not reveal that it exists) and 403 otherwise: use `deny(private=...)`.
"""

from dataclasses import dataclass

from flask import abort, current_app
from sqlalchemy import select

from kim_app.extensions import db
from kim_app.models import (
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    User,
)


def deny(private: bool = False):
    abort(404 if private else 403)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def open_membership(user, group: KimGroup) -> Membership | None:
    """The user's pending or active membership of this group, if any."""
    if not _authenticated(user):
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.group_id == group.id,
            Membership.status.in_((MembershipStatus.PENDING, MembershipStatus.ACTIVE)),
        )
    )


def active_membership(user, group: KimGroup) -> Membership | None:
    membership = open_membership(user, group)
    return membership if membership and membership.status == MembershipStatus.ACTIVE else None


def is_pengurus(user, group: KimGroup) -> bool:
    membership = active_membership(user, group)
    return membership is not None and membership.role.is_pengurus


def is_admin(user) -> bool:
    return _authenticated(user) and user.is_admin


def is_petugas(user) -> bool:
    """Officers; admins can do whatever officers can."""
    return _authenticated(user) and user.is_petugas


def officer_agency_id(user) -> int | None:
    """The agency (OPD) a petugas works for; None for Diskominfo's general officers, for
    admins and for everyone who is not an officer."""
    if not is_petugas(user) or user.is_admin:
        return None
    return user.agency_id


def agency_scoped(user) -> bool:
    """A petugas of an agency, held to that agency's threads (`KIM_AGENCY_OFFICERS_SCOPED`)."""
    return officer_agency_id(user) is not None and current_app.config["AGENCY_OFFICERS_SCOPED"]


def may_work_on_thread(user, thread) -> bool:
    """Answer, write internal notes and reply as an officer: Diskominfo's petugas and the
    admins on every thread; a petugas of an agency only on the threads assigned to that
    agency. Verifying, rejecting and assigning stay with every officer (the dispatch)."""
    if not is_petugas(user):
        return False
    return not agency_scoped(user) or thread.agency_id == user.agency_id


def can_manage_answer_template(user, template) -> bool:
    """Officers keep the answer templates; a petugas of an agency only its own agency's
    (a new one is created for that agency). `template` None: creating one."""
    if not is_petugas(user):
        return False
    if officer_agency_id(user) is None:
        return True
    return template is None or template.agency_id == user.agency_id


def can_manage_kim(user, group: KimGroup) -> bool:
    """Pengurus of this group, or an admin."""
    return is_admin(user) or is_pengurus(user, group)


def group_ids_where(user: User, *, pengurus_only: bool = False) -> set[int]:
    """Ids of the groups where the user is an active member (or pengurus), in one query."""
    if not _authenticated(user):
        return set()
    query = select(Membership.group_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    if pengurus_only:
        query = query.where(Membership.role != MemberRole.ANGGOTA)
    return set(db.session.scalars(query))


# ---------------------------------------------------------------------------------------
# Business groups (kelompok usaha)


@dataclass(frozen=True)
class BusinessAuthority:
    """What one person may do in one business group, worked out in two small queries.

    A manager (pengelola) keeps the role only while still an active member of the group's
    KIM: someone who left or was removed from the KIM loses access at once.
    """

    membership: BusinessMember | None = None
    kim_member: bool = False
    kim_pengurus: bool = False
    admin: bool = False

    @property
    def manager(self) -> bool:
        return self.kim_member and self.membership is not None and self.membership.is_manager

    @property
    def manages_products(self) -> bool:
        """Create, edit, publish and delete the group's products and photos."""
        return self.admin or self.manager

    @property
    def leads(self) -> bool:
        """Edit the group's profile and decide join requests."""
        return self.admin or self.kim_pengurus or self.manager

    @property
    def appoints(self) -> bool:
        """Appoint and dismiss managers: the KIM's pengurus (and admins)."""
        return self.admin or self.kim_pengurus

    @property
    def records_sales(self) -> bool:
        """Record and correct the group's sales: its managers (and admins)."""
        return self.admin or self.manager

    @property
    def sees_figures(self) -> bool:
        """The group's monthly figures and sales list: its managers, the KIM's pengurus
        (and admins)."""
        return self.admin or self.kim_pengurus or self.manager

    @property
    def may_request_join(self) -> bool:
        return self.kim_member and self.membership is None


def business_authority(user, group: BusinessGroup) -> BusinessAuthority:
    if not _authenticated(user):
        return BusinessAuthority()
    kim_membership = active_membership(user, group.kim_group)
    membership = db.session.scalar(
        select(BusinessMember).where(
            BusinessMember.user_id == user.id,
            BusinessMember.business_group_id == group.id,
            BusinessMember.status.in_(
                (BusinessMemberStatus.PENDING, BusinessMemberStatus.ACTIVE)
            ),
        )
    )
    return BusinessAuthority(
        membership=membership,
        kim_member=kim_membership is not None,
        kim_pengurus=kim_membership is not None and kim_membership.role.is_pengurus,
        admin=is_admin(user),
    )
@dataclass(frozen=True)
class KimAuthority:
    """What one person may do in one KIM group, worked out once per request.

    - any pengurus (or an admin) decides join requests, removes anggota and edits the profile;
    - only a ketua (or an admin) appoints or demotes pengurus, changes roles and removes a
      pengurus (a non-ketua pengurus could only ever set anggota to anggota);
    - a pengurus of another KIM is a plain user here.
    """

    admin: bool
    role: MemberRole | None  # the person's active role in this group, if a member

    @property
    def manages(self) -> bool:
        return self.admin or (self.role is not None and self.role.is_pengurus)

    @property
    def appoints(self) -> bool:
        return self.admin or self.role == MemberRole.KETUA

    def may_change_role(self, membership: Membership) -> bool:
        return self.appoints

    def may_remove(self, membership: Membership) -> bool:
        return self.appoints if membership.role.is_pengurus else self.manages


def kim_authority(user, group: KimGroup) -> KimAuthority:
    membership = active_membership(user, group)
    return KimAuthority(admin=is_admin(user), role=membership.role if membership else None)


# ---------------------------------------------------------------------------------------
# The admin area (/admin/): each section asks its own rule; the area opens for anyone who
# may use at least one section (`kim_app.admin.sections`).


def can_admin_kim_groups(user) -> bool:
    """Create, rename, move, deactivate and reactivate KIM groups: admins only."""
    return is_admin(user)


def can_manage_reference_lists(user) -> bool:
    """Add, rename, reorder and switch off question categories and agencies: admins only.

    Officers use the lists (assigning a thread to an agency) but do not change them."""
    return is_admin(user)


# ---------------------------------------------------------------------------------------
# People (/admin/pengguna): officers find people and help them back into their account;
# only admins change roles or deactivate.


def can_view_people(user) -> bool:
    """Search people and open a person's page: officers and admins."""
    return is_petugas(user)


def can_manage_people(user) -> bool:
    """Set roles and agencies, deactivate and reactivate accounts: admins only."""
    return is_admin(user)


def can_issue_reset_code(user, person: User) -> bool:
    """Admins for anyone but themselves; officers for villagers only (a code for an officer's
    or admin's account would hand its powers to whoever holds the code)."""
    if not is_petugas(user) or person.deleted_at is not None or person.id == user.id:
        return False
    return is_admin(user) or person.role.value == "warga"


def can_request_reset_code(user, membership: Membership) -> bool:
    """A pengurus asks the officers for a code for another active member of their KIM."""
    return (membership.status == MembershipStatus.ACTIVE and membership.user_id != user.id
            and is_pengurus(user, membership.group))


# ---------------------------------------------------------------------------------------
# Moderation (/admin/moderasi) and the audit log (/admin/audit).


def can_moderate(user) -> bool:
    """Work the moderation queue, see hidden content and the original of a redacted reply,
    hide, restore, dismiss and redact: officers and admins."""
    return is_petugas(user)


def can_deactivate_from_queue(user) -> bool:
    """Deactivate the author of reported content from the queue: admins (as for people)."""
    return can_manage_people(user)


def can_read_audit_log(user) -> bool:
    """Read every audit event at /admin/audit: admins only."""
    return is_admin(user)
