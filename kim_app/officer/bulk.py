"""Bulk steps from the officer inbox: verify, or assign to an agency (and an officer), the
threads ticked on the page, in one POST.

Each thread goes through the same lifecycle step as on its own page, so each gets its own
status post, notification and audit event. Every checkbox carries the status its thread
had when the page was shown (`<id>:<status>`): a thread whose status changed meanwhile
(another officer was quicker) is skipped and listed, and so is one the step does not fit
(assigning a question not yet verified) or one this officer may not take. Threads are
taken in id order, each under its row lock, so two bulk requests over the same threads
queue behind each other and the second skips what the first did.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Agency, Thread, ThreadStatus, User
from kim_app.threads import lifecycle
from kim_app.threads.labels import STATUS_LABELS
from kim_app.threads.services import ThreadError

MAX_THREADS = 100
ACTIONS = ("verify", "assign")
STATUS_VALUES = frozenset(status.value for status in ThreadStatus)
# The steps `allowed_actions` names for each bulk action (assign is reassign while diproses).
ALLOWED_AS = {"verify": {"verify"}, "assign": {"assign", "reassign"}}
ACTION_LABELS = {"verify": _l("Verifikasi"), "assign": _l("Tugaskan ke instansi")}


class SelectionError(ValueError):
    """The ticked boxes cannot be read (tampered with or too many)."""


@dataclass
class Skipped:
    code: str
    reason: str


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_selection(values: list[str]) -> dict[int, ThreadStatus]:
    """{thread id: status seen} from the checkbox values `<id>:<status>`."""
    if len(values) > MAX_THREADS:
        raise SelectionError(_l("Pilih paling banyak %(num)d pertanyaan sekaligus.",
                                num=MAX_THREADS))
    selection = {}
    for value in values:
        thread_id, _sep, status = value.partition(":")
        if not thread_id.isdigit() or len(thread_id) > 12 or status not in STATUS_VALUES:
            raise SelectionError(_l("Pilihan pertanyaan tidak dikenal. Muat ulang halaman."))
        selection[int(thread_id)] = ThreadStatus(status)
    if not selection:
        raise SelectionError(_l("Pilih dulu pertanyaan yang akan diproses."))
    return selection


def _step(action: str, thread: Thread, actor: User, agency: Agency | None,
          assignee: User | None, note: str) -> None:
    if action == "verify":
        lifecycle.verify(thread, actor, note)
    else:
        lifecycle.assign(thread, actor, agency, assignee, note)


def run(action: str, selection: dict[int, ThreadStatus], actor: User, *,
        agency: Agency | None = None, assignee: User | None = None,
        note: str = "") -> BulkResult:
    """Take the step on every selected thread that is still as the officer saw it."""
    if action not in ACTIONS:
        raise SelectionError(_l("Pilih tindakan untuk pertanyaan yang dipilih."))
    found = {thread.id: thread for thread in db.session.scalars(
        select(Thread).where(Thread.id.in_(selection)).order_by(Thread.id))}
    result = BulkResult()
    for thread_id, seen in sorted(selection.items()):
        thread = found.get(thread_id)
        if thread is None:
            result.skipped.append(Skipped(f"#{thread_id}", str(_l("tidak ditemukan"))))
            continue
        try:
            lifecycle.require_unchanged(thread, seen)
            if not ALLOWED_AS[action] & lifecycle.allowed_actions(thread, actor):
                raise lifecycle.TransitionError(_l(
                    "tidak bisa pada status \u201c%(status)s\u201d",
                    status=STATUS_LABELS[thread.status]))
            _step(action, thread, actor, agency, assignee, note)
        except ThreadError as error:
            result.skipped.append(Skipped(thread.code, str(error.message)))
            continue
        result.done.append(thread.code)
    return result
