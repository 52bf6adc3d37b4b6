"""People and accounts, for admins and officers (`/admin/pengguna`).

Rules:
- officers and admins search people (name, phone, village, role, status) and open a
  person's page; only admins set a role (warga | petugas | admin), a petugas's agency, or
  deactivate and reactivate an account (`common.permissions`);
- nobody changes their own role or deactivates themselves (an admin cannot lock the portal
  out of its last admin by mistake);
- deactivating ends every session and keeps the person's content; where the person is the
  last active ketua of a KIM, a successor among its active members is named first (when the
  KIM has nobody else, there is nobody to hand over to and the KIM is left as it is);
- every change is an audit event with the admin and the reason they gave.
"""

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from kim_app.common import audit
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.kim import services as kim_services
from kim_app.models import (
    Agency,
    AuditEvent,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Role,
    Thread,
    User,
    Village,
)

PAGE_SIZE = 25
STATUSES = ("aktif", "nonaktif", "terhapus")


class PeopleError(Exception):
    pass


@dataclass
class Filters:
    q: str = ""
    district: str = ""
    village: str = ""
    role: str = ""
    status: str = ""

    @property
    def active(self) -> bool:
        return any((self.q, self.district, self.village, self.role, self.status))


def _phone_digits(q: str) -> str | None:
    """The digits to look for when the search is a (part of a) phone number."""
    if any(ch.isalpha() for ch in q):
        return None
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) < 4:
        return None
    if digits.startswith("08"):  # a local number, 0812… = +62812…
        digits = "62" + digits[1:]
    return digits


def search(filters: Filters, before_id: int | None = None) -> tuple[list[User], bool]:
    """People matching the filters, newest account first, one page; and whether more follow."""
    query = select(User)
    q = filters.q.strip()
    if q:
        digits = _phone_digits(q)
        if digits:
            query = query.where(User.phone.contains(digits, autoescape=True))
        else:
            query = query.where(or_(func.lower(User.name).contains(q.lower(), autoescape=True),
                                    func.lower(User.email) == q.lower()))
    if filters.village:
        query = query.where(User.village_code == filters.village)
    elif filters.district:
        query = query.where(User.village_code.in_(
            select(Village.code).where(Village.district_code == filters.district)))
    if filters.role in {role.value for role in Role}:
        query = query.where(User.role == Role(filters.role))
    if filters.status == "aktif":
        query = query.where(User.active.is_(True))
    elif filters.status == "nonaktif":
        query = query.where(User.active.is_(False), User.deleted_at.is_(None))
    elif filters.status == "terhapus":
        query = query.where(User.deleted_at.is_not(None))
    if before_id:
        query = query.where(User.id < before_id)
    rows = list(db.session.scalars(query.order_by(User.id.desc()).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


@dataclass
class PersonPage:
    person: User
    memberships: list[Membership]
    questions: list[Thread]
    question_count: int
    events: list[AuditEvent]


def person_page(person: User) -> PersonPage:
    memberships = list(db.session.scalars(
        select(Membership).where(Membership.user_id == person.id)
        .order_by(Membership.requested_at.desc()).limit(20)
    ))
    questions = list(db.session.scalars(
        select(Thread).where(Thread.author_id == person.id)
        .order_by(Thread.created_at.desc()).limit(10)
    ))
    count = db.session.scalar(
        select(func.count()).select_from(Thread).where(Thread.author_id == person.id)) or 0
    events = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "user",
                                 AuditEvent.object_id == person.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(20)
    ))
    return PersonPage(person, memberships, questions, count, events)


def agencies() -> list[Agency]:
    return list(db.session.scalars(
        select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))


def set_role(admin: User, person: User, role: Role, agency: Agency | None, reason: str) -> bool:
    """Give the person a role (and, for a petugas, optionally an agency). Returns False when
    nothing changed."""
    if person.id == admin.id:
        raise PeopleError(_l("Anda tidak dapat mengubah peran Anda sendiri."))
    if person.deleted_at is not None:
        raise PeopleError(_l("Akun ini sudah dihapus."))
    agency_id = agency.id if agency is not None and role == Role.PETUGAS else None
    if person.role == role and person.agency_id == agency_id:
        return False
    old_role, old_agency = person.role, person.agency_id
    person.role, person.agency_id = role, agency_id
    audit.record(admin, "user.role_change", "user", person.id, reason=reason.strip(),
                 **{"from": old_role.value, "to": role.value, "agency_from": old_agency,
                    "agency_to": agency_id})
    return True


def handover_candidates(person: User) -> dict[int, tuple[KimGroup, list[Membership]]]:
    """For each KIM where the person is the last active ketua: the active members who
    could take over."""
    result = {}
    for group in kim_services.groups_where_last_ketua(person):
        members = list(db.session.scalars(
            select(Membership).join(User, User.id == Membership.user_id).where(
                Membership.group_id == group.id, Membership.status == MembershipStatus.ACTIVE,
                Membership.user_id != person.id, User.active.is_(True))
            .order_by(User.name)
        ))
        result[group.id] = (group, members)
    return result


def deactivate(admin: User, person: User, reason: str,
               successors: dict[int, int] | None = None) -> None:
    """Deactivate the account; `successors` maps a KIM id to the membership id of the member
    who becomes ketua there. Raises PeopleError naming what is missing."""
    if person.id == admin.id:
        raise PeopleError(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if not person.active:
        raise PeopleError(_l("Akun ini sudah nonaktif."))
    successors = successors or {}
    for group_id, (group, members) in handover_candidates(person).items():
        if not members:
            continue
        chosen = next((m for m in members if m.id == successors.get(group_id)), None)
        if chosen is None:
            raise PeopleError(_l("%(name)s adalah ketua terakhir %(kim)s. Pilih anggota yang "
                                 "menjadi ketua penggantinya.", name=person.name,
                                 kim=group.name))
        kim_services.change_role(admin, chosen, MemberRole.KETUA,
                                 reason=str(_l("Pengganti ketua yang dinonaktifkan")))
    person.active = False
    person.end_sessions()
    audit.record(admin, "user.deactivate", "user", person.id, reason=reason.strip())


def reactivate(admin: User, person: User, reason: str) -> None:
    if person.deleted_at is not None:
        raise PeopleError(_l("Akun ini sudah dihapus pemiliknya dan tidak dapat diaktifkan."))
    if person.active:
        raise PeopleError(_l("Akun ini sudah aktif."))
    person.active = True
    audit.record(admin, "user.reactivate", "user", person.id, reason=reason.strip())
