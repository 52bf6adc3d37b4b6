"""Titipan warga: questions a KIM member asked on behalf of a villager who is not online.

Rules:
- the member who submitted it is the thread's asker in the app: they see it on `/akun`
  with its status, and are notified of every step like any asker (`lifecycle`);
- once it has an answer, that member records when and how the answer was passed back to
  the villager ("sudah disampaikan", with a note); the thread shows it. They may correct
  the record later; nobody else may write it.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kim_app.common import audit
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Thread, User, utcnow
from kim_app.threads import services
from kim_app.threads.services import ThreadError

ACCOUNT_LIMIT = 10


def is_on_behalf(thread: Thread) -> bool:
    return thread.submitted_via_kim_id is not None and bool(thread.on_behalf_name)


def may_pass_back(user, thread: Thread) -> bool:
    """The member who submitted an on-behalf question, once it has been answered."""
    return (is_on_behalf(thread) and services.is_asker(user, thread)
            and thread.answered_at is not None)


def on_behalf_of(user: User, limit: int = ACCOUNT_LIMIT) -> tuple[list[Thread], bool]:
    """The person's latest on-behalf questions, newest first, and whether there are more
    (the rest are in the question list, `tampil=titipan`)."""
    rows = list(db.session.scalars(
        select(Thread)
        .where(Thread.author_id == user.id, Thread.submitted_via_kim_id.is_not(None))
        .options(joinedload(Thread.submitted_via_kim))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(limit + 1)
    ))
    return rows[:limit], len(rows) > limit


def mark_passed_back(thread: Thread, user: User, passed_on: date, note: str) -> None:
    if not may_pass_back(user, thread):
        raise PermissionError
    note = (note or "").strip()
    if not note:
        raise ThreadError(_l("Tulis singkat bagaimana jawaban disampaikan."))
    if passed_on > local_date(utcnow()):
        raise ThreadError(_l("Tanggal tidak boleh setelah hari ini."))
    if passed_on < local_date(thread.answered_at):
        raise ThreadError(_l("Tanggal tidak boleh sebelum jawaban diberikan."))
    thread.passed_back_on = passed_on
    thread.passed_back_note = note[:500]
    thread.passed_back_at = utcnow()
    audit.record(user, "thread.passed_back", "thread", thread.id,
                 kim_group_id=thread.submitted_via_kim_id, passed_on=passed_on.isoformat())
