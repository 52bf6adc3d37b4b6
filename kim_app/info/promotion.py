"""Answer → announcement: an official answer that the whole regency (or a kecamatan) needs
is promoted from its thread to an announcement, which KIMs then relay as any other.

Rules:
- only an answered public question (`threads.services.is_public_question`) with an
  official answer, and only by an officer who may work on the thread (a petugas of an
  agency: their agency's threads; Diskominfo's petugas and admins: every thread);
- the form comes prefilled with the question's title and the latest answer, and a link
  back to the thread; the officer edits it and chooses the audience as usual; the
  announcement remembers the thread (`Announcement.source_thread_id`), and the thread
  page links to the announcements made from it.
"""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from kim_app.common import permissions
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import Announcement, Post, PostKind, Thread
from kim_app.threads import services as thread_services

TITLE_MAX = 150
PROMOTED_SHOWN = 5


def latest_answer(thread: Thread) -> Post | None:
    return db.session.scalar(
        select(Post).where(Post.thread_id == thread.id, Post.kind == PostKind.OFFICIAL_ANSWER)
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(1))


def may_promote(user, thread: Thread) -> bool:
    return (permissions.may_work_on_thread(user, thread)
            and thread_services.is_public_question(thread)
            and thread.answered_at is not None)




@dataclass(frozen=True)
class Draft:
    title: str
    body: str


def draft(thread: Thread) -> Draft:
    answer = latest_answer(thread)
    title = _("Jawaban: %(title)s", title=thread.title)
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1].rstrip() + "…"
    link = url_for("threads.show", code=thread.code)
    source = _("Dari pertanyaan warga [%(code)s](%(link)s): %(title)s",
               code=thread.code, link=link, title=thread.title)
    return Draft(title=title, body=f"{answer.body.strip()}\n\n{source}")


def promoted_from(thread: Thread) -> list[Announcement]:
    """The announcements made from this thread that are still up (newest first)."""
    return list(db.session.scalars(
        select(Announcement)
        .where(Announcement.source_thread_id == thread.id, Announcement.withdrawn_at.is_(None))
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .limit(PROMOTED_SHOWN)))
