"""CSV exports for officers: threads (with the inbox's filters) and the statistics.

Files are streamed: rows come from the database in chunks (`yield_per`, a server-side
cursor on PostgreSQL) and leave as text in chunks, so memory does not grow with the size
of the export. They open correctly in spreadsheet programs: UTF-8 with a byte-order mark,
CRLF line ends, Indonesian column headers. A cell that starts with `= + - @` (or a tab or
carriage return) is prefixed with an apostrophe so a spreadsheet never runs it as a formula.

An anonymous asker's name is not written: a file travels further than the dashboard.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from kim_app.common.workdays import JAKARTA
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import (
    Agency,
    Category,
    District,
    KimGroup,
    Thread,
    ThreadStatus,
    User,
    Village,
    Visibility,
)
from kim_app.officer.services import InboxFilters, conditions
from kim_app.stats import services
from kim_app.threads import lifecycle
from kim_app.threads.labels import STATUS_LABELS, VISIBILITY_SHORT

CHUNK_ROWS = 200
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formulas in text cells."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def stream_csv(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text in chunks of `CHUNK_ROWS` rows, starting with a UTF-8 byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for number, row in enumerate(rows, 1):
        writer.writerow([safe_cell(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def thread_filters(form) -> InboxFilters:
    """The inbox's filters from the export form (whose "all" means every status)."""
    return InboxFilters(
        status=form.status.data or "semua",
        agency=int(form.agency.data) if form.agency.data else None,
        category=int(form.category.data) if form.category.data else None,
        kecamatan=form.kecamatan.data or "",
        mine=bool(form.mine.data),
    )


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def thread_header() -> list[str]:
    return [
        _("Kode"), _("Judul"), _("Status"), _("Visibilitas"), _("Penanya"), _("Kategori"),
        _("Instansi"), _("Kecamatan"), _("Desa/Kelurahan"), _("Kode wilayah"), _("Petugas"),
        _("Diajukan melalui KIM"), _("Dibuat"), _("Diverifikasi"), _("Tanggapan pertama"),
        _("Dijawab"), _("Ditutup"), _("Batas verifikasi"), _("Batas jawaban"),
        _("Terlambat"), _("Penilaian"),
    ]


def thread_rows(filters: InboxFilters, user, today: date, *,
                overdue_only: bool = False) -> Iterator[list]:
    """One list per thread, oldest first, fetched `CHUNK_ROWS` at a time."""
    author = aliased(User, name="author")
    assignee = aliased(User, name="assignee")
    overdue = lifecycle.overdue_clause(today)
    stmt = (
        select(
            Thread.code, Thread.title, Thread.status, Thread.visibility, author.name,
            Category.name, Agency.name, District.name, Village.name, Thread.village_code,
            assignee.name, KimGroup.name, Thread.created_at, Thread.verified_at,
            Thread.first_response_at, Thread.answered_at, Thread.closed_at,
            Thread.verify_due_on, Thread.answer_due_on, overdue.label("overdue"),
            Thread.rating,
        )
        .select_from(Thread)
        .join(author, author.id == Thread.author_id)
        .join(Category, Category.id == Thread.category_id)
        .join(Village, Village.code == Thread.village_code)
        .join(District, District.code == Village.district_code)
        .outerjoin(Agency, Agency.id == Thread.agency_id)
        .outerjoin(assignee, assignee.id == Thread.assignee_id)
        .outerjoin(KimGroup, KimGroup.id == Thread.submitted_via_kim_id)
        .where(*conditions(filters, user), *([overdue] if overdue_only else []))
        .order_by(Thread.created_at, Thread.id)
        .execution_options(yield_per=CHUNK_ROWS)
    )
    yes, no = _("ya"), _("tidak")
    anonymous = str(VISIBILITY_SHORT[Visibility.ANONYMOUS])
    for row in db.session.execute(stmt):
        (code, title, status, visibility, author_name, category, agency, district, village,
         village_code, assignee_name, kim, created, verified, first, answered, closed,
         verify_due, answer_due, is_overdue, rating) = row
        yield [
            code, title, str(STATUS_LABELS[ThreadStatus(status)]),
            str(VISIBILITY_SHORT[Visibility(visibility)]),
            anonymous if visibility == Visibility.ANONYMOUS else author_name,
            category, agency or "", district, village, village_code, assignee_name or "",
            kim or "", _local(created), _local(verified), _local(first), _local(answered),
            _local(closed), _day(verify_due), _day(answer_due), yes if is_overdue else no,
            rating if rating is not None else "",
        ]


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.1f}"


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def statistics_header() -> list[str]:
    return [
        _("Bagian"), _("Nama"), _("Pertanyaan"), _("Ditolak"), _("Dijawab"),
        _("Persen dijawab"), _("Jatuh tempo"), _("Tepat waktu"), _("Persen tepat waktu"),
        _("Median tanggapan pertama (jam)"), _("Persentil 90 tanggapan pertama (jam)"),
        _("Median jawaban (jam)"), _("Persentil 90 jawaban (jam)"),
        _("Rata-rata penilaian"), _("Jumlah penilaian"),
    ]


def statistics_rows(f: services.StatsFilter, today: date) -> Iterator[list]:
    """The statistics page's figures, unsuppressed (officers see every cell)."""
    sections = [
        (_("Ringkasan"), None),
        (_("Desa/Kelurahan") if f.kecamatan else _("Kecamatan"),
         "desa" if f.kecamatan else "kecamatan"),
        (_("Kategori"), "kategori"),
        (_("Instansi"), "instansi"),
    ]
    for section, dimension in sections:
        for item in services.figures(f, today, dimension, suppress=False):
            label = item.label or (_("Semua") if dimension is None else _("Belum ditentukan"))
            yield _figure_row(section, label, item)
    for month in services.trend(f, today, suppress=False):
        yield _figure_row(_("Bulan"), f"{month.month:%Y-%m}", month.figures)


def _figure_row(section: str, label: str, item: services.Figures) -> list:
    return [
        section, label, item.total, item.rejected, item.answered,
        _percent(item.answered_share), item.due_total, item.on_time,
        _percent(item.on_time_share), _hours(item.first_median), _hours(item.first_p90),
        _hours(item.answer_median), _hours(item.answer_p90),
        "" if item.rating_avg is None else f"{item.rating_avg:.2f}", item.rating_count,
    ]
