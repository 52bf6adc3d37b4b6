"""What a row of the officer inbox shows, as text ready to print.

A page has 30 rows and each row the same few phrases ("batas %(date)s", "Kec. %(name)s",
the status label, "Terlambat"): they are translated once a page here instead of once a row
in the template, dates are formatted once per distinct date, and the thread links share
one built address. Dates are Babel's "medium" (as the `date` filter writes them) in the
page's locale, looked up once. What a status means is still `threads.lifecycle`'s to say
(`status_view`: label, due date, overdue); this only turns it into text.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask import url_for
from flask_babel import get_locale
from sqlalchemy import Row

from kim_app.i18n import gettext as _
from kim_app.i18n import ngettext
from kim_app.threads import escalation, lifecycle

_CODE = "KODE"  # stands for the thread code in the one built thread address


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    code: str
    title: str
    status: str  # the status value: the CSS class, and what the bulk step checks
    url: str
    select_label: str
    label: str
    due: str  # "batas 3 Des 2026", or "" when no officer step is due
    overdue: bool
    escalation_level: int
    escalation_label: str
    category: str
    place: str  # "Desa, Kec. Kecamatan"
    agency: str
    assignee: str
    me_too: str  # "3 saya juga", or "" for none


def inbox_rows(rows: Iterable[Row], today: date) -> list[InboxRow]:
    """The shown rows of `officer.services.inbox_page` rows."""
    link = url_for("threads.show", code=_CODE)
    head, _marker, tail = link.rpartition(_CODE)
    select_text, due_text, district_text = _("Pilih %(code)s"), _("batas %(date)s"), _(
        "Kec. %(name)s")
    locale = get_locale()
    labels: dict = {}
    dates: dict[date, str] = {}
    escalations = {level: str(label) for level, label in escalation.LEVEL_LABELS.items()}
    shown = []
    for row in rows:
        state = lifecycle.status_view(row, today)
        label = labels.get(row.status)
        if label is None:
            label = labels[row.status] = str(state.label)
        due = ""
        if state.due_on:
            day = dates.get(state.due_on)
            if day is None:
                day = dates[state.due_on] = format_date(state.due_on, "medium", locale=locale)
            due = due_text % {"date": day}
        shown.append(InboxRow(
            id=row.id, code=row.code, title=row.title, status=row.status.value,
            url=head + row.code + tail, select_label=select_text % {"code": row.code},
            label=label, due=due, overdue=state.overdue,
            escalation_level=row.escalation_level or 0,
            escalation_label=escalations.get(row.escalation_level, ""),
            category=row.category,
            place=f"{row.village}, {district_text % {'name': row.district}}",
            agency=row.agency or "",
            assignee=row.assignee or "",
            me_too=ngettext("%(num)d saya juga", "%(num)d saya juga", row.me_too_count)
            if row.me_too_count else "",
        ))
    return shown
