""""Saya juga": once per person, following the thread, counted on the thread and in lists,
sortable; and merging a duplicate into the original (issue 16, item 6)."""

import pytest
from sqlalchemy import func, select

from kim_app.models import (
    AuditEvent,
    Notification,
    RejectReason,
    ThreadFollow,
    ThreadMeToo,
    ThreadStatus,
    Visibility,
)
from kim_app.threads import lifecycle, metoo, services
from tests.conftest import HX, field_error, login, make_user
from tests.loop_helpers import ROLES, as_role
from tests.threads.conftest import advance, agency, new_thread

S = ThreadStatus


def marks(db, thread) -> int:
    return db.session.scalar(select(func.count()).select_from(ThreadMeToo)
                             .where(ThreadMeToo.thread_id == thread.id))


def follows(db, user, thread) -> bool:
    return db.session.get(ThreadFollow, (user.id, thread.id)) is not None


def test_a_villager_says_me_too_once_and_then_follows(client, db, asker, other, petugas):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, other)
    page = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert f'action="/tanya/{thread.code}/saya-juga"' in page
    assert "0 warga juga menanyakan ini" in page

    response = client.post(f"/tanya/{thread.code}/saya-juga", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="thread"' in html and "1 warga juga menanyakan ini" in html
    assert "Anda juga menanyakan ini" in html and "/saya-juga" not in html
    assert marks(db, thread) == 1 and follows(db, other, thread)
    db.session.refresh(thread)
    assert thread.me_too_count == 1

    # Once per person: the plain form again changes nothing (the button is gone anyway).
    again = client.post(f"/tanya/{thread.code}/saya-juga")
    assert again.status_code == 302 and again.location.endswith(f"/tanya/{thread.code}")
    db.session.refresh(thread)
    assert thread.me_too_count == 1 and marks(db, thread) == 1
    # ... and a status change later reaches them as a follower.
    lifecycle.assign(thread, petugas, agency())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == other.id)) == 1


def test_the_count_shows_in_lists_and_the_list_sorts_by_it(client, db, asker, petugas):
    quiet = advance(new_thread(asker, title="Pertanyaan yang sepi saja"), petugas, S.DIVERIFIKASI)
    popular = advance(new_thread(asker, title="Pertanyaan yang ramai sekali"), petugas,
                      S.DIVERIFIKASI)
    newest = advance(new_thread(asker, title="Pertanyaan paling baru"), petugas, S.DIVERIFIKASI)
    for _ in range(3):
        client.post("/auth/keluar")
        login(client, make_user())
        assert client.post(f"/tanya/{popular.code}/saya-juga").status_code == 302
    client.post("/auth/keluar")
    login(client, make_user())
    client.post(f"/tanya/{quiet.code}/saya-juga")

    listed = client.get("/tanya/").get_data(as_text=True)
    assert "3 saya juga" in listed and "1 saya juga" in listed
    assert listed.index(newest.code) < listed.index(popular.code)
    ranked = client.get("/tanya/?urut=saya-juga").get_data(as_text=True)
    assert ranked.index(popular.code) < ranked.index(quiet.code) < ranked.index(newest.code)
    # Keyset pages on (count, id): the second page continues after the cursor.
    filters = services.ListFilters(sort="saya-juga")
    first, cursor = services.list_threads(filters, None, limit=1)
    assert [t.id for t in first] == [popular.id]
    second, _cursor = services.list_threads(filters, None, before=cursor, limit=1)
    assert [t.id for t in second] == [quiet.id]


@pytest.mark.parametrize("status", [S.BARU, S.DITOLAK])
def test_no_me_too_before_the_question_is_public(client, db, asker, other, petugas, status):
    thread = advance(new_thread(asker), petugas, status)
    login(client, other)
    # Verified before public: for anyone but its asker and officers it does not exist yet.
    assert client.post(f"/tanya/{thread.code}/saya-juga").status_code == 404
    assert marks(db, thread) == 0


def test_no_me_too_on_a_private_question_nor_by_the_asker_or_an_officer(client, db, asker,
                                                                         other, petugas):
    private = advance(new_thread(asker, visibility=Visibility.PRIVATE), petugas,
                      S.DIVERIFIKASI)
    public = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, other)
    assert client.post(f"/tanya/{private.code}/saya-juga").status_code == 404
    client.post("/auth/keluar")
    login(client, asker)
    assert client.post(f"/tanya/{public.code}/saya-juga").status_code == 403
    client.post("/auth/keluar")
    login(client, petugas)
    assert client.post(f"/tanya/{public.code}/saya-juga").status_code == 403
    client.post("/auth/keluar")
    guest = client.post(f"/tanya/{public.code}/saya-juga", headers=HX)
    assert guest.headers.get("HX-Redirect", "").startswith("/auth/masuk")
    assert marks(db, public) == 0


# --- merging a duplicate ------------------------------------------------------------------

def _pair(db, asker, petugas):
    original = advance(new_thread(asker, title="Jadwal posyandu desa kami"), petugas,
                       S.DIVERIFIKASI)
    second_asker = make_user(name="Penanya Kedua")
    duplicate = advance(new_thread(second_asker, title="Posyandu buka hari apa saja?"),
                        petugas, S.DIPROSES)
    return original, duplicate, second_asker


def test_merge_moves_followers_and_me_too_and_tells_them(client, db, asker, petugas):
    original, duplicate, second_asker = _pair(db, asker, petugas)
    follower, marker, both = make_user(), make_user(), make_user()
    for user, mark in ((follower, False), (marker, True), (both, True)):
        login(client, user)
        if mark:
            assert client.post(f"/tanya/{duplicate.code}/saya-juga").status_code == 302
        else:
            client.post(f"/tanya/{duplicate.code}/ikuti", data={"follow": "1"})
        client.post("/auth/keluar")
    login(client, both)  # `both` already marked the original too
    client.post(f"/tanya/{original.code}/saya-juga")
    client.post("/auth/keluar")
    before = db.session.scalar(select(func.count()).select_from(Notification))

    login(client, petugas)
    response = client.post(f"/tanya/{duplicate.code}/gabungkan", headers=HX,
                           data={"merge-original": original.code.lower(),
                                 "merge-note": "Sama dengan pertanyaan sebelumnya"})
    assert response.status_code == 200
    db.session.expire_all()
    assert duplicate.status == S.DITOLAK and duplicate.reject_reason == RejectReason.DUPLIKAT
    assert duplicate.duplicate_of_id == original.id
    assert original.code in response.get_data(as_text=True)
    # Marks: marker, both (once), and the duplicate's asker; followers: all of them.
    assert {m.user_id for m in db.session.scalars(
        select(ThreadMeToo).where(ThreadMeToo.thread_id == original.id))} == {
        marker.id, both.id, second_asker.id}
    assert original.me_too_count == 3 and duplicate.me_too_count == 0
    for user in (follower, marker, both, second_asker):
        assert follows(db, user, original) and not follows(db, user, duplicate)
    told = list(db.session.scalars(select(Notification).order_by(Notification.id)
                                   .offset(before)))
    assert sorted(n.user_id for n in told) == sorted(
        [follower.id, marker.id, both.id, second_asker.id])
    assert all(n.kind == "thread.merged" and n.link == f"/tanya/{original.code}"
               for n in told)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "thread.ditolak", AuditEvent.object_id == duplicate.id)) == 1


def test_merge_refuses_bad_originals_with_the_text_kept(client, db, asker, petugas):
    original, duplicate, _second = _pair(db, asker, petugas)
    unverified = new_thread(asker, title="Belum diverifikasi")
    login(client, petugas)
    for code, message in (("TNY-26-ZZZZ", "Tidak ada pertanyaan"),
                          ("", "Sebutkan kode")):
        response = client.post(f"/tanya/{duplicate.code}/gabungkan",
                               data={"merge-original": code, "merge-note": "catatan saya"})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in field_error(html, "merge-original") and "catatan saya" in html
    for target in (unverified, duplicate):
        response = client.post(f"/tanya/{duplicate.code}/gabungkan", headers=HX,
                               data={"merge-original": target.code})
        assert response.status_code == 422
    db.session.refresh(duplicate)
    assert duplicate.status == S.DIPROSES


def test_a_merged_thread_cannot_be_merged_again(client, db, asker, petugas):
    original, duplicate, _second = _pair(db, asker, petugas)
    login(client, petugas)
    client.post(f"/tanya/{duplicate.code}/gabungkan", data={"merge-original": original.code})
    again = client.post(f"/tanya/{duplicate.code}/gabungkan", headers=HX,
                        data={"merge-original": original.code})
    assert again.status_code == 409


MERGE_ALLOWED = {"agency": 200, "other_agency": 403, "diskominfo": 200, "pengurus": 403,
                 "warga": 403, "guest": 401}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_merge(client, db, asker, petugas, role):
    original, duplicate, _second = _pair(db, asker, petugas)  # the duplicate is Dinkes's
    as_role(client, role)
    response = client.post(f"/tanya/{duplicate.code}/gabungkan", headers=HX,
                           data={"merge-original": original.code})
    if MERGE_ALLOWED[role] == 401:
        assert response.headers.get("HX-Redirect", "").startswith("/auth/masuk")
    else:
        assert response.status_code == MERGE_ALLOWED[role]
    db.session.refresh(duplicate)
    assert (duplicate.status == S.DITOLAK) == (MERGE_ALLOWED[role] == 200)


ME_TOO_ALLOWED = {"agency": 403, "other_agency": 403, "diskominfo": 403, "pengurus": 200,
                  "warga": 200, "guest": 401}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_say_me_too(client, db, asker, petugas, role):
    thread = advance(new_thread(asker), petugas, S.DIPROSES)
    as_role(client, role)
    response = client.post(f"/tanya/{thread.code}/saya-juga", headers=HX)
    if ME_TOO_ALLOWED[role] == 401:
        assert response.headers.get("HX-Redirect", "").startswith("/auth/masuk")
    else:
        assert response.status_code == ME_TOO_ALLOWED[role]
    assert marks(db, thread) == (1 if ME_TOO_ALLOWED[role] == 200 else 0)


def test_marks_are_in_the_data_export_and_go_with_a_deleted_account(client, db, asker, other,
                                                                      petugas):
    import io
    import json
    import zipfile

    from tests.conftest import PASSWORD

    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, other)
    client.post(f"/tanya/{thread.code}/saya-juga")
    data = json.loads(zipfile.ZipFile(io.BytesIO(client.get("/akun/data").data))
                      .read("data.json"))
    assert [mark["thread"] for mark in data["me_too"]] == [thread.code]
    assert client.post("/akun/hapus", data={"current_password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert marks(db, thread) == 0 and thread.me_too_count == 0


def test_the_inbox_sorts_by_me_too_in_keyset_pages(client, db, asker, petugas):
    from kim_app.officer import services as inbox

    threads = [advance(new_thread(asker, title=f"Pertanyaan bersama nomor {n}"), petugas,
                       S.DIVERIFIKASI) for n in range(4)]
    for thread, marks_wanted in zip(threads, (0, 3, 1, 2), strict=True):
        for _ in range(marks_wanted):
            metoo.say_me_too(make_user(), thread)
    db.session.commit()
    expected = [threads[1].code, threads[3].code, threads[2].code, threads[0].code]
    login(client, petugas)
    html = client.get("/petugas/?urut=saya-juga", headers=HX).get_data(as_text=True)
    assert [code for code in expected if code in html] == expected
    assert sorted(expected, key=html.index) == expected
    assert "3 saya juga" in html
    filters = inbox.parse_inbox_filters({"urut": "saya-juga"})
    seen, cursor = [], None
    while True:
        page, cursor = inbox.inbox_page(filters, petugas, after=cursor, limit=1)
        seen += [thread.code for thread in page]
        if cursor is None:
            break
    assert seen == expected
    default = client.get("/petugas/", headers=HX).get_data(as_text=True)
    assert default.index(threads[0].code) < default.index(threads[1].code)  # by due date


def test_the_sort_and_the_titipan_filter_show_as_removable_chips(client, asker):
    login(client, asker)
    html = client.get("/tanya/?urut=saya-juga&tampil=titipan", headers=HX).get_data(
        as_text=True)
    assert "Paling banyak “saya juga”" in html and "Titipan warga" in html
    assert 'href="/tanya/?tampil=titipan"' in html and 'href="/tanya/?urut=saya-juga"' in html
