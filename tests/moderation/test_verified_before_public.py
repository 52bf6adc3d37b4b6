"""Verified before public: a new question is seen by its asker, the pengurus of the KIM that
submitted it and officers only; a rejected one by its asker and officers only. Every list,
search and page follows the same rule; the statistics still count every question."""

import re

import pytest

from kim_app.models import MemberRole, Role, ThreadStatus
from kim_app.moderation import visibility
from tests.conftest import HX, login, make_user
from tests.threads.conftest import advance, kim, member, new_thread

TITLE = "Jembatan gantung Dukuh Krajan putus"


def codes(html: str) -> set[str]:
    return set(re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html))


def seen_by(client, thread) -> dict[str, bool]:
    """Whether each list, search, fragment and page a person may load shows the thread."""
    code = thread.code
    return {
        "list": code in codes(client.get("/tanya/").get_data(as_text=True)),
        "list fragment": code in codes(client.get("/tanya/", headers=HX).get_data(as_text=True)),
        "search": code in codes(client.get("/tanya/?q=jembatan").get_data(as_text=True)),
        "status filter": code in codes(
            client.get(f"/tanya/?status={thread.status.value}").get_data(as_text=True)),
        "kecamatan filter": code in codes(
            client.get("/tanya/?kecamatan=33.18.17").get_data(as_text=True)),
        "load more": code in codes(
            client.get(f"/tanya/?sebelum={thread.newer.id}", headers=HX).get_data(as_text=True)),
        "page": client.get(f"/tanya/{code}").status_code == 200,
        "fragment": client.get(f"/tanya/{code}", headers=HX).status_code == 200,
    }


@pytest.fixture
def people(app, db, petugas, admin):
    group = kim()
    pengurus = member(group, MemberRole.SEKRETARIS, name="Sekretaris Pengaju")
    other_pengurus = member(kim("tlogorejo"), MemberRole.KETUA, name="Ketua Lain")
    asker = member(group, MemberRole.ANGGOTA, name="Anggota Penanya")
    return {"guest": None, "warga": make_user(name="Warga Lain"), "other pengurus": other_pengurus,
            "asker": asker, "pengurus": pengurus, "petugas": petugas, "admin": admin}


def ask_via_kim(people):
    thread = new_thread(people["asker"], title=TITLE, via_kim=kim(), on_behalf_name="Mbah Sarmi",
                        body="Jembatan gantung penghubung ke sekolah putus sejak banjir.")
    thread.newer = new_thread(make_user(), verified=True)  # the cursor for "load more"
    return thread


def check(client, thread, people, expected: dict[str, bool]):
    for role, person in people.items():
        client.post("/auth/keluar")
        if person is not None:
            login(client, person)
        for place, shown in seen_by(client, thread).items():
            assert shown == expected[role], (role, place, thread.status)
        assert visibility.can_see_thread(person, thread) == expected[role], role


def test_a_new_question_is_seen_by_asker_pengurus_and_officers_only(client, db, people):
    thread = ask_via_kim(people)
    check(client, thread, people, {"guest": False, "warga": False, "other pengurus": False,
                                   "asker": True, "pengurus": True, "petugas": True,
                                   "admin": True})
    assert not visibility.is_public(thread)


def test_a_verified_question_is_public(client, db, people, petugas):
    thread = ask_via_kim(people)
    advance(thread, petugas, ThreadStatus.DIVERIFIKASI)
    check(client, thread, people, dict.fromkeys(people, True))
    assert visibility.is_public(thread)


def test_a_rejected_question_stays_with_its_asker_and_officers(client, db, people, petugas):
    thread = ask_via_kim(people)
    advance(thread, petugas, ThreadStatus.DITOLAK)
    check(client, thread, people, {"guest": False, "warga": False, "other pengurus": False,
                                   "asker": True, "pengurus": False, "petugas": True,
                                   "admin": True})


def test_the_asker_is_told_it_waits_for_verification_and_by_when(client, db, people, petugas):
    thread = ask_via_kim(people)
    login(client, people["asker"])
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    note = re.search(r'id="audience-note">([^<]*)<', html).group(1)
    assert "menunggu verifikasi" in note and "Batas verifikasi" in note
    advance(thread, petugas, ThreadStatus.DITOLAK)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "ditolak" in re.search(r'id="audience-note">([^<]*)<', html).group(1)
    assert "Spam atau tidak pantas" in html  # the reason
    advance_verified = new_thread(people["asker"], verified=True)
    html = client.get(f"/tanya/{advance_verified.code}").get_data(as_text=True)
    assert 'id="audience-note"' not in html


def test_following_a_new_question_is_only_for_those_who_see_it(client, db, people):
    thread = ask_via_kim(people)
    login(client, people["warga"])
    assert client.post(f"/tanya/{thread.code}/ikuti", data={"follow": "1"}).status_code == 404


def test_statistics_count_every_question(client, db, people, petugas):
    ask_via_kim(people)
    rejected = new_thread(make_user(Role.WARGA))
    advance(rejected, petugas, ThreadStatus.DITOLAK)
    new_thread(make_user(Role.WARGA), verified=True)
    html = client.get("/statistik").get_data(as_text=True)
    total = re.search(r'Pertanyaan masuk</span>\s*<strong class="stat-value">(\d+)<', html)
    assert total.group(1) == "4"  # with the newer one made for the cursor
    assert TITLE not in html
