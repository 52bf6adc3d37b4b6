"""Anonymous and private threads: who sees the thread, who sees the asker's name."""

import pytest
from sqlalchemy import select

from kim_app.models import MemberRole, Notification, ThreadStatus, Visibility
from kim_app.threads import lifecycle
from tests.conftest import HX, login
from tests.threads.conftest import advance, kim, member, new_thread

SECRET_NAME = "Waginem Rahasiawati"


@pytest.fixture
def anonymous_thread(app, db, petugas):
    from tests.conftest import make_user

    author = make_user(name=SECRET_NAME)
    thread = new_thread(author, visibility=Visibility.ANONYMOUS,
                        title="Pungutan liar di kantor desa")
    advance(thread, petugas, ThreadStatus.DIJAWAB)
    lifecycle.reply(thread, author, "Terima kasih, saya tunggu tindak lanjutnya.")
    db.session.commit()
    return thread


def pages_and_fragments(client, thread):
    """Every page and fragment a person may load that shows this thread."""
    code = thread.code
    yield "list", client.get("/tanya/")
    yield "list fragment", client.get("/tanya/?q=pungutan", headers=HX)
    yield "list by status", client.get("/tanya/?status=dijawab")
    yield "thread page", client.get(f"/tanya/{code}")
    yield "thread fragment", client.get(f"/tanya/{code}", headers=HX)
    yield "load more", client.get(f"/tanya/?sebelum={thread.id + 1}", headers=HX)
    yield "home", client.get("/")


def test_anonymous_asker_is_named_to_nobody_but_officers(client, db, anonymous_thread, warga,
                                                         petugas, admin):
    for viewer in (None, warga):
        client.post("/auth/keluar")
        if viewer:
            login(client, viewer)
        for name, response in pages_and_fragments(client, anonymous_thread):
            assert response.status_code == 200, name
            assert SECRET_NAME not in response.get_data(as_text=True), (viewer, name)
        if viewer:
            follow = client.post(f"/tanya/{anonymous_thread.code}/ikuti", data={"follow": "1"},
                                 headers=HX)
            assert SECRET_NAME not in follow.get_data(as_text=True)
            html = client.get(f"/tanya/{anonymous_thread.code}").get_data(as_text=True)
            assert "Warga (anonim)" in html and "Penanya (anonim)" in html
    # Notifications never carry the name either.
    assert not [t for t in db.session.scalars(select(Notification.text)) if SECRET_NAME in t]
    for officer in (petugas, admin):
        client.post("/auth/keluar")
        login(client, officer)
        html = client.get(f"/tanya/{anonymous_thread.code}").get_data(as_text=True)
        assert SECRET_NAME in html


def test_anonymous_asker_sees_the_thread_as_theirs(client, db, anonymous_thread):
    author = anonymous_thread.author
    login(client, author)
    html = client.get(f"/tanya/{anonymous_thread.code}").get_data(as_text=True)
    assert "Warga (anonim) · Anda" in html
    assert "Terima jawaban dan tutup" in html


def test_anonymous_reply_fragment_hides_the_name_from_others(client, db, anonymous_thread,
                                                             petugas, warga):
    login(client, petugas)
    response = client.post(f"/tanya/{anonymous_thread.code}/balas",
                           data={"reply-body": "Kami cek ke kecamatan."}, headers=HX)
    assert response.status_code == 200
    client.post("/auth/keluar")
    login(client, warga)
    html = client.get(f"/tanya/{anonymous_thread.code}").get_data(as_text=True)
    assert "Kami cek ke kecamatan." in html and SECRET_NAME not in html


@pytest.fixture
def private_thread(app, db):
    group = kim()
    submitter = member(group, name="Anggota Pengaju")
    thread = new_thread(submitter, visibility=Visibility.PRIVATE, via_kim=group,
                        on_behalf_name="Mbok Sarinah", title="Sengketa batas tanah warisan")
    return thread


@pytest.mark.parametrize("role, sees", [
    ("guest", False), ("warga", False), ("anggota", False), ("pengurus_other_kim", False),
    ("submitter", True), ("pengurus", True), ("petugas", True), ("admin", True),
])
def test_private_threads_exist_only_for_asker_pengurus_and_officers(
        client, db, private_thread, warga, petugas, admin, role, sees):
    group = kim()
    people = {
        "warga": warga,
        "anggota": lambda: member(group),
        "pengurus_other_kim": lambda: member(kim("bermi"), role=MemberRole.KETUA),
        "submitter": private_thread.author,
        "pengurus": lambda: member(group, role=MemberRole.SEKRETARIS),
        "petugas": petugas,
        "admin": admin,
    }
    if role != "guest":
        person = people[role]
        login(client, person() if callable(person) else person)
    page = client.get(f"/tanya/{private_thread.code}")
    listing = client.get("/tanya/").get_data(as_text=True)
    fragment = client.get("/tanya/?q=sengketa", headers=HX).get_data(as_text=True)
    if sees:
        assert page.status_code == 200
        assert "Sengketa batas tanah" in listing and "Sengketa batas tanah" in fragment
        assert "Mbok Sarinah" in page.get_data(as_text=True)
    else:
        assert page.status_code == 404
        assert "Sengketa batas tanah" not in listing and "Sengketa batas tanah" not in fragment
        if role != "guest":
            response = client.post(f"/tanya/{private_thread.code}/balas",
                                   data={"reply-body": "Halo"})
            assert response.status_code == 404
            response = client.post(f"/tanya/{private_thread.code}/ikuti", data={"follow": "1"})
            assert response.status_code == 404


def test_a_pengurus_sees_but_cannot_reply_for_the_asker(client, db, private_thread):
    pengurus = member(kim(), role=MemberRole.KETUA)
    login(client, pengurus)
    html = client.get(f"/tanya/{private_thread.code}").get_data(as_text=True)
    assert 'id="reply-form"' not in html
    response = client.post(f"/tanya/{private_thread.code}/balas", data={"reply-body": "Halo"})
    assert response.status_code == 403
