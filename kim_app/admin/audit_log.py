"""The audit log viewer's rules (`/admin/audit`, admins): filters read leniently from the
address (anything unknown is ignored), newest first, paginated by cursor on
(created_at, id) — the index `ix_audit_event_created`, or `ix_audit_event_actor` when one
actor is chosen. Each event is read as a sentence (`common.audit_sentences`)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload

from kim_app.common import audit_sentences
from kim_app.common.workdays import JAKARTA
from kim_app.extensions import db
from kim_app.models import AuditEvent, User

PAGE_SIZE = 50


@dataclass
class Filters:
    actor: str = ""
    object_type: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    def as_args(self) -> dict[str, str]:
        names = {"pelaku": self.actor, "objek": self.object_type, "tindakan": self.action,
                 "dari": self.since.isoformat() if self.since else "",
                 "sampai": self.until.isoformat() if self.until else ""}
        return {key: value for key, value in names.items() if value}


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def parse(args) -> Filters:
    object_type = args.get("objek", "")
    action = args.get("tindakan", "")
    return Filters(
        actor=(args.get("pelaku", "") or "").strip()[:120],
        object_type=object_type if object_type in audit_sentences.OBJECT_WORDS else "",
        action=action if action in audit_sentences.SENTENCES else "",
        since=_day(args.get("dari")),
        until=_day(args.get("sampai")),
    )


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), JAKARTA).astimezone(UTC)


def page(filters: Filters, before: int | None = None,
         limit: int = PAGE_SIZE) -> tuple[list[AuditEvent], dict[int, str], int | None]:
    """One page of events, their sentences, and the cursor of the next page."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if filters.actor:
        query = query.where(AuditEvent.actor_id.in_(select(User.id).where(
            func.lower(User.name).contains(filters.actor.lower(), autoescape=True))))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _utc_midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _utc_midnight(filters.until
                                                                   + timedelta(days=1)))
    if before:
        anchor = select(AuditEvent.created_at).where(AuditEvent.id == before).scalar_subquery()
        query = query.where(tuple_(AuditEvent.created_at, AuditEvent.id) < tuple_(anchor, before))
    rows = list(db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit + 1)))
    events = rows[:limit]
    return events, audit_sentences.describe(events), (
        events[-1].id if len(rows) > limit else None)


def action_choices() -> list[tuple[str, str]]:
    """Every action, named by its sentence with blanks ("… menambah kategori …")."""
    blanks = defaultdict(lambda: "…")  # every placeholder a sentence may have
    return sorted(((action, str(template) % blanks)
                   for action, template in audit_sentences.SENTENCES.items()),
                  key=lambda choice: choice[1])


def object_choices() -> list[tuple[str, str]]:
    return sorted(((key, str(word)) for key, word in audit_sentences.OBJECT_WORDS.items()),
                  key=lambda choice: choice[1])
