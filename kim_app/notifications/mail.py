"""The outgoing email queue: emails are queued in the request and sent outside any web
request (`flask --app wsgi send-mail`).

Rules:
- an email is only queued when SMTP is configured (`email_configured`); it is written in
  the recipient's language, with absolute links and a way to change the choice;
- a sender first *claims* due emails (status pending, `next_attempt_at` passed, not claimed
  by another sender) and commits the claim, then talks to the SMTP server, then records the
  outcome; so two senders started by a scheduler never send the same email twice, and a
  sender that dies mid-way only delays its emails until the claim runs out;
- a failure (connection, login, refusal) is recorded on the email with the error, and the
  email waits 1, 2, 4 … minutes (at most 6 hours) before the next attempt; after
  `MAIL_MAX_ATTEMPTS` it is marked failed but kept, and `--requeue-failed` queues it again.
  An email is never deleted.
"""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from kim_app.common.urls import absolute_url
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import EmailStatus, OutgoingEmail, User, utcnow

CLAIM_MINUTES = 10
MAX_WAIT = timedelta(hours=6)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (f"send-mail: {self.sent} sent, {self.retried} to retry later, "
                f"{self.failed} failed for good")


def email_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def queue(user: User, text: str, link: str) -> OutgoingEmail:
    """Queue one email to `user` (call it inside `force_locale` for their language)."""
    lines = [text, ""]
    if link:
        lines += [_("Buka: %(url)s", url=absolute_url(link)), ""]
    lines += [
        "—",
        _("Anda menerima email ini karena memilihnya di Portal KIM. Ubah pilihan di %(url)s",
          url=absolute_url("/akun/notifikasi/pengaturan")),
    ]
    email = OutgoingEmail(
        user_id=user.id,
        to_address=user.email,
        subject=(_("Portal KIM: %(text)s", text=text))[:200],
        body="\n".join(lines),
    )
    db.session.add(email)
    return email


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_WAIT)


def claim_due(limit: int) -> list[int]:
    """Claim up to `limit` due emails for this sender and commit the claim."""
    now = utcnow()
    candidates = list(db.session.scalars(
        select(OutgoingEmail.id)
        .where(OutgoingEmail.status == EmailStatus.PENDING,
               OutgoingEmail.next_attempt_at <= now,
               or_(OutgoingEmail.locked_until.is_(None), OutgoingEmail.locked_until < now))
        .order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id)
        .limit(limit)
    ))
    claimed = []
    for email_id in candidates:
        # Conditional update: only one sender wins a row even when two race for it.
        result = db.session.execute(
            update(OutgoingEmail)
            .where(OutgoingEmail.id == email_id, OutgoingEmail.status == EmailStatus.PENDING,
                   or_(OutgoingEmail.locked_until.is_(None), OutgoingEmail.locked_until < now))
            .values(locked_until=now + timedelta(minutes=CLAIM_MINUTES))
        )
        if result.rowcount:
            claimed.append(email_id)
    db.session.commit()
    return claimed


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    security = config.get("MAIL_SECURITY", "starttls")
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def _message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(idstring=f"kim-{email.id}")
    message.set_content(email.body)
    return message


def _failed(email: OutgoingEmail, error: Exception, report: SendReport) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    email.locked_until = None
    if email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        email.status = EmailStatus.FAILED
        report.failed += 1
    else:
        email.next_attempt_at = utcnow() + backoff(email.attempts)
        report.retried += 1


def send_queued(limit: int = 100) -> SendReport:
    """Send up to `limit` due emails over one SMTP connection; record every outcome."""
    report = SendReport()
    claimed = claim_due(limit)
    if not claimed:
        return report
    emails = list(db.session.scalars(
        select(OutgoingEmail).where(OutgoingEmail.id.in_(claimed)).order_by(OutgoingEmail.id)
    ))
    try:
        smtp = _connect()
    except (smtplib.SMTPException, OSError) as error:
        for email in emails:
            _failed(email, error, report)
        db.session.commit()
        return report
    try:
        for email in emails:
            try:
                smtp.send_message(_message(email))
            except (smtplib.SMTPException, OSError) as error:
                _failed(email, error, report)
            else:
                email.status = EmailStatus.SENT
                email.sent_at = utcnow()
                email.locked_until = None
                report.sent += 1
            db.session.commit()
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return report


def requeue_failed() -> int:
    result = db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.status == EmailStatus.FAILED)
        .values(status=EmailStatus.PENDING, attempts=0, next_attempt_at=utcnow(),
                locked_until=None)
    )
    db.session.commit()
    return result.rowcount or 0
