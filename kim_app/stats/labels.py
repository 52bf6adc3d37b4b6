"""How thread statuses and visibilities read to people, in one place for the stats area."""

from flask_babel import lazy_gettext as _l

from kim_app.models import ThreadStatus, Visibility

STATUS_LABELS = {
    ThreadStatus.BARU: _l("Baru"),
    ThreadStatus.DIVERIFIKASI: _l("Diverifikasi"),
    ThreadStatus.DIPROSES: _l("Diproses"),
    ThreadStatus.DIJAWAB: _l("Dijawab"),
    ThreadStatus.SELESAI: _l("Selesai"),
    ThreadStatus.DITOLAK: _l("Ditolak"),
}

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Publik"),
    Visibility.ANONYMOUS: _l("Anonim"),
    Visibility.PRIVATE: _l("Pribadi"),
}


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, label) for status, label in STATUS_LABELS.items()]
