"""Reporting public content.

- Anything public (`visibility.is_public`) can be reported by a person who is logged in,
  with a reason (`ReportReason`) and, for "lainnya", a few words; not by the person who
  answers for it, and not by a new account (`trust`).
- One report per person per item: a second one is refused with "already reported", also
  when two arrive at the same moment (the unique constraint decides).
- When `REPORT_HIDE_THRESHOLD` distinct people have open reports on an item, it is hidden
  until a moderator reviews it (`queue`); that is an audit event of the system. Reports on
  one item are counted one after another (a row lock), so simultaneous ones add up.
"""

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from kim_app.common import audit
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Report, ReportReason, User, utcnow
from kim_app.moderation import content, trust, visibility

REASON_LABELS = {
    ReportReason.SPAM: _l("Spam atau iklan"),
    ReportReason.SARA: _l("SARA atau ujaran kebencian"),
    ReportReason.DATA_PRIBADI: _l("Membuka data pribadi (nomor HP, alamat, NIK)"),
    ReportReason.HOAKS: _l("Hoaks atau informasi palsu"),
    ReportReason.LAINNYA: _l("Lainnya"),
}


class ReportError(ValueError):
    """A report the rules refuse; `message` is translated for the person."""

    def __init__(self, message, *, already: bool = False):
        super().__init__(str(message))
        self.message = message
        self.already = already


def find(word: str, object_id: int):
    """The public item a report address names (`/lapor/<word>/<id>`), or None."""
    kind = content.BY_WORD.get(word)
    if kind is None:
        return None
    item = db.session.get(kind.model, object_id)
    return item if visibility.is_public(item) else None


def has_reported(user, item) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(exists().where(
        Report.reporter_id == user.id, Report.object_type == content.kind_of(item).object_type,
        Report.object_id == item.id)))


def refusal(user: User, item):
    """Why this person may not report this item (a translated message), or None."""
    if visibility.owns(user, item):
        return _l("Anda tidak dapat melaporkan tulisan Anda sendiri.")
    if not trust.may_report(user):
        return _l("Akun baru belum dapat melaporkan konten. Coba lagi besok.")
    return None


def open_report_count(object_type: str, object_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Report).where(
        Report.object_type == object_type, Report.object_id == object_id,
        Report.resolved_at.is_(None)))


def report(user: User, item, reason: ReportReason, text: str = "") -> Report:
    """Record the report; hide the item when it reaches the threshold. The caller commits."""
    message = refusal(user, item)
    if message is not None:
        raise ReportError(message)
    kind = content.kind_of(item)
    object_type = kind.object_type
    # Reports on one item one after another (PostgreSQL: a row lock; SQLite: the request's
    # write lock), so simultaneous reports count each other and the threshold is met.
    db.session.execute(select(kind.model.id).where(kind.model.id == item.id).with_for_update())
    row = Report(reporter_id=user.id, object_type=object_type, object_id=item.id,
                 reason=reason, text=(text or "").strip()[:500])
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise ReportError(_l("Anda sudah melaporkan ini. Terima kasih, petugas akan "
                             "memeriksanya."), already=True) from None
    count = open_report_count(object_type, item.id)
    if item.hidden_at is None and count >= current_app.config["REPORT_HIDE_THRESHOLD"]:
        item.hidden_at = utcnow()
        audit.record(None, "moderation.auto_hide", object_type, item.id,
                     kim_group_id=content.kim_group_id(item), reports=count)
    return row

