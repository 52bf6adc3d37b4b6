"""What people read for each thread status, visibility and rejection reason: the one set
of labels every area (threads, officer pages, statistics, exports) shows."""

from kim_app.i18n import lazy_gettext as _l
from kim_app.models import RejectReason, ThreadStatus, Visibility

STATUS_LABELS = {
    ThreadStatus.BARU: _l("Baru"),
    ThreadStatus.DIVERIFIKASI: _l("Diverifikasi"),
    ThreadStatus.DIPROSES: _l("Diproses"),
    ThreadStatus.DIJAWAB: _l("Dijawab"),
    ThreadStatus.SELESAI: _l("Selesai"),
    ThreadStatus.DITOLAK: _l("Ditolak"),
}

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Publik: nama saya tampil"),
    Visibility.ANONYMOUS: _l("Anonim: pertanyaan tampil, nama saya hanya untuk petugas"),
    Visibility.PRIVATE: _l("Pribadi: hanya saya, pengurus KIM, dan petugas"),
}

VISIBILITY_SHORT = {
    Visibility.PUBLIC: _l("Publik"),
    Visibility.ANONYMOUS: _l("Anonim"),
    Visibility.PRIVATE: _l("Pribadi"),
}

# A thread's page states any visibility but public; lists mark private threads only.
VISIBILITY_NOTE = {v: VISIBILITY_SHORT[v] for v in (Visibility.ANONYMOUS, Visibility.PRIVATE)}
VISIBILITY_BADGE = {Visibility.PRIVATE: VISIBILITY_SHORT[Visibility.PRIVATE]}

REJECT_LABELS = {
    RejectReason.SPAM: _l("Spam atau tidak pantas"),
    RejectReason.DUPLIKAT: _l("Duplikat pertanyaan lain"),
    RejectReason.DI_LUAR_KEWENANGAN: _l("Di luar kewenangan pemerintah kabupaten"),
}


def status_choices() -> list[tuple[str, str]]:
    """(value, label) of every status, in lifecycle order, for a select."""
    return [(status.value, label) for status, label in STATUS_LABELS.items()]


def status_options(chosen: str, first: tuple[str, str], last: tuple[str, str] | None = None
                   ) -> list[tuple[str, str, bool]]:
    """The options of a status filter: (value, label, selected), every status between a
    first choice (e.g. "all") and an optional last one."""
    options = [first, *status_choices(), *([last] if last else [])]
    return [(value, label, value == chosen) for value, label in options]


def officer_label(officer, agencies: dict) -> str:
    """An officer in a list: the name, and the agency a petugas of one works for (from
    `agencies`, by id: no query per officer)."""
    agency = None if officer.is_admin else agencies.get(officer.agency_id)
    return f"{officer.name} ({agency.short_name or agency.name})" if agency else officer.name
