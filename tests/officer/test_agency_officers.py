"""Petugas of an agency: an "Instansi saya" inbox, told when a thread is assigned to their
agency, and they answer, reply and note only their agency's threads
(`KIM_AGENCY_OFFICERS_SCOPED`); Diskominfo's petugas act on every thread. The dashboard
and the export narrow to one agency."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from kim_app.models import Notification, Post, PostKind, ThreadStatus
from kim_app.threads import lifecycle
from tests.conftest import login
from tests.threads.conftest import advance, agency, new_thread

S = ThreadStatus
ROLES = ["guest", "warga", "pengurus", "asker", "petugas", "dinkes", "dispertan", "admin"]


def codes(html):
    return re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html)


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def dinkes_thread(db, asker, petugas):
    """A question being handled by Dinas Kesehatan (assigned by a Diskominfo petugas)."""
    return advance(new_thread(asker), petugas, S.DIPROSES)


def who(role, people, asker):
    return asker if role == "asker" else people[role]


ANSWER = {"guest": 302, "warga": 403, "pengurus": 403, "asker": 403, "petugas": 302,
          "dinkes": 302, "dispertan": 403, "admin": 302}
REPLY = dict(ANSWER, asker=302)
STEPS = {  # path, form data, the post it leaves, who may (302; the guest is sent to log in)
    "answer": ("jawab", {"answer-body": "Posyandu buka lagi mulai Senin."},
               PostKind.OFFICIAL_ANSWER, ANSWER),
    "note": ("catatan", {"note-body": "Sudah ditelepon ke puskesmas."},
             PostKind.INTERNAL_NOTE, ANSWER),
    "reply": ("balas", {"reply-body": "Mohon ditunggu kabar berikutnya."}, PostKind.REPLY,
              REPLY),
}


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("role", ROLES)
def test_answer_note_and_reply_by_role(client, db, asker, people, dinkes_thread, role, step):
    path, data, kind, expected = STEPS[step]
    if who(role, people, asker):
        login(client, who(role, people, asker))
    response = client.post(f"/tanya/{dinkes_thread.code}/{path}", data=data)
    assert response.status_code == expected[role]
    acted = expected[role] == 302 and role != "guest"
    assert count(db, Post, Post.thread_id == dinkes_thread.id, Post.kind == kind) == acted
    if role == "guest":
        assert "/auth/masuk" in response.headers["Location"]


def test_another_agencys_petugas_sees_no_answer_or_note_form(client, db, dinkes_thread,
                                                             dinkes_officer, dispertan_officer):
    login(client, dispertan_officer)
    page = client.get(f"/tanya/{dinkes_thread.code}").get_data(as_text=True)
    assert "/jawab" not in page and "/catatan" not in page and 'id="reply-form"' not in page
    assert "/tugaskan" in page  # the dispatch stays every officer's
    assert 'id="scope-note"' in page and "Anda petugas Dispertan" in page
    client.post("/auth/keluar")
    login(client, dinkes_officer)
    page = client.get(f"/tanya/{dinkes_thread.code}").get_data(as_text=True)
    assert "/jawab" in page and "/catatan" in page and 'id="reply-form"' in page
    assert 'id="scope-note"' not in page


def test_without_the_scope_every_petugas_answers(client, app, db, dinkes_thread,
                                                 dispertan_officer):
    app.config["AGENCY_OFFICERS_SCOPED"] = False
    login(client, dispertan_officer)
    response = client.post(f"/tanya/{dinkes_thread.code}/jawab",
                           data={"answer-body": "Dijawab lintas instansi."})
    assert response.status_code == 302
    db.session.expire_all()
    assert dinkes_thread.status == S.DIJAWAB


def test_the_agencys_petugas_are_told_of_an_assignment(db, asker, petugas, dinkes_officer,
                                                       dispertan_officer, app):
    with app.test_request_context():
        thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
        colleague = dinkes_officer
        lifecycle.assign(thread, petugas, agency("dinkes"), colleague)
        db.session.commit()
    told = select(Notification).where(Notification.kind == "thread_assigned")
    notes = db.session.scalars(told.where(Notification.user_id == colleague.id)).all()
    assert len(notes) == 1 and "ditugaskan kepada Anda" in notes[0].text  # one, not two
    assert not db.session.scalars(told.where(Notification.user_id == dispertan_officer.id)).all()


def test_an_unassigned_agency_thread_reaches_every_petugas_of_the_agency(db, asker, petugas,
                                                                         dinkes_officer, app):
    from tests.officer.conftest import agency_officer

    second = agency_officer("dinkes", "Pak Dinkes Dua")
    with app.test_request_context():
        thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
        lifecycle.assign(thread, petugas, agency("dinkes"))
        db.session.commit()
    for officer in (dinkes_officer, second):
        assert count(db, Notification, Notification.user_id == officer.id,
                     Notification.text.contains("ditugaskan kepada instansi Anda")) == 1


def test_assigning_to_an_officer_of_another_agency_is_refused(client, db, asker, petugas,
                                                              dispertan_officer):
    thread = advance(new_thread(asker), petugas, S.DIVERIFIKASI)
    login(client, petugas)
    response = client.post(f"/tanya/{thread.code}/tugaskan", data={
        "assign-agency": str(agency("dinkes").id), "assign-assignee": str(dispertan_officer.id)})
    assert response.status_code == 302
    page = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Petugas yang dipilih bekerja untuk instansi lain." in page
    db.session.expire_all()
    assert thread.status == S.DIVERIFIKASI


def test_instansi_saya_inbox(client, db, asker, petugas, dinkes_officer):
    ours = advance(new_thread(asker, title="Untuk dinas kesehatan"), petugas, S.DIVERIFIKASI)
    lifecycle.assign(ours, petugas, agency("dinkes"))
    theirs = advance(new_thread(asker, title="Untuk dinas pertanian"), petugas, S.DIVERIFIKASI)
    lifecycle.assign(theirs, petugas, agency("dispertan"))
    fresh = new_thread(asker, title="Belum ada instansinya")
    db.session.commit()
    login(client, dinkes_officer)
    page = client.get("/petugas/").get_data(as_text=True)
    assert 'id="own-agency-tab"' in page and "Instansi saya: Dinkes" in page
    assert set(codes(page)) == {ours.code, theirs.code, fresh.code}
    assert codes(client.get("/petugas/?instansi_saya=1").get_data(as_text=True)) == [ours.code]
    client.post("/auth/keluar")
    login(client, petugas)  # Diskominfo: no agency of their own, the filter does nothing
    page = client.get("/petugas/?instansi_saya=1").get_data(as_text=True)
    assert 'id="own-agency-tab"' not in page and len(codes(page)) == 3


def test_dashboard_and_export_narrow_to_one_agency(client, db, asker, petugas):
    ours = advance(new_thread(asker, title="Untuk dinas kesehatan"), petugas, S.DIVERIFIKASI)
    lifecycle.assign(ours, petugas, agency("dinkes"))
    theirs = advance(new_thread(asker, title="Untuk dinas pertanian"), petugas, S.DIVERIFIKASI)
    lifecycle.assign(theirs, petugas, agency("dispertan"))
    db.session.commit()
    login(client, petugas)
    dinkes = agency("dinkes")

    def open_count(html):
        return int(re.search(r'Pertanyaan terbuka</span><strong class="stat-value">(\d+)',
                             html).group(1))

    assert open_count(client.get("/petugas/dasbor").get_data(as_text=True)) == 2
    page = client.get(f"/petugas/dasbor?instansi={dinkes.id}").get_data(as_text=True)
    assert open_count(page) == 1
    assert f'<option value="{dinkes.id}" selected>' in page
    assert open_count(client.get("/petugas/dasbor?instansi=abc").get_data(as_text=True)) == 2
    raw = client.get(f"/petugas/dasbor/ekspor/pertanyaan.csv?agency={dinkes.id}").data
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [ours.code]
