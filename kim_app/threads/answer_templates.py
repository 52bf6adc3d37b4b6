"""Answer templates (`/petugas/templat`): named texts officers start an official answer or
a reply from.

A template is kept for a category and/or an agency (either empty = all): a thread is
offered the templates that fit its category and its agency. Its text may hold the
placeholders in `PLACEHOLDERS`, filled in when the officer picks it; `{nama}` stays empty
for an anonymous asker, so a template never reveals a name the thread hides. The filled
text lands in the form's textarea, after whatever the officer had already typed; from
then on it is an ordinary answer, edited and sent as any other.

Who keeps which templates is `permissions.can_manage_answer_template`'s to say.
"""

import re
from datetime import date

from flask_babel import format_date
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from kim_app.common import audit, permissions
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import AnswerTemplate, Thread, User, Visibility, utcnow
from kim_app.threads.services import ThreadError

PLACEHOLDERS = {
    "kode": _l("kode pelacakan pertanyaan"),
    "nama": _l("nama penanya (kosong bila anonim)"),
    "instansi": _l("instansi yang menangani"),
    "batas": _l("batas waktu jawaban"),
}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
LIST_LIMIT = 200
OFFER_LIMIT = 50


class TemplateError(ThreadError):
    """A template the rules refuse (an unknown placeholder)."""


def unknown_placeholders(body: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(body or "")
                   if name not in PLACEHOLDERS})


def values(thread: Thread) -> dict[str, str]:
    """What each placeholder stands for in this thread."""
    due: date | None = thread.due_on or thread.answer_due_on
    if thread.visibility == Visibility.ANONYMOUS:
        name = ""
    else:
        name = thread.on_behalf_name or (thread.author.name if thread.author else "")
    return {
        "kode": thread.code,
        "nama": name,
        "instansi": thread.agency.name if thread.agency else "",
        "batas": format_date(due, "long") if due else "",
    }


def fill(template: AnswerTemplate, thread: Thread) -> str:
    known = values(thread)
    return PLACEHOLDER.sub(lambda match: known.get(match.group(1), match.group(0)),
                           template.body)


def insert(typed: str | None, text: str) -> str:
    """The template's text after what the officer already typed (a blank line between)."""
    typed = (typed or "").rstrip()
    return f"{typed}\n\n{text}" if typed else text


def offered(thread: Thread) -> list[AnswerTemplate]:
    """The templates that fit this thread's category and agency, by name (bounded)."""
    return list(db.session.scalars(
        select(AnswerTemplate)
        .where(or_(AnswerTemplate.category_id.is_(None),
                   AnswerTemplate.category_id == thread.category_id),
               or_(AnswerTemplate.agency_id.is_(None),
                   AnswerTemplate.agency_id == thread.agency_id))
        .order_by(AnswerTemplate.name, AnswerTemplate.id).limit(OFFER_LIMIT)))


def offered_one(template_id: int | None, thread: Thread) -> AnswerTemplate | None:
    return next((t for t in offered(thread) if t.id == template_id), None)


def listed() -> list[AnswerTemplate]:
    return list(db.session.scalars(
        select(AnswerTemplate)
        .options(joinedload(AnswerTemplate.category), joinedload(AnswerTemplate.agency))
        .order_by(AnswerTemplate.name, AnswerTemplate.id).limit(LIST_LIMIT)))


def save(template: AnswerTemplate | None, actor: User, *, name: str, body: str,
         category_id: int | None, agency_id: int | None) -> AnswerTemplate:
    """Create (template None) or change a template; an agency's petugas keeps it for
    their own agency."""
    if not permissions.can_manage_answer_template(actor, template):
        raise PermissionError
    unknown = unknown_placeholders(body)
    if unknown:
        raise TemplateError(_l(
            "Penanda tidak dikenal: %(names)s. Yang bisa dipakai: %(known)s.",
            names=", ".join(f"{{{name}}}" for name in unknown),
            known=", ".join(f"{{{name}}}" for name in PLACEHOLDERS)))
    own_agency = permissions.officer_agency_id(actor)
    if own_agency is not None:
        agency_id = own_agency
    created = template is None
    if created:
        template = AnswerTemplate(created_by_id=actor.id)
        db.session.add(template)
    template.name = name.strip()
    template.body = body.strip()
    template.category_id = category_id
    template.agency_id = agency_id
    template.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "answer_template.created" if created else "answer_template.changed",
                 "answer_template", template.id, name=template.name)
    return template


def delete(template: AnswerTemplate, actor: User) -> None:
    if not permissions.can_manage_answer_template(actor, template):
        raise PermissionError
    audit.record(actor, "answer_template.deleted", "answer_template", template.id,
                 name=template.name)
    db.session.delete(template)
