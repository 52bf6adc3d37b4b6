"""What a thread page adds so that an answer travels back down: the "saya juga" mark, the
officer's merge form, the files of an official answer, the on-behalf asker's "sudah
disampaikan", and the answer's promotion to an announcement. The rules are in
`threads.metoo`, `threads.titipan` and `info.promotion`; this module only gathers them.
"""

from dataclasses import dataclass

from kim_app.common import permissions
from kim_app.common.uploads import UploadError, store_document, store_photo
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import Thread, utcnow
from kim_app.threads import forms, metoo, titipan


@dataclass(frozen=True)
class MeToo:
    count: int
    may: bool  # may mark it now
    said: bool  # marked it already


def me_too_view(thread: Thread, user) -> MeToo:
    said = metoo.has_said(user, thread)
    return MeToo(count=thread.me_too_count or 0,
                 may=not said and metoo.may_say_me_too(user, thread), said=said)


def thread_context(thread: Thread, user) -> dict:
    from kim_app.info import promotion

    context = {
        "me_too": me_too_view(thread, user),
        "passed_back_shown": titipan.is_on_behalf(thread) and thread.passed_back_on is not None,
        "may_pass_back": titipan.may_pass_back(user, thread),
        "may_promote": promotion.may_promote(user, thread),
        "promoted_to": promotion.promoted_from(thread),
    }
    if context["may_pass_back"]:
        context["pass_back_form"] = forms.PassBackForm(
            formdata=None, passed_on=thread.passed_back_on or local_date(utcnow()),
            note=thread.passed_back_note or "")
    if permissions.is_petugas(user):
        context["merge_form"] = forms.MergeForm(formdata=None)
    return context


def store_answer_files(form: forms.AnswerForm, user) -> tuple[list, object]:
    """The answer's photos and PDF through the upload pipeline; a refused file becomes an
    error on its field (and UploadError is raised, nothing kept)."""
    photos = []
    field = form.photos
    try:
        for upload in form.chosen_photos():
            photos.append(store_photo(upload, uploaded_by=user))
        document = None
        upload = form.chosen_document()
        if upload is not None:
            field = form.document
            document = store_document(upload, uploaded_by=user)
    except UploadError as error:
        db.session.rollback()
        field.errors = [error.message]
        raise
    return photos, document
