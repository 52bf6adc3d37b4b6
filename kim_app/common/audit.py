"""Recording audit events. Call `record` in the same transaction as the change it describes."""

from kim_app.extensions import db
from kim_app.models import AuditEvent


def record(actor, action: str, object_type: str, object_id: int, *, kim_group_id: int | None = None,
           reason: str = "", **detail) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        kim_group_id=kim_group_id,
        reason=reason or "",
        detail=detail,
    )
    db.session.add(event)
    return event
