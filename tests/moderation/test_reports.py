"""Reporting: logged in, a reason, once per person per item, hidden after the threshold;
htmx in place and the plain form; new accounts may not report."""

import pytest
from sqlalchemy import select

from kim_app.models import AuditEvent, Report, ReportReason
from kim_app.moderation import reports
from tests.conftest import HX, field_error, login, make_user
from tests.moderation.conftest import report_count, report_via_http, reporters, trusted
from tests.threads.conftest import new_thread


def test_the_report_form_is_a_page_and_a_fragment(client, db, answered, stranger):
    _thread, post = answered
    assert client.get(f"/lapor/balasan/{post.id}").status_code == 302  # guests log in first
    response = client.get(f"/lapor/balasan/{post.id}", headers=HX)
    assert response.status_code == 401 and "/auth/masuk" in response.headers["HX-Redirect"]
    login(client, stranger)
    page = client.get(f"/lapor/balasan/{post.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "Laporkan balasan" in html
    assert "SARA atau ujaran kebencian" in html and "Membuka data pribadi" in html
    fragment = client.get(f"/lapor/balasan/{post.id}", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<form action="/lapor/balasan/') and "<html" not in fragment


def test_the_thread_page_offers_report_links(client, db, answered):
    thread, post = answered
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert f'href="/lapor/balasan/{post.id}"' in html
    assert f'href="/lapor/pertanyaan/{thread.id}"' in html


def test_a_report_without_js_redirects_back_with_thanks(client, db, answered, stranger):
    thread, post = answered
    response = report_via_http(client, post, stranger, "data_pribadi")
    assert response.status_code == 302
    assert response.location == f"/tanya/{thread.code}#post-{post.id}"
    html = client.get(response.location).get_data(as_text=True)
    assert "laporan Anda terkirim" in html
    row = db.session.scalar(select(Report))
    assert (row.reporter_id, row.object_type, row.object_id, row.reason) == (
        stranger.id, "post", post.id, ReportReason.DATA_PRIBADI)


def test_a_report_with_htmx_answers_in_place(client, db, answered, stranger):
    _thread, post = answered
    response = report_via_http(client, post, stranger, "hoaks", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "laporan Anda terkirim" in html
    assert "<html" not in html


def test_one_report_per_person(client, db, answered, stranger):
    _thread, post = answered
    report_via_http(client, post, stranger)
    again = report_via_http(client, post, stranger, "sara", headers=HX)
    assert again.status_code == 409 and "sudah melaporkan" in again.get_data(as_text=True)
    form = client.get(f"/lapor/balasan/{post.id}", follow_redirects=True)
    assert "sudah melaporkan" in form.get_data(as_text=True)
    assert report_count(post) == 1
    with pytest.raises(reports.ReportError) as refused:  # also past the route's check
        reports.report(stranger, post, ReportReason.SPAM)
    assert refused.value.already


@pytest.mark.parametrize("data, field", [
    ({}, "reason"),
    ({"reason": "lainnya"}, "text"),
    ({"reason": "bogus"}, "reason"),
    ({"reason": "lainnya", "text": "x" * 501}, "text"),
])
def test_bad_reports_come_back_with_the_error_by_the_field(client, db, answered, stranger,
                                                           data, field):
    _thread, post = answered
    login(client, stranger)
    prefix = f"report-balasan-{post.id}"
    response = client.post(f"/lapor/balasan/{post.id}",
                           data={f"{prefix}-{name}": value for name, value in data.items()})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, f"{prefix}-{field}")
    if "text" in data:
        assert data["text"][:50] in html  # the text is kept
    assert report_count(post) == 0


def test_threshold_hides_after_distinct_reports(client, db, answered):
    thread, post = answered
    first, second, third = reporters(3)
    report_via_http(client, post, first)
    report_via_http(client, post, second)
    db.session.refresh(post)
    assert post.hidden_at is None
    client.post("/auth/keluar")
    assert "0812 3456 7890" in client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    report_via_http(client, post, third)
    db.session.refresh(post)
    assert post.hidden_at is not None
    client.post("/auth/keluar")
    assert "0812 3456 7890" not in client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.auto_hide"))
    assert event.object_id == post.id and event.actor_id is None and event.detail["reports"] == 3


def test_the_threshold_is_configurable(app_factory, db):
    client = app_factory(REPORT_HIDE_THRESHOLD=1).test_client()
    thread = new_thread(trusted(), verified=True)
    reporter = trusted()
    report_via_http(client, thread, reporter)
    db.session.refresh(thread)
    assert thread.hidden_at is not None


def test_only_public_items_can_be_reported(client, db, author, stranger):
    waiting = new_thread(author)  # not verified yet: not public
    login(client, stranger)
    assert client.get(f"/lapor/pertanyaan/{waiting.id}").status_code == 404
    assert client.get("/lapor/pertanyaan/999999").status_code == 404
    assert client.get("/lapor/sesuatu/1").status_code == 404
    assert client.get("/lapor/pertanyaan/99999999999").status_code == 404


def test_nobody_reports_their_own_content(client, db, answered, author):
    _thread, post = answered
    response = report_via_http(client, post, author, headers=HX)
    assert response.status_code == 403 and "sendiri" in response.get_data(as_text=True)
    assert report_count(post) == 0


def test_new_accounts_may_not_report(client, db, answered):
    _thread, post = answered
    fresh = make_user(name="Akun Baru")
    response = report_via_http(client, post, fresh, headers=HX)
    assert response.status_code == 403 and "Akun baru" in response.get_data(as_text=True)
    assert report_count(post) == 0


def test_new_accounts_may_report_when_configured(app_factory, db):
    client = app_factory(NEW_ACCOUNT_MAY_REPORT=True).test_client()
    thread = new_thread(trusted(), verified=True)
    response = report_via_http(client, thread, make_user(name="Akun Baru"))
    assert response.status_code == 302 and report_count(thread) == 1


def test_the_data_export_holds_the_persons_reports(client, db, answered, stranger):
    import io
    import json
    import zipfile

    _thread, post = answered
    report_via_http(client, post, stranger, "lainnya", "Menyinggung tetangga")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/akun/data").data))
    data = json.loads(archive.read("data.json"))
    assert data["reports"] == [{"object_type": "post", "object_id": post.id,
                                "reason": "lainnya", "text": "Menyinggung tetangga",
                                "created_at": data["reports"][0]["created_at"],
                                "outcome": None}]
