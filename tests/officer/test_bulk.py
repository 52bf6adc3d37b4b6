"""Bulk steps in the officer inbox: verify or assign the ticked threads in one POST; each
thread its own status post, notification and audit event; threads changed since the page
was shown are skipped and listed."""

import re

import pytest
from sqlalchemy import func, select

from kim_app.extensions import db as _db
from kim_app.models import AuditEvent, Notification, Post, PostKind, Thread, ThreadStatus
from kim_app.threads import lifecycle
from tests.conftest import HX, login
from tests.served import at_once, served, session_for
from tests.threads.conftest import advance, agency, new_thread

S = ThreadStatus


def boxes(html: str) -> list[str]:
    """The checkbox values of the inbox rows (`<id>:<status>`), as the page shows them."""
    return re.findall(r'name="pilih" value="(\d+:\w+)"', html)


def status_posts(thread: Thread, to: ThreadStatus) -> int:
    return _db.session.scalar(select(func.count()).select_from(Post).where(
        Post.thread_id == thread.id, Post.kind == PostKind.STATUS_CHANGE,
        Post.to_status == to))


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def post_bulk(client, values, action="verify", headers=None, **fields):
    data = {"pilih": values, "action": action, **fields}
    return client.post("/petugas/massal", data=data, headers=headers or {})


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("pengurus", 403), ("petugas", 302), ("dinkes", 302),
    ("dispertan", 302), ("admin", 302),
])
def test_bulk_verify_by_role(client, db, asker, people, role, expected):
    thread = new_thread(asker)
    if people[role]:
        login(client, people[role])
    response = post_bulk(client, [f"{thread.id}:baru"])
    assert response.status_code == expected
    db.session.expire_all()
    verified = thread.status == S.DIVERIFIKASI
    assert verified == (role not in ("guest", "warga", "pengurus"))
    if role == "guest":
        assert "/auth/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role, expected", [
    ("guest", 302), ("warga", 403), ("pengurus", 403), ("petugas", 302), ("dinkes", 302),
    ("dispertan", 302), ("admin", 302),
])
def test_bulk_assign_by_role(client, db, asker, people, role, expected):
    thread = advance(new_thread(asker), people["petugas"], S.DIPROSES)  # at Dinas Kesehatan
    if people[role]:
        login(client, people[role])
    response = post_bulk(client, [f"{thread.id}:diproses"], "assign",
                         agency=str(agency("dispertan").id))
    assert response.status_code == expected
    db.session.expire_all()
    # Dispatching stays every officer's, whichever agency they work for.
    moved = thread.agency_id == agency("dispertan").id
    assert moved == (role not in ("guest", "warga", "pengurus"))


def test_an_agency_petugas_chosen_alone_brings_their_agency(client, db, asker, petugas,
                                                            dinkes_officer):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, petugas)
    response = post_bulk(client, [f"{thread.id}:diverifikasi"], "assign",
                         assignee=str(dinkes_officer.id))
    assert response.status_code == 302
    db.session.expire_all()
    assert (thread.agency_id, thread.assignee_id) == (agency("dinkes").id, dinkes_officer.id)
    # A Diskominfo petugas alone says nothing about the agency: it must be chosen.
    other = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    response = post_bulk(client, [f"{other.id}:diverifikasi"], "assign",
                         assignee=str(petugas.id))
    assert response.status_code == 422
    assert "Pilih instansi (OPD)" in response.get_data(as_text=True)


def test_an_officer_of_another_agency_is_refused_thread_by_thread(client, db, asker, petugas,
                                                                 dispertan_officer):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, petugas)
    response = post_bulk(client, [f"{thread.id}:diverifikasi"], "assign",
                         agency=str(agency("dinkes").id), assignee=str(dispertan_officer.id))
    assert response.status_code == 302
    page = client.get("/petugas/").get_data(as_text=True)
    assert (f"1 pertanyaan dilewati: {thread.code} (Petugas yang dipilih bekerja untuk "
            "instansi lain.)") in page
    db.session.expire_all()
    assert thread.status == S.DIVERIFIKASI


def test_bulk_verify_gives_each_thread_its_post_notification_and_audit(client, db, asker,
                                                                        petugas):
    threads = [new_thread(asker, title=f"Pertanyaan massal nomor {n}") for n in range(3)]
    login(client, petugas)
    values = boxes(client.get("/petugas/").get_data(as_text=True))
    assert len(values) == 3
    response = post_bulk(client, values)
    assert response.status_code == 302 and response.headers["Location"].startswith("/petugas/")
    db.session.expire_all()
    for thread in threads:
        assert thread.status == S.DIVERIFIKASI
        assert status_posts(thread, S.DIVERIFIKASI) == 1
        assert count(AuditEvent, AuditEvent.object_id == thread.id,
                     AuditEvent.action == "thread.diverifikasi") == 1
        assert count(Notification, Notification.user_id == asker.id,
                     Notification.text.contains(thread.code)) == 1
    page = client.get("/petugas/").get_data(as_text=True)
    assert "3 pertanyaan diproses" in page


def test_bulk_assign_to_agency_and_officer_skips_unverified(client, db, asker, petugas,
                                                            dinkes_officer):
    ready = advance(new_thread(asker, title="Sudah diverifikasi petugas"), petugas,
                    S.DIVERIFIKASI)
    again = advance(new_thread(asker, title="Sedang diproses instansi"), petugas, S.DIPROSES)
    fresh = new_thread(asker, title="Belum diverifikasi sama sekali")
    login(client, petugas)
    values = boxes(client.get("/petugas/").get_data(as_text=True))
    dinkes = agency("dinkes")
    told_before = count(Notification, Notification.user_id == dinkes_officer.id)
    response = post_bulk(client, values, "assign", agency=str(dinkes.id),
                         assignee=str(dinkes_officer.id), note="Mohon segera ditangani")
    assert response.status_code == 302
    db.session.expire_all()
    assert (ready.status, ready.agency_id, ready.assignee_id) == (S.DIPROSES, dinkes.id,
                                                                  dinkes_officer.id)
    assert (again.agency_id, again.assignee_id) == (dinkes.id, dinkes_officer.id)
    assert fresh.status == S.BARU and fresh.agency_id is None
    assert count(Notification, Notification.user_id == dinkes_officer.id,
                 Notification.kind == "thread_assigned") == told_before + 2
    page = client.get("/petugas/").get_data(as_text=True)
    assert "2 pertanyaan diproses" in page
    assert f"1 pertanyaan dilewati: {fresh.code} (tidak bisa pada status" in page


def test_a_thread_changed_after_the_page_was_shown_is_skipped_and_listed(client, db, asker,
                                                                         petugas, officer2):
    first = new_thread(asker, title="Pertanyaan pertama di kotak")
    second = new_thread(asker, title="Pertanyaan kedua di kotak")
    login(client, petugas)
    values = boxes(client.get("/petugas/").get_data(as_text=True))
    lifecycle.reject(second, officer2, "spam", "Iklan")  # another officer, meanwhile
    db.session.commit()
    response = post_bulk(client, values, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="inbox-list"' in html and "<html" not in html
    assert f"{first.code}" in html and "1 pertanyaan diproses" in html
    assert f"1 pertanyaan dilewati: {second.code} (Statusnya sudah berubah menjadi" in html
    db.session.expire_all()
    assert first.status == S.DIVERIFIKASI
    assert second.status == S.DITOLAK and status_posts(second, S.DIVERIFIKASI) == 0


@pytest.mark.parametrize("values, fields, message", [
    ([], {}, "Pilih dulu pertanyaan"),
    (["abc"], {}, "Pilihan pertanyaan tidak dikenal"),
    (["1:hilang"], {}, "Pilihan pertanyaan tidak dikenal"),
    (["{id}:baru"], {"action": ""}, "Pilih tindakan"),
    (["{id}:baru"], {"action": "hapus"}, "Pilihan ini tidak dikenal"),
    (["{id}:baru"], {"action": "assign"}, "Pilih instansi (OPD)"),
    (["{id}:baru"], {"action": "assign", "agency": "999999"}, "Pilihan ini tidak dikenal"),
])
def test_bad_bulk_input_comes_back_422_and_changes_nothing(client, db, asker, petugas, values,
                                                           fields, message):
    thread = new_thread(asker)
    login(client, petugas)
    data = {"pilih": [v.format(id=thread.id) for v in values], "action": "verify", **fields}
    response = client.post("/petugas/massal", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert thread.status == S.BARU


def test_an_unknown_thread_id_is_skipped_not_an_error(client, db, asker, petugas):
    thread = new_thread(asker)
    login(client, petugas)
    response = post_bulk(client, [f"{thread.id}:baru", "987654321:baru"])
    assert response.status_code == 302
    page = client.get("/petugas/").get_data(as_text=True)
    assert "#987654321 (tidak ditemukan)" in page


def test_too_many_threads_at_once_are_refused(client, db, asker, petugas):
    login(client, petugas)
    values = [f"{n}:baru" for n in range(1, 102)]
    response = post_bulk(client, values)
    assert response.status_code == 422
    assert "paling banyak 100" in response.get_data(as_text=True)


def test_select_all_without_javascript_ticks_every_row(client, db, asker, petugas):
    for n in range(2):
        new_thread(asker, title=f"Pertanyaan untuk dipilih {n}")
    login(client, petugas)
    page = client.get("/petugas/").get_data(as_text=True)
    assert 'data-check-all="pilih"' in page and "pilih=semua" in page
    assert page.count(" checked>") == 0
    ticked = client.get("/petugas/?pilih=semua").get_data(as_text=True)
    assert len(re.findall(r'name="pilih" value="[^"]+"[^>]*checked>', ticked)) == 2


def test_the_bulk_redirect_keeps_the_inbox_filters(client, db, asker, petugas):
    thread = new_thread(asker)
    login(client, petugas)
    response = client.post("/petugas/massal", data={"pilih": [f"{thread.id}:baru"],
                                                    "action": "verify", "status": "baru",
                                                    "kategori": "1"})
    assert response.status_code == 302
    assert "status=baru" in response.headers["Location"]
    assert "kategori=1" in response.headers["Location"]


@pytest.mark.real_db
def test_two_officers_verifying_the_same_threads_at_once_verify_each_once(app_factory, db,
                                                                          asker, petugas,
                                                                          officer2):
    threads = [new_thread(asker, title=f"Pertanyaan rebutan nomor {n}") for n in range(4)]
    values = [f"{thread.id}:baru" for thread in threads]
    with served(app_factory()) as base:
        one, two = session_for(base, petugas), session_for(base, officer2)
        responses = at_once(*(
            (lambda session=session: session.post(
                f"{base}/petugas/massal", data={"pilih": values, "action": "verify"},
                headers=HX, timeout=30))
            for session in (one, two)))
    assert [response.status_code for response in responses] == [200, 200]
    db.session.expire_all()
    for thread in threads:
        assert db.session.get(Thread, thread.id).status == S.DIVERIFIKASI
        assert status_posts(thread, S.DIVERIFIKASI) == 1
    assert count(AuditEvent, AuditEvent.action == "thread.diverifikasi") == 4
    # Whoever came second found every thread verified already: skipped and listed.
    assert sum(text.count("Statusnya sudah berubah") for text in
               (response.text for response in responses)) == 4


def test_the_bulk_bar_costs_the_same_queries_however_many_officers(client, db, asker, petugas,
                                                                   query_counter):
    from tests.officer.conftest import agency_officer

    new_thread(asker)
    login(client, petugas)
    with query_counter() as few:
        client.get("/petugas/")
    for slug in ("dinkes", "dispertan", "dpupr", "disdukcapil"):
        agency_officer(slug, f"Petugas {slug}")
    with query_counter() as many:
        html = client.get("/petugas/").get_data(as_text=True)
    assert "Petugas dpupr (DPUPR)" in html  # the officer's agency beside the name
    assert len(many) == len(few)
