"""People for the permission tables of the loop (issue 16): officers of the thread's agency
and of another one, Diskominfo's petugas, a KIM's pengurus, a villager and a guest."""

from sqlalchemy import select

from kim_app.extensions import db as _db
from kim_app.models import Agency, MemberRole, Role
from tests.conftest import login, make_user
from tests.threads.conftest import kim, member

ROLES = ("agency", "other_agency", "diskominfo", "pengurus", "warga", "guest")


def agency_officer(slug: str, name: str):
    user = make_user(Role.PETUGAS, name=name, village=None)
    user.agency_id = _db.session.scalar(select(Agency.id).where(Agency.slug == slug))
    _db.session.commit()
    return user


def person_for(role: str):
    """A person in this role (None for a guest); the thread's agency is Dinkes."""
    if role == "agency":
        return agency_officer("dinkes", "Bu Dinkes")
    if role == "other_agency":
        return agency_officer("disdukcapil", "Pak Dukcapil")
    if role == "diskominfo":
        return make_user(Role.PETUGAS, name="Pak Diskominfo", village=None)
    if role == "pengurus":
        return member(kim(), role=MemberRole.KETUA, name="Bu Ketua")
    if role == "warga":
        return make_user(Role.WARGA, name="Pak Warga")
    return None


def as_role(client, role: str):
    user = person_for(role)
    if user is not None:
        login(client, user)
    return user
