"""The officer pages' tests use the question-thread helpers and fixtures."""

import pytest

from kim_app.extensions import db as _db
from kim_app.models import MemberRole, Role
from tests.conftest import make_user
from tests.threads.conftest import agency, asker, kim, member, officer2, other  # noqa: F401


def agency_officer(slug: str, name: str):
    """A petugas working for the agency `slug` (People: petugas linked to an OPD)."""
    user = make_user(Role.PETUGAS, name=name, village=None)
    user.agency_id = agency(slug).id
    _db.session.commit()
    return user


@pytest.fixture
def dinkes_officer(app):
    return agency_officer("dinkes", "Bu Dinkes")


@pytest.fixture
def dispertan_officer(app):
    return agency_officer("dispertan", "Pak Dispertan")


@pytest.fixture
def pengurus(app):
    return member(kim(), MemberRole.KETUA, name="Ketua KIM")


@pytest.fixture
def people(warga, pengurus, petugas, dinkes_officer, dispertan_officer, admin):
    """Every role of the permission tables, by name."""
    return {"guest": None, "warga": warga, "pengurus": pengurus, "petugas": petugas,
            "dinkes": dinkes_officer, "dispertan": dispertan_officer, "admin": admin}
