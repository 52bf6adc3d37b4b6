"""Helpers for the question-thread tests: threads in any status, made through the lifecycle."""

import pytest
from sqlalchemy import select

from kim_app.extensions import db as _db
from kim_app.models import (
    Agency,
    Category,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Role,
    Thread,
    ThreadStatus,
    Visibility,
    utcnow,
)
from kim_app.threads import lifecycle, services
from tests.conftest import make_user

VILLAGE = "33.18.17.2003"  # Gulangpongge, Kec. Gunungwungkal


def category(slug="kesehatan") -> Category:
    return _db.session.scalar(select(Category).where(Category.slug == slug))


def agency(slug="dinkes") -> Agency:
    return _db.session.scalar(select(Agency).where(Agency.slug == slug))


def kim(slug="gulangpongge") -> KimGroup:
    return _db.session.scalar(select(KimGroup).where(KimGroup.slug == slug))


def member(group: KimGroup, role=MemberRole.ANGGOTA, name=None, status=MembershipStatus.ACTIVE):
    user = make_user(name=name)
    _db.session.add(Membership(user_id=user.id, group_id=group.id, role=role, status=status))
    _db.session.commit()
    return user


def new_thread(author, *, title="Posyandu tutup sejak bulan lalu",
               body="Posyandu di dusun kami tidak buka sejak bulan lalu, ke mana harus periksa?",
               visibility=Visibility.PUBLIC, category_slug="kesehatan", village=VILLAGE,
               on_behalf_name=None, via_kim=None, verified=False) -> Thread:
    """A new question (baru: only its asker, the KIM's pengurus and officers see it), or with
    `verified` one an officer has verified (public, unless private)."""
    thread, created = services.ask(author, services.Question(
        title=title, body=body, category_id=category(category_slug).id, village_code=village,
        visibility=visibility, on_behalf_name=on_behalf_name,
        via_kim_id=via_kim.id if via_kim else None,
    ))
    assert created
    if verified:
        thread.status, thread.verified_at = ThreadStatus.DIVERIFIKASI, utcnow()
    _db.session.commit()
    return thread


def advance(thread: Thread, officer, to: ThreadStatus) -> Thread:
    """Walk a thread through the lifecycle to the status wanted."""
    path = [ThreadStatus.DIVERIFIKASI, ThreadStatus.DIPROSES, ThreadStatus.DIJAWAB,
            ThreadStatus.SELESAI]
    if to == ThreadStatus.DITOLAK:
        lifecycle.reject(thread, officer, "spam", "Iklan")
        _db.session.commit()
        return thread
    for step in path:
        if thread.status == to:
            break
        if thread.status in path and path.index(thread.status) >= path.index(step):
            continue  # already past this step
        if step == ThreadStatus.DIVERIFIKASI:
            lifecycle.verify(thread, officer)
        elif step == ThreadStatus.DIPROSES:
            lifecycle.assign(thread, officer, agency(), officer)
        elif step == ThreadStatus.DIJAWAB:
            lifecycle.answer(thread, officer, "Posyandu buka lagi mulai Senin depan.")
        elif step == ThreadStatus.SELESAI:
            lifecycle.close(thread, thread.author, 5, "Terima kasih")
        _db.session.commit()
    assert thread.status == to
    return thread


@pytest.fixture
def asker(app):
    return make_user(Role.WARGA, name="Sumarni Penanya")


@pytest.fixture
def other(app):
    return make_user(Role.WARGA, name="Joko Tetangga")


@pytest.fixture
def officer2(app):
    return make_user(Role.PETUGAS, name="Bu Petugas Kedua", village=None)
