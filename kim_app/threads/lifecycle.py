"""The lifecycle of a question thread (PRODUCT.md §4), in one place: what each status
means, and every step from one status to another.

    baru ──verify──▶ diverifikasi ──assign──▶ diproses ──answer──▶ dijawab ──close──▶ selesai
      └──reject (spam | duplicate of … | out of scope)──▶ ditolak      └──reopen──▶ diproses

What a status means (every page, query and export asks here):

- `AWAITING_OFFICER` — baru, diverifikasi, diproses: an officer step is due (verify a new
  question; assign a verified one; answer one being processed). These are the officer
  inbox, the dashboard's open workload and the "still waiting" of the statistics.
- `OPEN_FOR_REPLIES` — those and dijawab: the asker and the officers may still write
  (an answered question stays open for follow-up until it is closed or closes itself).
- The current step's due date: `verify_due_on` while baru (`VERIFY_DUE_WORKDAYS` working
  days after asking), `answer_due_on` while diverifikasi or diproses
  (`ANSWER_DUE_WORKDAYS` after verification, again from a reopening), none otherwise.
  It is stored in `Thread.due_on` so SQL can sort and filter by an index; this module
  derives it on every ORM write of a thread (asking, every transition, the demo, any
  edit). A write that bypasses the ORM's unit of work (a bulk INSERT of dicts, COPY) must
  fill it with `current_due_on`.
- Overdue: the current step's due date lies before today in Pati. `is_overdue` (Python)
  and `overdue_clause` (SQL) read the same stored column, so the inbox, the dashboard,
  the statistics and the thread page agree.
- `allowed_actions(thread, user)`: what this person may do with the thread now; the
  thread page and the officer panel offer exactly those. `status_view` is what a page
  shows about the status (label, due date, overdue).

The steps:

- Officers (petugas, and admins) verify, reject, assign (again while diproses: a new
  disposition), answer, write internal notes, and reopen an answered or closed thread.
- The asker closes the thread by accepting the answer (optionally rating it 1–5), or
  reopens it once, within `THREAD_REOPEN_DAYS` of the answer. An answered thread with no
  activity for `THREAD_AUTO_CLOSE_DAYS` closes itself (`close_stale`, run by a scheduler).
- Every transition is a `status_change` post carrying the actor (None for the system), the
  old and new status and the reason, so the thread shows its whole history; it is also an
  audit event. A transition not allowed from the current status raises `TransitionError`;
  one the person may not make raises `NotAllowedError`. Nothing changes in either case.
- Timestamps for the statistics: `first_response_at` is the first officer action or reply
  the asker can see; `answered_at` the latest official answer; `closed_at` when it became
  selesai.
- The asker and the followers are notified of every status change and answer (never the
  actor), the assigned officer of an assignment; texts never carry the asker's name.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import Index, bindparam, event, select

from kim_app.common import audit, permissions
from kim_app.common.workdays import add_working_days, local_date
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Agency,
    Post,
    PostKind,
    PostPhoto,
    RejectReason,
    Role,
    Thread,
    ThreadStatus,
    User,
    utcnow,
)
from kim_app.notifications.delivery import notify
from kim_app.threads import services
from kim_app.threads.labels import STATUS_LABELS
from kim_app.threads.services import ThreadError

S = ThreadStatus

# --- what a status means ----------------------------------------------------------------

AWAITING_VERIFICATION = (S.BARU,)
"""New questions: an officer verifies (or rejects) them by `verify_due_on`."""
AWAITING_ANSWER = (S.DIVERIFIKASI, S.DIPROSES)
"""Verified questions: assigned to an agency, then answered, by `answer_due_on`."""
AWAITING_OFFICER = AWAITING_VERIFICATION + AWAITING_ANSWER
"""An officer step is due: the inbox, the open workload, "waiting" in the statistics."""
OPEN_FOR_REPLIES = AWAITING_OFFICER + (S.DIJAWAB,)
"""The asker and officers may still reply; selesai and ditolak are closed."""
VERIFIED = (S.DIVERIFIKASI, S.DIPROSES, S.DIJAWAB, S.SELESAI)
"""An officer has verified it: it may be public (who sees what: `moderation.visibility`).
A new question (baru) waits for verification; a rejected one (ditolak) never is public."""

# Action → the statuses it may start from. The one table of legal transitions.
TRANSITIONS: dict[str, tuple[ThreadStatus, ...]] = {
    "verify": AWAITING_VERIFICATION,
    "reject": AWAITING_VERIFICATION,
    "assign": AWAITING_ANSWER,
    "answer": (S.DIPROSES,),
    "close": (S.DIJAWAB,),
    "reopen": (S.DIJAWAB, S.SELESAI),
    "merge": OPEN_FOR_REPLIES,
}
OFFICER_STEPS = ("verify", "reject", "assign", "answer", "reopen")
AGENCY_SCOPED_STEPS = ("answer", "note")
"""Officer steps a petugas of an agency takes only on that agency's threads (and `reply`)."""


def current_due_on(status: ThreadStatus | None, verify_due_on: date | None,
                   answer_due_on: date | None) -> date | None:
    """The date the current officer step is due, None when no officer step waits."""
    if status in AWAITING_VERIFICATION:
        return verify_due_on
    if status in AWAITING_ANSWER:
        return answer_due_on
    return None


@event.listens_for(Thread, "before_insert")
@event.listens_for(Thread, "before_update")
def _keep_due_on(_mapper, _connection, thread: Thread) -> None:
    if thread.status is None:  # the column default, applied here so the due date follows
        thread.status = S.BARU
    thread.due_on = current_due_on(thread.status, thread.verify_due_on, thread.answer_due_on)
    if thread.escalation_level and thread.escalated_due_on != thread.due_on:
        thread.escalation_level = 0  # a new step, a new due date: its escalation starts over
        thread.escalated_due_on = None


def waiting_clause():
    """SQL: the thread waits for an officer (`AWAITING_OFFICER`).

    The statuses are written into the statement as literals, not sent as parameters: the
    planner must see them to know that a query with this clause may read the partial
    indexes below (PostgreSQL also for a prepared statement's generic plan; SQLite only
    matches a partial index's condition written out)."""
    return Thread.status.in_(bindparam(
        "awaiting_officer", list(AWAITING_OFFICER), type_=Thread.__table__.c.status.type,
        expanding=True, literal_execute=True, unique=True))


def _waiting_index(name: str, *columns) -> Index:
    where = waiting_clause()
    return Index(name, *columns, postgresql_where=where, sqlite_where=where)


WAITING_INDEXES = (
    _waiting_index("ix_thread_waiting_due", Thread.due_on, Thread.id),
    _waiting_index("ix_thread_waiting_agency_due", Thread.agency_id, Thread.due_on, Thread.id),
    _waiting_index("ix_thread_waiting_assignee_due", Thread.assignee_id, Thread.due_on,
                   Thread.id),
    _waiting_index("ix_thread_waiting_category_due", Thread.category_id, Thread.due_on,
                   Thread.id),
    _waiting_index("ix_thread_waiting_escalation_due", Thread.escalation_level, Thread.due_on,
                   Thread.id),
    _waiting_index("ix_thread_waiting_village_due", Thread.village_code, Thread.due_on,
                   Thread.id),
    _waiting_index("ix_thread_waiting_me_too", Thread.me_too_count, Thread.id),
)
"""The threads waiting for an officer in due order (`waiting_clause()` is their condition,
so the rule stays here): the officer inbox's default view, alone and filtered by agency,
assigned officer, category or escalation level, reads its page from one of these instead
of sorting the whole backlog; filtered by kecamatan, it reads the waiting threads of the
kecamatan's villages only (and sorts those); sorted by "saya juga", it reads
`(me_too_count, id)` backwards. Defined with the thread table's metadata when
this module is imported (the app always does); the migration that creates them writes the
statuses out."""


def overdue_clause(today: date):
    """SQL twin of `is_overdue`: the current step's due date is before `today`."""
    return Thread.due_on < today


def is_overdue(thread: Thread, today: date | None = None) -> bool:
    return thread.due_on is not None and thread.due_on < (today or local_date(utcnow()))


@dataclass(frozen=True)
class StatusView:
    """What a page shows about a thread's status."""

    label: str
    due_on: date | None  # the current officer step's due date
    due_is_verification: bool  # that step is verification (otherwise the answer)
    overdue: bool


def status_view(thread: Thread, today: date | None = None) -> StatusView:
    return StatusView(
        label=STATUS_LABELS[thread.status],
        due_on=thread.due_on,
        due_is_verification=thread.status in AWAITING_VERIFICATION,
        overdue=is_overdue(thread, today),
    )


def can_reply(user, thread: Thread) -> bool:
    return (
        thread.status in OPEN_FOR_REPLIES
        and (services.is_asker(user, thread) or permissions.may_work_on_thread(user, thread))
    )


def may_rate(thread: Thread) -> bool:
    """An answer can be rated once the thread is selesai."""
    return thread.status == S.SELESAI and thread.answered_at is not None


def allowed_actions(thread: Thread, user) -> frozenset[str]:
    """What this person may do with this thread now; the pages offer exactly these.

    Officers: `verify` and `reject` (baru), `assign` (diverifikasi: the first disposition)
    or `reassign` (diproses: another agency or officer), `answer` (diproses), `reopen`
    (dijawab, selesai), `note` (always). The asker: `close` (dijawab), `rate` (selesai
    after an answer), `reopen` (once, within the reopen window). Both: `reply` while the
    thread is open for replies. Anyone signed in who sees it: `follow`.

    A petugas of an agency answers, notes and replies only on the threads assigned to
    their agency (`permissions.may_work_on_thread`); the other officer steps stay theirs.
    """
    actions = set()
    if permissions.is_petugas(user):
        actions.update(step for step in OFFICER_STEPS if thread.status in TRANSITIONS[step])
        actions.add("note")
        if "assign" in actions and thread.status == S.DIPROSES:
            actions.discard("assign")
            actions.add("reassign")
        if not permissions.may_work_on_thread(user, thread):
            actions.difference_update(AGENCY_SCOPED_STEPS)
        if thread.status in TRANSITIONS["merge"] and permissions.may_work_on_thread(user, thread):
            actions.add("merge")
    if services.is_asker(user, thread):
        if thread.status in TRANSITIONS["close"]:
            actions.add("close")
        if may_rate(thread):
            actions.add("rate")
        if asker_may_reopen(thread, user):
            actions.add("reopen")
    if can_reply(user, thread):
        actions.add("reply")
    if services.can_follow(user, thread):
        actions.add("follow")
    return frozenset(actions)


def closed_automatically(post: Post) -> bool:
    """The status change the scheduler made (`close_stale`): the system's only step."""
    return (post.kind == PostKind.STATUS_CHANGE and post.author_id is None
            and post.to_status == S.SELESAI)


# --- the steps --------------------------------------------------------------------------

class TransitionError(ThreadError):
    """The thread's status does not allow this step."""


class NotAllowedError(ThreadError):
    """This person may not take this step on this thread."""


def _lock(thread: Thread) -> None:
    """Serialise the steps of one thread: re-read it under a row lock (PostgreSQL; on SQLite
    the request holds the write lock from its first statement, see `database`), so that of
    two simultaneous requests the second sees what the first did and is refused (409)."""
    db.session.scalars(select(Thread).where(Thread.id == thread.id).with_for_update()
                       .execution_options(populate_existing=True)).one()


def require_unchanged(thread: Thread, seen: ThreadStatus) -> None:
    """Lock the thread and refuse when its status is no longer the one the officer saw
    (a bulk step chosen on a page another officer has acted on since)."""
    _lock(thread)
    if thread.status != seen:
        raise TransitionError(_l("Statusnya sudah berubah menjadi \u201c%(status)s\u201d.",
                                 status=STATUS_LABELS[thread.status]))


def _require_status(thread: Thread, action: str) -> None:
    _lock(thread)
    if thread.status not in TRANSITIONS[action]:
        raise TransitionError(_l("Tindakan ini tidak bisa dilakukan pada pertanyaan berstatus "
                                 "\u201c%(status)s\u201d.", status=STATUS_LABELS[thread.status]))


def _require_officer(actor, thread: Thread | None = None) -> None:
    """An officer; with `thread`, one who may work on it (an agency's petugas: its own)."""
    if not permissions.is_petugas(actor):
        raise NotAllowedError(_l("Hanya petugas yang dapat melakukan tindakan ini."))
    if thread is not None and not permissions.may_work_on_thread(actor, thread):
        raise NotAllowedError(_l("Pertanyaan ini ditangani instansi lain."))


def thread_link(thread: Thread) -> str:
    """The thread's address for a notification, with or without a request."""
    if has_request_context():
        return url_for("threads.show", code=thread.code)
    with current_app.test_request_context():  # the scheduler's run has no request
        return url_for("threads.show", code=thread.code)


def _tell_asker_and_followers(thread: Thread, actor, text) -> None:
    recipients = {thread.author_id: thread.author}
    for follower in services.followers(thread):
        recipients.setdefault(follower.id, follower)
    recipients.pop(getattr(actor, "id", None), None)
    # Permission at send time: a follower who lost access (a demoted pengurus following a
    # private question) is told nothing, with the same rule the page uses.
    notify([u for u in recipients.values() if u.active and services.can_view(u, thread)],
           "thread", text, link=thread_link(thread))


def _transition(thread: Thread, actor, to_status: ThreadStatus, reason: str = "", *,
                tell: bool = True, **detail) -> Post:
    """Move the thread and write the status-change post and the audit event; the asker
    and followers are told (unless the step tells them itself: `tell=False`)."""
    from_status = thread.status
    now = utcnow()
    post = Post(thread_id=thread.id, author_id=getattr(actor, "id", None),
                kind=PostKind.STATUS_CHANGE, from_status=from_status, to_status=to_status,
                reason=(reason or "").strip()[:500], created_at=now)
    db.session.add(post)
    thread.status = to_status
    thread.last_activity_at = now
    if permissions.is_petugas(actor) and thread.first_response_at is None:
        thread.first_response_at = now
    audit.record(actor, f"thread.{to_status.value}", "thread", thread.id,
                 kim_group_id=thread.submitted_via_kim_id, reason=post.reason,
                 from_status=from_status.value, to_status=to_status.value, **detail)
    if tell:
        _tell_asker_and_followers(
            thread, actor,
            _l("Pertanyaan %(code)s kini berstatus \u201c%(status)s\u201d.",
               code=thread.code, status=STATUS_LABELS[to_status]),
        )
    return post


def _answer_due(now) -> object:
    return add_working_days(local_date(now), current_app.config["ANSWER_DUE_WORKDAYS"])


# --- officer steps ----------------------------------------------------------------------

def verify(thread: Thread, actor: User, note: str = "") -> Post:
    _require_officer(actor)
    _require_status(thread, "verify")
    post = _transition(thread, actor, S.DIVERIFIKASI, note)
    thread.verified_at = post.created_at
    thread.answer_due_on = _answer_due(post.created_at)
    return post


def reject(thread: Thread, actor: User, reason: RejectReason, note: str = "",
           duplicate_of: Thread | None = None) -> Post:
    _require_officer(actor)
    _require_status(thread, "reject")
    reason = RejectReason(reason)
    if reason == RejectReason.DUPLIKAT:
        if duplicate_of is None:
            raise ThreadError(_l("Sebutkan kode pertanyaan aslinya."))
        if duplicate_of.id == thread.id:
            raise ThreadError(_l("Pertanyaan tidak bisa menjadi duplikat dirinya sendiri."))
    else:
        duplicate_of = None
    thread.reject_reason = reason
    thread.duplicate_of_id = duplicate_of.id if duplicate_of else None
    return _transition(thread, actor, S.DITOLAK, note, reject_reason=reason.value,
                       duplicate_of=duplicate_of.code if duplicate_of else None)


def assign(thread: Thread, actor: User, agency: Agency, assignee: User | None = None,
           note: str = "") -> Post:
    _require_officer(actor)
    _require_status(thread, "assign")
    if agency is None or not agency.active:
        raise ThreadError(_l("Pilih instansi (OPD) yang menangani."))
    if assignee is not None and not (assignee.is_petugas and assignee.active):
        raise ThreadError(_l("Petugas yang dipilih tidak ditemukan."))
    if assignee is not None and permissions.officer_agency_id(assignee) not in (None, agency.id):
        raise ThreadError(_l("Petugas yang dipilih bekerja untuk instansi lain."))
    thread.agency_id = agency.id
    thread.agency = agency
    thread.assignee_id = assignee.id if assignee else None
    post = _transition(thread, actor, S.DIPROSES, note, agency=agency.slug,
                       assignee_id=assignee.id if assignee else None)
    agency_name = agency.short_name or agency.name
    if assignee is not None and assignee.id != actor.id:
        notify(assignee, "thread_assigned",
               _l("Pertanyaan %(code)s ditugaskan kepada Anda (%(agency)s).",
                  code=thread.code, agency=agency_name),
               link=thread_link(thread))
    told = {actor.id, getattr(assignee, "id", None)}
    notify([officer for officer in agency_officers(agency) if officer.id not in told],
           "thread_assigned",
           _l("Pertanyaan %(code)s ditugaskan kepada instansi Anda (%(agency)s).",
              code=thread.code, agency=agency_name),
           link=thread_link(thread))
    return post


def agency_officers(agency: Agency) -> list[User]:
    """The active petugas of an agency (who hear of its assignments and escalations)."""
    return list(db.session.scalars(
        select(User).where(User.agency_id == agency.id, User.role == Role.PETUGAS,
                           User.active.is_(True)).order_by(User.id)))


def answer(thread: Thread, actor: User, body: str, agency: Agency | None = None,
           photos=(), document=None) -> Post:
    """The official answer, for an agency: its own post (with its photos and PDF, stored
    by `common.uploads`), then the status change."""
    _require_officer(actor, thread)
    _require_status(thread, "answer")
    body = (body or "").strip()
    if not body:
        raise ThreadError(_l("Tulis jawaban resminya."))
    agency = agency or thread.agency
    now = utcnow()
    answer_post = Post(thread_id=thread.id, author_id=actor.id, kind=PostKind.OFFICIAL_ANSWER,
                       body=body, agency_id=agency.id if agency else None, created_at=now)
    if len(photos) > services.MAX_PHOTOS:
        raise ThreadError(_l("Paling banyak %(num)d foto.", num=services.MAX_PHOTOS))
    answer_post.photos = [PostPhoto(photo=photo, position=position)
                          for position, photo in enumerate(photos)]
    answer_post.document = document
    db.session.add(answer_post)
    if thread.first_response_at is None:
        thread.first_response_at = now
    thread.answered_at = now
    _transition(thread, actor, S.DIJAWAB, agency=agency.slug if agency else None)
    return answer_post


def merge(duplicate: Thread, actor: User, original: Thread, note: str = "") -> Post:
    """Merge a duplicate into the original (a public question): the duplicate is rejected
    as a duplicate of it, and its asker, followers and "saya juga" move over to the
    original (`metoo.move_over`); they are told once, with a link to the original. An
    officer who may work on the duplicate (an agency's petugas: their agency's threads)."""
    from kim_app.threads import metoo

    _require_officer(actor, duplicate)
    for thread in sorted({duplicate.id: duplicate, original.id: original}.values(),
                         key=lambda t: t.id):
        _lock(thread)  # both, in one order: two merges into one original take turns
    _require_status(duplicate, "merge")
    if original.id == duplicate.id:
        raise ThreadError(_l("Pertanyaan tidak bisa menjadi duplikat dirinya sendiri."))
    if not services.is_public_question(original) or original.duplicate_of_id is not None:
        raise ThreadError(_l("Gabungkan ke pertanyaan publik yang sudah diverifikasi."))
    duplicate.reject_reason = RejectReason.DUPLIKAT
    duplicate.duplicate_of_id = original.id
    moved = metoo.move_over(duplicate, original)
    post = _transition(duplicate, actor, S.DITOLAK, note, tell=False,
                       reject_reason=RejectReason.DUPLIKAT.value, duplicate_of=original.code,
                       merged=len(moved))
    notify([u for u in moved if u.id != actor.id and services.can_view(u, original)],
           "thread.merged",
           _l("Pertanyaan %(duplicate)s digabung dengan pertanyaan yang sama, %(code)s: "
              "Anda kini mengikutinya.", duplicate=duplicate.code, code=original.code),
           link=thread_link(original))
    return post


def add_note(thread: Thread, actor: User, body: str) -> Post:
    """An internal note: officers only, shown to officers only, no notification."""
    _require_officer(actor, thread)
    body = (body or "").strip()
    if not body:
        raise ThreadError(_l("Catatan tidak boleh kosong."))
    post = Post(thread_id=thread.id, author_id=actor.id, kind=PostKind.INTERNAL_NOTE, body=body)
    db.session.add(post)
    return post


# --- replies (not transitions, but they count as activity) -------------------------------

def reply(thread: Thread, actor: User, body: str) -> Post:
    if not can_reply(actor, thread):
        if thread.status not in OPEN_FOR_REPLIES:
            raise TransitionError(_l("Pertanyaan ini sudah ditutup; balasan tidak bisa dikirim."))
        raise NotAllowedError(_l("Hanya penanya dan petugas yang dapat membalas."))
    body = (body or "").strip()
    if not body:
        raise ThreadError(_l("Balasan tidak boleh kosong."))
    now = utcnow()
    post = Post(thread_id=thread.id, author_id=actor.id, kind=PostKind.REPLY, body=body,
                created_at=now)
    db.session.add(post)
    thread.last_activity_at = now
    text = _l("Ada balasan baru pada pertanyaan %(code)s.", code=thread.code)
    if permissions.is_petugas(actor):
        if thread.first_response_at is None:
            thread.first_response_at = now
        _tell_asker_and_followers(thread, actor, text)
    elif thread.assignee is not None and thread.assignee_id != actor.id:
        notify(thread.assignee, "thread", text, link=thread_link(thread))
    return post


# --- the asker's steps ------------------------------------------------------------------

def _validate_rating(rating: int | None) -> None:
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ThreadError(_l("Nilai harus antara 1 dan 5."))


def close(thread: Thread, actor: User, rating: int | None = None, comment: str = "") -> Post:
    """The asker accepts the answer; the thread is selesai."""
    if not services.is_asker(actor, thread):
        raise NotAllowedError(_l("Hanya penanya yang dapat menutup pertanyaan ini."))
    _require_status(thread, "close")
    _validate_rating(rating)
    post = _transition(thread, actor, S.SELESAI, rating=rating)
    thread.closed_at = post.created_at
    if rating is not None:
        _set_rating(thread, rating, comment)
    return post


def _set_rating(thread: Thread, rating: int, comment: str) -> None:
    thread.rating = int(rating)
    thread.rating_comment = (comment or "").strip()[:500]
    thread.rated_at = utcnow()


def rate(thread: Thread, actor: User, rating: int, comment: str = "") -> None:
    """The asker rates the answer of a closed thread (and may change the rating)."""
    if not services.is_asker(actor, thread):
        raise NotAllowedError(_l("Hanya penanya yang dapat menilai jawaban."))
    _lock(thread)
    if not may_rate(thread):
        raise TransitionError(_l("Jawaban bisa dinilai setelah pertanyaan selesai."))
    if rating is None:
        raise ThreadError(_l("Pilih nilai 1 sampai 5."))
    _validate_rating(rating)
    _set_rating(thread, rating, comment)
    audit.record(actor, "thread.rated", "thread", thread.id, rating=int(rating))


def reopen_deadline(thread: Thread):
    if thread.answered_at is None:
        return None
    answered = thread.answered_at
    if answered.tzinfo is None:  # SQLite gives naive UTC
        from datetime import UTC

        answered = answered.replace(tzinfo=UTC)
    return answered + timedelta(days=current_app.config["THREAD_REOPEN_DAYS"])


def asker_may_reopen(thread: Thread, actor, now=None) -> bool:
    deadline = reopen_deadline(thread)
    return (
        services.is_asker(actor, thread)
        and thread.status == S.DIJAWAB
        and thread.reopen_count == 0
        and deadline is not None
        and (now or utcnow()) <= deadline
    )


def reopen(thread: Thread, actor: User, reason: str) -> Post:
    """Back to diproses: by the asker (once, within the reopen window, from dijawab) or by
    an officer (from dijawab or selesai). A reason is required."""
    reason = (reason or "").strip()
    officer = permissions.is_petugas(actor)
    if not officer and not services.is_asker(actor, thread):
        raise NotAllowedError(_l("Hanya penanya dan petugas yang dapat membuka kembali."))
    _require_status(thread, "reopen")
    if not officer:
        if thread.status != S.DIJAWAB:
            raise TransitionError(_l("Pertanyaan yang sudah selesai tidak bisa dibuka kembali."))
        if thread.reopen_count > 0:
            raise TransitionError(_l("Pertanyaan hanya bisa dibuka kembali satu kali."))
        if not asker_may_reopen(thread, actor):
            raise TransitionError(_l("Batas waktu untuk membuka kembali sudah lewat."))
    if not reason:
        raise ThreadError(_l("Tuliskan alasan membuka kembali."))
    post = _transition(thread, actor, S.DIPROSES, reason)
    thread.reopen_count = (thread.reopen_count or 0) + 1
    thread.closed_at = None
    thread.answer_due_on = _answer_due(post.created_at)
    return post


# --- the scheduler's step ---------------------------------------------------------------

def close_stale(now=None) -> int:
    """Close answered threads quiet for `THREAD_AUTO_CLOSE_DAYS`. Idempotent: a second run
    finds nothing left to close. Returns how many it closed."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["THREAD_AUTO_CLOSE_DAYS"])
    stale = db.session.scalars(
        select(Thread).where(
            Thread.status == S.DIJAWAB,
            Thread.answered_at <= cutoff,
            Thread.last_activity_at <= cutoff,
        ).order_by(Thread.id).with_for_update(skip_locked=True)
    ).all()
    for thread in stale:
        post = _transition(thread, None, S.SELESAI, automatic=True)
        thread.closed_at = post.created_at
    return len(stale)
