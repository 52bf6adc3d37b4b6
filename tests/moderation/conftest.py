"""Content of every reportable kind, people old enough to report it, and reporting helpers."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kim_app.extensions import db as _db
from kim_app.info import services as info_services
from kim_app.models import Audience, MemberRole, Report, Role, User, utcnow
from kim_app.moderation import content
from kim_app.threads import lifecycle
from tests import business_factories as shop
from tests.conftest import login, make_user
from tests.threads.conftest import kim, member, new_thread

PHONE_IN_REPLY = "Hubungi saya di 0812 3456 7890 ya"


def trusted(role: Role = Role.WARGA, name: str | None = None) -> User:
    """An account past its first day (new accounts may not report)."""
    user = make_user(role, name=name)
    user.created_at = utcnow() - timedelta(days=3)
    _db.session.commit()
    return user


def reporters(count: int) -> list[User]:
    return [trusted(name=f"Pelapor {number}") for number in range(count)]


def report_via_http(client, item, user, reason="spam", text="", headers=None):
    kind = content.kind_of(item)
    client.post("/auth/keluar")
    login(client, user)
    return client.post(f"/lapor/{kind.word}/{item.id}", headers=headers or {},
                       data={f"report-{kind.word}-{item.id}-reason": reason,
                             f"report-{kind.word}-{item.id}-text": text})


def report_count(item) -> int:
    return _db.session.scalar(select(func.count()).select_from(Report).where(
        Report.object_type == content.kind_of(item).object_type, Report.object_id == item.id))


@pytest.fixture
def author(app):
    return trusted(name="Sumarni Penulis")


@pytest.fixture
def stranger(app):
    return trusted(name="Joko Tetangga")


@pytest.fixture
def answered(app, db, author, petugas):
    """A verified question with a reply by its asker that gives away a phone number."""
    thread = new_thread(author, verified=True, title="Saluran irigasi tersumbat sampah",
                        body="Saluran irigasi di Dukuh Ngablak tersumbat sampah plastik.")
    post = lifecycle.reply(thread, author, PHONE_IN_REPLY)
    db.session.commit()
    return thread, post


@pytest.fixture
def items(app, db, author, answered, petugas):
    """One public item of every kind, each with the person who answers for it."""
    thread, post = answered
    group = kim()
    ketua = member(group, MemberRole.KETUA, name="Ketua Pemilik")
    ketua.created_at = utcnow() - timedelta(days=3)
    usaha = shop.business_group(group, name="Batik Tulis Sido Mukti")
    manager = shop.manager_of(usaha, name="Bu Pengelola Batik")
    product = shop.product(usaha, name="Batik Tulis Motif Gandrung")
    announcement = info_services.publish(
        petugas, title="Jadwal vaksinasi ternak", body="Vaksinasi sapi di balai desa.",
        audience=Audience.KABUPATEN)
    db.session.commit()
    return {"thread": (thread, author), "post": (post, author), "product": (product, manager),
            "business_group": (usaha, manager), "announcement": (announcement, petugas),
            "kim_group": (group, ketua)}
