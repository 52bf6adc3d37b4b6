"""Email (optional): queued in the request, sent by `flask send-mail`, retried, never lost."""

import smtplib
from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from kim_app.extensions import db
from kim_app.models import EmailStatus, NotificationPreference, OutgoingEmail, utcnow
from kim_app.notifications import mail
from kim_app.notifications.delivery import notify
from tests.conftest import make_user


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what is sent, or fails as told."""

    sent: list = []
    fail_connect = False
    refuse: set = set()
    instances = 0

    def __init__(self, host, port, timeout=None):
        FakeSMTP.instances += 1
        if FakeSMTP.fail_connect:
            raise ConnectionRefusedError(111, "Connection refused")
        self.host, self.port = host, port

    def starttls(self, context=None):
        raise AssertionError("MAIL_SECURITY=none must not start TLS")

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        if message["To"] in FakeSMTP.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        FakeSMTP.sent.append(message)

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def smtp(monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail_connect, FakeSMTP.refuse, FakeSMTP.instances = [], False, set(), 0
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


@pytest.fixture
def mail_app(app_factory):
    app = app_factory(MAIL_SERVER="smtp.contoh.invalid", MAIL_PORT=2525, MAIL_SECURITY="none",
                      MAIL_FROM="Portal KIM <noreply@contoh.invalid>",
                      SITE_URL="https://kim.contoh.invalid")
    with app.app_context():
        yield app


def opted_in(email="sri@contoh.invalid", category="thread", locale=None):
    user = make_user(email=email)
    user.locale = locale
    db.session.add(NotificationPreference(user_id=user.id, category=category, in_app=True,
                                          email=True))
    db.session.commit()
    return user


def send(app, user, kind="thread.answered"):
    with app.test_request_context("/"):
        notify(user, kind, _l("%(kim)s meneruskan pengumuman: %(title)s", kim="KIM Kajen",
                              title="Posyandu"), link="/tanya/TNY-26-AAAA")
        db.session.commit()


def queued():
    return list(db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def test_opted_in_person_gets_an_email_queued_in_their_language(mail_app, smtp):
    user = opted_in(locale="en")
    send(mail_app, user)
    [email] = queued()
    assert email.to_address == "sri@contoh.invalid" and email.status == EmailStatus.PENDING
    assert email.subject == "Portal KIM: KIM Kajen passed on an announcement: Posyandu"
    assert "https://kim.contoh.invalid/tanya/TNY-26-AAAA" in email.body
    assert smtp.sent == []  # nothing leaves during the request


def test_no_email_without_opt_in_address_or_smtp(app_factory, mail_app, smtp):
    send(mail_app, make_user(email="tidak-memilih@contoh.invalid"))
    send(mail_app, opted_in(email=None))
    send(mail_app, opted_in(email="lain@contoh.invalid", category="membership"))
    assert queued() == []
    plain = app_factory()  # no SMTP configured
    with plain.app_context():
        send(plain, opted_in(email="x@contoh.invalid"))
        assert queued() == []


def test_send_mail_sends_once(mail_app, smtp):
    send(mail_app, opted_in())
    result = mail_app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    [message] = smtp.sent
    assert message["To"] == "sri@contoh.invalid"
    assert message["From"] == "Portal KIM <noreply@contoh.invalid>"
    [email] = queued()
    assert email.status == EmailStatus.SENT and email.sent_at is not None
    mail_app.test_cli_runner().invoke(args=["send-mail"])
    assert len(smtp.sent) == 1


def test_failing_server_retries_with_backoff_and_loses_nothing(mail_app, smtp):
    send(mail_app, opted_in())
    smtp.fail_connect = True
    report = mail.send_queued()
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    [email] = queued()
    assert email.status == EmailStatus.PENDING and email.attempts == 1
    assert "Connection refused" in email.last_error
    first_wait = email.next_attempt_at
    # Not due yet: a second run does not even try.
    attempts_before = smtp.instances
    assert mail.send_queued().retried == 0 and smtp.instances == attempts_before
    # Due again, still failing: the wait doubles.
    db.session.execute(update(OutgoingEmail).values(next_attempt_at=utcnow()))
    db.session.commit()
    mail.send_queued()
    [email] = queued()
    assert email.attempts == 2
    assert mail.backoff(1) == timedelta(minutes=1) and mail.backoff(2) == timedelta(minutes=2)
    assert mail.backoff(30) == timedelta(hours=6)
    assert first_wait is not None
    # The server comes back: the same email is sent.
    smtp.fail_connect = False
    db.session.execute(update(OutgoingEmail).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert mail.send_queued().sent == 1
    assert queued()[0].status == EmailStatus.SENT and len(smtp.sent) == 1


def test_one_refused_recipient_does_not_stop_the_others(mail_app, smtp):
    send(mail_app, opted_in(email="ditolak@contoh.invalid"))
    send(mail_app, opted_in(email="diterima@contoh.invalid"))
    smtp.refuse = {"ditolak@contoh.invalid"}
    report = mail.send_queued()
    assert (report.sent, report.retried) == (1, 1)
    assert [m["To"] for m in smtp.sent] == ["diterima@contoh.invalid"]


def test_after_the_last_attempt_an_email_is_kept_as_failed_and_can_be_requeued(mail_app, smtp):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 2
    send(mail_app, opted_in())
    smtp.fail_connect = True
    for _ in range(2):
        db.session.execute(update(OutgoingEmail).values(next_attempt_at=utcnow()))
        db.session.commit()
        mail.send_queued()
    [email] = queued()
    assert email.status == EmailStatus.FAILED and email.attempts == 2
    smtp.fail_connect = False
    result = mail_app.test_cli_runner().invoke(args=["send-mail", "--requeue-failed"])
    assert "1 failed emails queued again" in result.output and "1 sent" in result.output
    assert queued()[0].status == EmailStatus.SENT


def test_a_claimed_email_is_not_sent_by_a_second_sender(mail_app, smtp):
    send(mail_app, opted_in())
    assert len(mail.claim_due(10)) == 1
    assert mail.claim_due(10) == []  # another sender finds nothing to do
    assert db.session.scalar(select(func.count()).select_from(OutgoingEmail)) == 1


def test_send_mail_without_smtp_says_so(runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code != 0
    assert "not configured" in result.output


def test_settings_page_offers_email_when_configured(mail_app):
    from tests.conftest import login

    user = opted_in()
    client = mail_app.test_client()
    login(client, user)
    html = client.get("/akun/notifikasi/pengaturan").get_data(as_text=True)
    assert 'id="email-thread"' in html
    client.post("/akun/notifikasi/pengaturan", data={"in_app": ["thread"], "email": ["info"]})
    prefs = {p.category: p.email for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    assert prefs["info"] is True and prefs["thread"] is False
