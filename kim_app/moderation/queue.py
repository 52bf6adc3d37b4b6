"""The moderation queue (`/admin/moderasi`) and what a moderator does there.

- The queue is every item with open reports (auto-hidden ones among them), oldest first
  report first, with the item, its context and its reports; at most `QUEUE_SIZE` at a time.
- A moderator (`permissions.can_moderate`) decides each with a reason: **hide** it,
  **restore** a hidden one, **dismiss** the reports on a visible one, or **redact** part of
  a reply that exposes personal data (the public reads "[disunting petugas]" instead; the
  original is kept for moderators in `Post.redacted_original`). Every decision closes the
  item's open reports, is an audit event, and hiding and redacting are told to the people
  who answer for the item with the reason. An admin may also deactivate the author
  (`admin.people.deactivate`, itself audited).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import joinedload

from kim_app.common import audit
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Post, PostKind, Report, ReportOutcome, User, utcnow
from kim_app.moderation import content, visibility
from kim_app.notifications.delivery import notify

QUEUE_SIZE = 50
REDACTED = "[disunting petugas]"


class ModerationError(ValueError):
    """A decision the rules refuse; `message` is translated for the person."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class Case:
    kind: content.Kind
    item: object
    reports: list[Report]

    @property
    def key(self) -> tuple[str, int]:
        return self.kind.object_type, self.item.id

    @property
    def hidden(self) -> bool:
        return visibility.is_hidden(self.item)

    @property
    def first_reported_at(self) -> datetime | None:
        return self.reports[0].created_at if self.reports else None

    @property
    def redactable(self) -> bool:
        return isinstance(self.item, Post) and self.item.kind in REDACTABLE


REDACTABLE = (PostKind.REPLY, PostKind.OFFICIAL_ANSWER)


def _open():
    return Report.resolved_at.is_(None)


def open_cases(limit: int = QUEUE_SIZE) -> tuple[list[Case], int]:
    """The oldest `limit` items with open reports, and how many items wait in all; a
    fixed number of queries (one per kind of content on the page)."""
    first = func.min(Report.created_at)
    keys = [(row.object_type, row.object_id) for row in db.session.execute(
        select(Report.object_type, Report.object_id).where(_open())
        .group_by(Report.object_type, Report.object_id)
        .order_by(first, Report.object_type, Report.object_id).limit(limit))]
    total = db.session.scalar(select(func.count()).select_from(
        select(Report.object_type, Report.object_id).where(_open())
        .group_by(Report.object_type, Report.object_id).subquery()))
    return _cases(keys), total


def _cases(keys: list[tuple[str, int]]) -> list[Case]:
    if not keys:
        return []
    items = content.load_many(keys)
    reports: dict[tuple[str, int], list[Report]] = {}
    for report in db.session.scalars(
            select(Report).options(joinedload(Report.reporter))
            .where(_open(), tuple_(Report.object_type, Report.object_id).in_(keys))
            .order_by(Report.created_at, Report.id)):
        reports.setdefault((report.object_type, report.object_id), []).append(report)
    return [Case(content.KINDS[key[0]], items[key], reports.get(key, []))
            for key in keys if key in items]


def case(object_type: str, object_id: int) -> Case | None:
    """One item as the queue shows it (also with no open report: a moderator may act on
    anything they reached from the queue)."""
    kind = content.KINDS.get(object_type)
    if kind is None:
        return None
    item = content.load(object_type, object_id)
    if item is None:
        return None
    return _cases([(object_type, object_id)])[0]


def _close_reports(moderator: User, item_case: Case, outcome: ReportOutcome) -> None:
    object_type, object_id = item_case.key
    db.session.execute(
        update(Report).where(_open(), Report.object_type == object_type,
                             Report.object_id == object_id)
        .values(resolved_at=utcnow(), resolved_by_id=moderator.id, outcome=outcome))


def _record(moderator: User, action: str, item_case: Case, reason: str, **detail) -> None:
    object_type, object_id = item_case.key
    audit.record(moderator, action, object_type, object_id,
                 kim_group_id=content.kim_group_id(item_case.item), reason=reason.strip(),
                 reports=len(item_case.reports), **detail)


def _tell_owners(item_case: Case, text) -> None:
    owners = [user for user in content.owners(item_case.item) if user.active]
    notify(owners, "moderation.decision", text, link=item_case.kind.link(item_case.item))


def _need_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_l("Tulis alasannya; orang yang menulis konten ini akan "
                                 "membacanya."), field="reason")
    return reason


def hide(moderator: User, item_case: Case, reason: str) -> None:
    reason = _need_reason(reason)
    if item_case.hidden and not item_case.reports:
        raise ModerationError(_l("Konten ini sudah disembunyikan."))
    item_case.item.hidden_at = item_case.item.hidden_at or utcnow()
    _close_reports(moderator, item_case, ReportOutcome.HIDDEN)
    _record(moderator, "moderation.hide", item_case, reason)
    _tell_owners(item_case, _l("Petugas menyembunyikan %(what)s Anda \u201c%(title)s\u201d. "
                               "Alasan: %(reason)s", what=item_case.kind.label,
                               title=item_case.kind.title(item_case.item)[:80], reason=reason))


def restore(moderator: User, item_case: Case, reason: str) -> None:
    reason = _need_reason(reason)
    if not item_case.hidden:
        raise ModerationError(_l("Konten ini tidak sedang disembunyikan."))
    item_case.item.hidden_at = None
    _close_reports(moderator, item_case, ReportOutcome.RESTORED)
    _record(moderator, "moderation.restore", item_case, reason)
    _tell_owners(item_case, _l("%(what)s Anda \u201c%(title)s\u201d tampil kembali setelah "
                               "diperiksa petugas.", what=item_case.kind.label,
                               title=item_case.kind.title(item_case.item)[:80]))


def dismiss(moderator: User, item_case: Case, reason: str) -> None:
    reason = _need_reason(reason)
    if item_case.hidden:
        raise ModerationError(_l("Konten ini disembunyikan: tampilkan kembali atau biarkan "
                                 "tersembunyi."))
    if not item_case.reports:
        raise ModerationError(_l("Tidak ada laporan terbuka untuk konten ini."))
    _close_reports(moderator, item_case, ReportOutcome.DISMISSED)
    _record(moderator, "moderation.dismiss", item_case, reason)


def redact(moderator: User, item_case: Case, part: str, reason: str) -> None:
    """Replace `part` of a reply with "[disunting petugas]" everywhere it occurs; the reply
    is shown again (the part that broke the rules is gone)."""
    reason = _need_reason(reason)
    post = item_case.item
    if not item_case.redactable:
        raise ModerationError(_l("Hanya balasan yang dapat disunting sebagian."))
    part = (part or "").strip()
    if not part or part not in post.body:
        raise ModerationError(_l("Salin persis bagian tulisan yang akan disunting."),
                              field="part")
    if part == REDACTED:
        raise ModerationError(_l("Bagian ini sudah disunting."), field="part")
    if post.redacted_original is None:
        post.redacted_original = post.body
    post.body = post.body.replace(part, REDACTED)
    post.hidden_at = None
    _close_reports(moderator, item_case, ReportOutcome.REDACTED)
    _record(moderator, "moderation.redact", item_case, reason)
    _tell_owners(item_case, _l("Petugas menyunting sebagian %(what)s Anda di %(title)s. "
                               "Alasan: %(reason)s", what=item_case.kind.label,
                               title=item_case.kind.title(post), reason=reason))
