"""Concurrency holds on both databases: real simultaneous requests against a served app
(SQLite takes the write lock first, PostgreSQL locks the row), with the window between
reading an invariant and writing widened so that a missing lock shows every time."""

import pytest
from sqlalchemy import func, select

from kim_app.kim import services as kim_services
from kim_app.models import AuditEvent, MemberRole, Membership, MembershipStatus, Notification
from tests.membership_helpers import add_member, group, person_with_role
from tests.served import at_once, served, session_for, slowed

# Simultaneous requests on their own connections: the commits must be real.
pytestmark = pytest.mark.real_db


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_ketua_demoting_each_other_leave_one_ketua(app_factory, db, monkeypatch):
    kajen = group("kajen")
    first = person_with_role(kajen, MemberRole.KETUA, "Ketua Satu")
    second = person_with_role(kajen, MemberRole.KETUA, "Ketua Dua")
    ids = {user.id: db.session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.group_id == kajen.id))
        for user in (first, second)}
    slowed(monkeypatch, kim_services, "ketua_count")
    with served(app_factory()) as base:
        one, two = session_for(base, first), session_for(base, second)
        responses = at_once(
            lambda: one.post(f"{base}/kim/kajen/anggota/{ids[second.id]}/peran",
                             data={"role": "anggota"}, allow_redirects=False, timeout=30),
            lambda: two.post(f"{base}/kim/kajen/anggota/{ids[first.id]}/peran",
                             data={"role": "anggota"}, allow_redirects=False, timeout=30),
        )
    assert all(response.status_code < 500 for response in responses)
    assert count(db, Membership, Membership.group_id == kajen.id,
                 Membership.status == MembershipStatus.ACTIVE,
                 Membership.role == MemberRole.KETUA) == 1
    assert count(db, AuditEvent, AuditEvent.action == "membership.role_change") == 1


def test_one_join_request_approved_twice_at_once_is_approved_once(app_factory, db, warga,
                                                                   monkeypatch):
    kajen = group("kajen")
    ketua = person_with_role(kajen, MemberRole.KETUA, "Pak Ketua")
    sekretaris = person_with_role(kajen, MemberRole.SEKRETARIS, "Bu Sekretaris")
    request = add_member(warga, kajen, status=MembershipStatus.PENDING)
    request_id = request.id
    slowed(monkeypatch, kim_services, "_fresh")
    with served(app_factory()) as base:
        sessions = [session_for(base, ketua), session_for(base, sekretaris)]
        responses = at_once(*(
            lambda s=s: s.post(f"{base}/kim/kajen/anggota/{request_id}/setujui",
                               data={"reason": ""}, headers={"HX-Request": "true"}, timeout=30)
            for s in sessions))
    statuses = sorted(response.status_code for response in responses)
    assert statuses[0] == 200 and statuses[1] in (200, 409, 422), statuses
    assert count(db, AuditEvent, AuditEvent.action == "membership.approve") == 1
    assert count(db, Notification, Notification.user_id == warga.id) == 1
    assert db.session.get(Membership, request_id).status == MembershipStatus.ACTIVE


def test_two_officers_verifying_at_once_make_one_transition(app_factory, db, petugas,
                                                          monkeypatch):
    from kim_app.models import Post, PostKind, Role
    from kim_app.threads import lifecycle
    from tests.conftest import make_user
    from tests.threads.conftest import kim, member, new_thread

    second = make_user(Role.PETUGAS, name="Petugas Kedua", village=None)
    asker = member(kim(), name="Bu Penanya")
    thread = new_thread(asker)
    code, thread_id = thread.code, thread.id
    slowed(monkeypatch, lifecycle, "_require_status")
    with served(app_factory()) as base:
        sessions = [session_for(base, petugas), session_for(base, second)]
        responses = at_once(*(
            lambda s=s: s.post(f"{base}/tanya/{code}/verifikasi", data={"verify-note": ""},
                               headers={"HX-Request": "true"}, timeout=30)
            for s in sessions))
    assert sorted(response.status_code for response in responses) == [200, 409]
    loser = next(response for response in responses if response.status_code == 409)
    assert "Diverifikasi" in loser.text  # why it was refused: the status it has now
    assert count(db, Post, Post.thread_id == thread_id, Post.kind == PostKind.STATUS_CHANGE) == 1
    assert count(db, AuditEvent, AuditEvent.action == "thread.diverifikasi") == 1
    assert count(db, Notification, Notification.user_id == asker.id) == 1


def test_an_asker_closing_twice_at_once_closes_once(app_factory, db, petugas, monkeypatch):
    from kim_app.models import Post, PostKind, ThreadStatus
    from kim_app.threads import lifecycle
    from tests.threads.conftest import advance, kim, member, new_thread

    asker = member(kim(), name="Bu Penanya")
    thread = advance(new_thread(asker), petugas, ThreadStatus.DIJAWAB)
    code, thread_id = thread.code, thread.id
    slowed(monkeypatch, lifecycle, "_require_status")
    with served(app_factory()) as base:
        sessions = [session_for(base, asker), session_for(base, asker)]
        responses = at_once(*(
            lambda s=s: s.post(f"{base}/tanya/{code}/selesai",
                               data={"close-rating": "5", "close-comment": "Terima kasih"},
                               headers={"HX-Request": "true"}, timeout=30)
            for s in sessions))
    assert sorted(response.status_code for response in responses) == [200, 409]
    assert count(db, Post, Post.thread_id == thread_id, Post.kind == PostKind.STATUS_CHANGE,
                 Post.to_status == ThreadStatus.SELESAI) == 1
    assert count(db, AuditEvent, AuditEvent.action == "thread.selesai") == 1


def test_two_products_with_one_name_at_once_get_two_slugs(app_factory, db, monkeypatch):
    from kim_app.business import products as business_products
    from kim_app.models import Product
    from tests import business_factories as bf

    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    managers = [bf.manager_of(group, "Bu Pengelola"), bf.manager_of(group, "Pak Pengelola")]
    slug, group_id = group.slug, group.id
    slowed(monkeypatch, business_products, "product_slug_for")
    form = {"name": "Keripik Tempe Pedas", "price": "25000", "unit": "pack",
            "category": "makanan", "availability": "tersedia", "description": "Pedas.",
            "published": "y"}
    with served(app_factory()) as base:
        sessions = [session_for(base, manager) for manager in managers]
        responses = at_once(*(
            lambda s=s, n=n: s.post(f"{base}/usaha/{slug}/produk/baru", allow_redirects=False,
                                    data={**form, "submission_key": f"kunci-{n}"}, timeout=30)
            for n, s in enumerate(sessions)))
    assert [response.status_code for response in responses] == [302, 302]
    db.session.expire_all()
    slugs = sorted(db.session.scalars(select(Product.slug)
                                      .where(Product.business_group_id == group_id)))
    assert slugs == ["keripik-tempe-pedas", "keripik-tempe-pedas-2"]


def test_two_kim_groups_with_one_name_at_once_get_two_slugs(app_factory, db, admin, monkeypatch):
    from kim_app.models import KimGroup, Role
    from tests.conftest import make_user

    second = make_user(Role.ADMIN, name="Admin Kedua", village=None)
    from kim_app.admin import kim_groups

    slowed(monkeypatch, kim_groups, "slug_for")
    form = {"name": "KIM Sido Makmur", "district": "33.18.17", "village": "33.18.17.2003",
            "description": "", "contact": "", "founded_on": ""}
    with served(app_factory()) as base:
        sessions = [session_for(base, admin), session_for(base, second)]
        responses = at_once(*(
            lambda s=s: s.post(f"{base}/admin/kim/baru", data=form, allow_redirects=False,
                               timeout=30)
            for s in sessions))
    assert [response.status_code for response in responses] == [302, 302], [
        r.text[:500] for r in responses]
    db.session.expire_all()
    slugs = sorted(db.session.scalars(select(KimGroup.slug)
                                      .where(KimGroup.slug.like("sido-makmur%"))))
    assert slugs == ["sido-makmur", "sido-makmur-2"]


def test_a_double_click_on_saya_juga_counts_once(app_factory, db, petugas, monkeypatch):
    from kim_app.models import Thread, ThreadFollow, ThreadMeToo, ThreadStatus
    from kim_app.threads import metoo
    from tests.conftest import make_user
    from tests.threads.conftest import advance, new_thread

    asker, villager = make_user(name="Bu Penanya"), make_user(name="Pak Tetangga")
    thread = advance(new_thread(asker), petugas, ThreadStatus.DIVERIFIKASI)
    code, thread_id = thread.code, thread.id
    slowed(monkeypatch, metoo, "may_say_me_too")
    with served(app_factory()) as base:
        session = session_for(base, villager)
        responses = at_once(*(
            lambda headers=headers: session.post(f"{base}/tanya/{code}/saya-juga",
                                                 headers=headers, allow_redirects=False,
                                                 timeout=30)
            for headers in ({"HX-Request": "true"}, {})))
    assert [response.status_code for response in responses] == [200, 302]
    assert count(db, ThreadMeToo, ThreadMeToo.thread_id == thread_id) == 1
    assert count(db, ThreadFollow, ThreadFollow.thread_id == thread_id) == 1
    assert db.session.get(Thread, thread_id).me_too_count == 1


def test_two_duplicates_merged_into_one_original_at_once(app_factory, db, petugas, monkeypatch):
    from kim_app.models import Role, ThreadFollow, ThreadStatus
    from kim_app.threads import lifecycle, services
    from tests.conftest import make_user
    from tests.threads.conftest import advance, new_thread

    second = make_user(Role.PETUGAS, name="Petugas Kedua", village=None)
    original = advance(new_thread(make_user(name="Penanya Asli")), petugas,
                       ThreadStatus.DIVERIFIKASI)
    duplicates = [advance(new_thread(make_user(name=f"Penanya {n}")), petugas,
                          ThreadStatus.DIVERIFIKASI) for n in range(2)]
    neighbour = make_user(name="Tetangga yang mengikuti keduanya")
    for thread in duplicates:
        services.set_following(neighbour, thread, True)
    db.session.commit()
    original_id, original_code = original.id, original.code
    codes = [thread.code for thread in duplicates]
    slowed(monkeypatch, lifecycle, "_require_status")
    with served(app_factory()) as base:
        sessions = [session_for(base, petugas), session_for(base, second)]
        responses = at_once(*(
            lambda s=s, code=code: s.post(f"{base}/tanya/{code}/gabungkan",
                                          data={"merge-original": original_code},
                                          headers={"HX-Request": "true"}, timeout=30)
            for s, code in zip(sessions, codes, strict=True)))
    assert [response.status_code for response in responses] == [200, 200]
    assert count(db, ThreadFollow, ThreadFollow.thread_id == original_id) == 3
    assert count(db, Notification, Notification.kind == "thread.merged",
                 Notification.user_id == neighbour.id) == 2


def test_two_steps_on_threads_of_one_day_at_once_neither_deadlock_nor_count_twice(
        app_factory, db, petugas, monkeypatch):
    """Both transactions add the day's sums of the statistics (`stats.tally`) up again:
    they lock the day before changing any of its rows, in one order (changing their own
    thread rows first made them wait for each other: a deadlock, HTTP 503), and the sums
    they leave are those of a rebuild."""
    from kim_app.models import Role
    from kim_app.stats import tally
    from tests.conftest import make_user
    from tests.test_stats_tally import rows_snapshot
    from tests.threads.conftest import new_thread

    second = make_user(Role.PETUGAS, name="Petugas Kedua", village=None)
    asker = make_user(name="Bu Penanya")
    codes = [new_thread(asker, title=f"Pertanyaan hari ini nomor {n}").code for n in (1, 2)]
    slowed(monkeypatch, tally, "_lock_days", 0.5)
    with served(app_factory()) as base:
        sessions = [session_for(base, petugas), session_for(base, second)]
        responses = at_once(*(
            lambda s=s, code=code: s.post(f"{base}/tanya/{code}/verifikasi",
                                          data={"verify-note": ""},
                                          headers={"HX-Request": "true"}, timeout=30)
            for s, code in zip(sessions, codes, strict=True)))
    assert [response.status_code for response in responses] == [200, 200]
    db.session.expire_all()
    kept = rows_snapshot()
    tally.rebuild(db.session.connection())
    assert rows_snapshot() == kept
    db.session.rollback()
