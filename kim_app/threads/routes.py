"""Question threads: `/tanya/` list, `/tanya/baru` ask, `/tanya/<code>` and its actions.

Thin: the rules are in `threads.services` (who sees what, asking, lists) and
`threads.lifecycle` (every status change). Non-htmx POSTs redirect (PRG); htmx POSTs get
the changed fragment; a failed form comes back 422 with the text kept.
"""

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from kim_app.common import fragments, permissions, submission
from kim_app.common.fragments import Deferred, resolved
from kim_app.common.htmx import fragment_response, render_page, retarget_to_flash, wants_fragment
from kim_app.common.params import int_arg, to_int
from kim_app.common.ratelimit import account_and_ip_limits
from kim_app.common.uploads import UploadError, store_photo
from kim_app.common.workdays import local_date
from kim_app.extensions import db, htmx
from kim_app.i18n import gettext as _
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Agency, RejectReason, Thread, User, Visibility, utcnow
from kim_app.moderation import trust, visibility
from kim_app.threads import answer_templates, bp, forms, labels, lifecycle, loop, services, tracking
from kim_app.threads.lifecycle import NotAllowedError, TransitionError
from kim_app.threads.services import ThreadError


def _succeeded(response) -> bool:
    return response.status_code < 400


def _asked(_response) -> bool:
    """Only a question actually created uses up the ask quota: not a double submit answered
    "already sent", not the no-JavaScript kecamatan step."""
    return bool(g.get("kim_question_created"))


# --- the list ---------------------------------------------------------------------------

def _open_thread(code: str):
    """Go to a thread's page: a redirect, or `HX-Redirect` for an htmx request (search as
    you type), which would otherwise swap a whole page into the list."""
    target = url_for("threads.show", code=code)
    if htmx and not htmx.boosted:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        response.vary.add("HX-Request")
        return response
    return redirect(target)


@bp.get("/")
def index():
    filters = services.parse_list_filters(request.args, current_user)
    before = int_arg("sebelum")
    code_query = tracking.read(filters.q) if filters.q and not before else None
    code_matches = tracking.find(code_query, current_user) if code_query else []
    if code_query and code_query.surely_a_code and len(code_matches) == 1:
        return _open_thread(code_matches[0].code)
    # Deferred: a list kept in the fragment cache runs none of these queries.
    listed = Deferred(services.list_threads, filters, current_user, before=before)
    context = {
        "threads": listed.part(0),
        "next_cursor": listed.part(1),
        "filters": filters,
        "before": before,
        "code_matches": code_matches,
    }
    if before and wants_fragment():
        # "Load more": only the next rows and the next button.
        return fragment_response("threads/_page.html", **context)
    return render_page(
        "threads/index.html", "threads/_list.html",
        categories=Deferred(services.active_categories), districts=Deferred(services.districts),
        status_options=labels.status_options(filters.status, ("", _l("Semua status"))),
        **context,
    )


@bp.get("/kode")
def lookup():
    """The "Cek kode pelacakan" box: the thread of a code, if the person may see it; the
    same answer for a code that does not exist and one of a thread they may not see."""
    typed = (request.args.get("kode", "") or "")[:40]
    code_query = tracking.read(typed)
    found = tracking.find(code_query, current_user) if code_query else []
    if len(found) == 1:
        return _open_thread(found[0].code)
    if found:
        return render_template("threads/lookup.html", typed=typed, found=found)
    if not typed.strip():
        error = _("Tulis kode pelacakan, misalnya TNY-26-4K7Q atau 4K7Q.")
    elif code_query is None:
        error = _("Ini bukan kode pelacakan. Kodenya seperti TNY-26-4K7Q (boleh hanya 4K7Q).")
    else:
        error = _("Tidak ada pertanyaan dengan kode %(code)s yang dapat Anda lihat. Periksa "
                  "kodenya. Pertanyaan yang belum diverifikasi dan pertanyaan pribadi hanya "
                  "terlihat oleh penanya setelah masuk.",
                  code=code_query.code or code_query.tail)
    return render_template("threads/lookup.html", typed=typed, found=[], error=error), (
        400 if code_query is None else 404)


# --- asking -----------------------------------------------------------------------------

def _ask_limited(_limit):
    form = forms.AskForm(user=current_user)
    form.held = submission.held_photos(form.submission_key.data, current_user)
    form.title.errors = [_("Anda sudah mengirim banyak pertanyaan. Tunggu sebentar, "
                           "lalu kirim lagi; isian Anda tetap tersimpan di sini.")]
    return make_response(render_template("threads/new.html", form=form), 429)


@bp.route("/baru", methods=["GET", "POST"])
@account_and_ip_limits("ask", "ASK_LIMIT_PER_ACCOUNT", "POST_LIMIT_PER_IP", methods=["POST"],
                       deduct_when=_asked, on_breach=_ask_limited)
@login_required
def new():
    form = forms.AskForm(user=current_user)
    if request.method == "GET":
        if current_user.village is not None:
            form.preselect(current_user.village)
        return render_template("threads/new.html", form=form)

    key = form.submission_key.data
    earlier = services.find_submitted(key, current_user)
    if earlier is not None:
        flash(_("Pertanyaan ini sudah terkirim dengan kode %(code)s.", code=earlier.code), "info")
        return redirect(url_for("threads.show", code=earlier.code))
    form.held = submission.drop_held(key, current_user, request.form.getlist("drop_photo"))
    db.session.commit()
    if form.choosing_district:
        _keep_chosen_photos(form)
        return render_template("threads/new.html", form=form)
    if trust.question_limit_reached(current_user):
        form.title.errors = [_("Akun baru dapat mengirim %(num)d pertanyaan pada hari pertama. "
                               "Isian Anda tetap di sini; kirim lagi besok.",
                               num=current_app.config["NEW_ACCOUNT_QUESTIONS"])]
        return render_template("threads/new.html", form=form), 429
    if not form.validate_on_submit():
        if not form.photos.errors:
            _keep_chosen_photos(form)
        return render_template("threads/new.html", form=form), 422

    stored = _store_chosen_photos(form)
    if stored is None:
        return render_template("threads/new.html", form=form), 422
    photos = form.held + stored
    submission.release_held(key, current_user)

    question = services.Question(
        title=form.title.data,
        body=form.body.data,
        category_id=form.category.data,
        village_code=form.village.data,
        visibility=Visibility(form.visibility.data),
        on_behalf_name=form.on_behalf_name.data if form.on_behalf.data else None,
        via_kim_id=form.via_kim.data if form.on_behalf.data else None,
        submission_key=form.submission_key.data,
    )
    thread, created = services.ask(current_user, question, photos)
    code = thread.code
    if not created:
        db.session.rollback()
        flash(_("Pertanyaan ini sudah terkirim dengan kode %(code)s.", code=code), "info")
        return redirect(url_for("threads.show", code=code))
    db.session.commit()
    g.kim_question_created = True
    flash(_("Pertanyaan Anda terkirim. Kode pelacakan: %(code)s. Simpan kode ini untuk "
            "menanyakan perkembangannya.", code=code), "success")
    return redirect(url_for("threads.show", code=code))


def _store_chosen_photos(form) -> list | None:
    """Store the photos just chosen; None (with the error by the field) when one is
    refused, and then nothing of them is kept."""
    stored = []
    try:
        for upload in form.chosen_files():
            stored.append(store_photo(upload, uploaded_by=current_user))
    except UploadError as error:
        db.session.rollback()
        form.held = submission.held_photos(form.submission_key.data, current_user)
        form.photos.errors = [error.message, _("Pilih foto lagi sebelum mengirim.")]
        return None
    return stored


def _keep_chosen_photos(form) -> None:
    """The form comes back: the photos just chosen are stored and held under its key, so
    they need not be chosen again (or the form says they must be, when they cannot be)."""
    key = form.submission_key.data
    stored = _store_chosen_photos(form)
    if stored is None:
        return
    if not submission.hold_photos(key, current_user, stored):
        db.session.rollback()
        form.photos.errors = [_("Foto yang tadi dipilih belum tersimpan: pilih foto lagi "
                                "sebelum mengirim.")]
        return
    db.session.commit()
    form.held = form.held + stored


CHECKED_FIELDS = ("title", "body", "category", "on_behalf_name")


@bp.post("/baru/periksa")
@login_required
def check():
    """Inline validation: the field that changed, checked by the same rules as the submit."""
    name = request.headers.get("HX-Trigger-Name", "")
    if name not in CHECKED_FIELDS:
        return "", 204
    form = forms.AskForm(user=current_user)
    form.validate()
    return fragment_response("threads/_ask_field.html", form=form, f=form[name])


# --- one thread -------------------------------------------------------------------------

def _visible_or_404(code: str) -> Thread:
    thread = services.get_visible(code, current_user)
    if thread is None:
        abort(404)
    return thread


def _officer_forms(thread: Thread) -> dict:
    agencies = db.session.scalars(
        db.select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)
    ).all()
    assign = forms.AssignForm(formdata=None, agencies=agencies, officers=services.officers(),
                              agency=thread.agency_id, assignee=thread.assignee_id)
    return {
        "verify_form": forms.VerifyForm(formdata=None),
        "reject_form": forms.RejectForm(formdata=None),
        "assign_form": assign,
        "answer_form": forms.AnswerForm(formdata=None),
        "note_form": forms.NoteForm(formdata=None),
        "reopen_form": forms.ReopenForm(formdata=None),
    }


def _thread_context(thread: Thread, **overrides) -> dict:
    officer = permissions.is_petugas(current_user)
    asker = services.is_asker(current_user, thread)
    # Deferred: a thread kept in the fragment cache loads no posts.
    shown = Deferred(services.visible_posts, thread, current_user)
    posts, earlier = shown.part(0), shown.part(1)
    context = {
        "thread": thread,
        "code": thread.code,
        "posts": posts,
        "earlier": earlier,
        "latest_answer": Deferred(lambda: services.latest_answer(
            thread, current_user, shown=resolved(posts), all_shown=resolved(earlier) is None)),
        "officer": officer,
        "asker": asker,
        "state": lifecycle.status_view(thread, local_date(utcnow())),
        "actions": lifecycle.allowed_actions(thread, current_user),
        "following": Deferred(services.is_following, current_user, thread),
        "follower_count": Deferred(services.follower_count, thread),
        "may_reopen": lifecycle.asker_may_reopen(thread, current_user),
        "reopen_deadline": lifecycle.reopen_deadline(thread),
        # A form object makes a CSRF token, and a token a session: guests get none.
        "reply_form": forms.ReplyForm(formdata=None) if current_user.is_authenticated else None,
        "audience_note": visibility.thread_audience_note(thread),
    }
    context.update(loop.thread_context(thread, current_user))
    if officer:
        context.update(_officer_forms(thread))
        context["other_agency"] = not permissions.may_work_on_thread(current_user, thread)
    if asker:
        context["close_form"] = forms.CloseForm(formdata=None)
        context["rate_form"] = forms.RateForm(formdata=None,
                                              rating=str(thread.rating or "") or None,
                                              comment=thread.rating_comment)
        context.setdefault("reopen_form", forms.ReopenForm(formdata=None))
    context.update(overrides)
    if officer:
        _offer_templates(context)
    return context


def _template_choices(thread: Thread) -> list[tuple[str, str]]:
    return [("", _l("— Pilih templat —"))] + [
        (str(template.id), template.name) for template in answer_templates.offered(thread)]


def _offer_templates(context: dict) -> None:
    """The answer templates fitting the thread, as choices of the answer and reply forms."""
    choices = _template_choices(context["thread"])
    for name in ("answer_form", "reply_form"):
        context[name].template.choices = choices


@bp.get("/<code>")
def show(code: str):
    regions = ("threads.thread",) if wants_fragment() else ("threads.thread", "threads.head")
    if fragments.is_kept(*regions):
        # Kept for this reader at this URL, no table it read written since: the
        # thread was there, visible to them and unchanged, and `code` is its own (the
        # regions are kept from 200 answers only), so it is not even looked up.
        return render_page("threads/show.html", "threads/_thread.html", code=code)
    thread = _visible_or_404(code)
    if thread.code != code:
        return redirect(url_for("threads.show", code=thread.code), 301)
    return render_page("threads/show.html", "threads/_thread.html", **_thread_context(thread))


@bp.get("/<code>/sebelumnya")
def earlier_posts(code: str):
    """Older posts of a long thread ("show earlier"), before the post `sebelum`: list
    items for htmx, otherwise the thread page from there."""
    thread = _visible_or_404(code)
    before = int_arg("sebelum")
    posts, earlier = services.visible_posts(thread, current_user, before=before)
    if not wants_fragment():
        return render_template("threads/show.html", **_thread_context(
            thread, posts=posts, earlier=earlier))
    return fragment_response("threads/_posts_earlier.html", thread=thread, posts=posts,
                             earlier=earlier)


def _after_action(thread: Thread, message: str):
    """A successful step: the thread fragment for htmx, otherwise PRG."""
    db.session.commit()
    flash(message, "success")
    if wants_fragment():
        thread = _visible_or_404(thread.code)
        return fragment_response("threads/_thread.html", **_thread_context(thread))
    return redirect(url_for("threads.show", code=thread.code))


def _refused(thread: Thread, error: ThreadError, status: int):
    db.session.rollback()
    if wants_fragment():
        return retarget_to_flash(str(error.message), "error", status)
    flash(str(error.message), "error")
    return redirect(url_for("threads.show", code=thread.code))


def _form_failed(thread: Thread, form_name: str, form):
    """A form with errors comes back 422 with what was typed."""
    db.session.rollback()
    context = _thread_context(thread, **{form_name: form})
    if wants_fragment():
        return fragment_response("threads/_thread.html", status=422, **context)
    return render_template("threads/show.html", **context), 422


def _run(thread, step, message):
    """Run a lifecycle step: 403 for a person who may not, 409 for a wrong status, 422 for
    a request the rules refuse (the forms have already checked their own fields)."""
    try:
        step()
    except NotAllowedError:
        db.session.rollback()
        abort(403)
    except TransitionError as error:
        return _refused(thread, error, 409)
    except ThreadError as error:
        return _refused(thread, error, 422)
    return _after_action(thread, message)


def _require_officer():
    if not permissions.is_petugas(current_user):
        abort(403)


@bp.post("/<code>/verifikasi")
@login_required
def verify(code: str):
    thread = _visible_or_404(code)
    _require_officer()
    form = forms.VerifyForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "verify_form", form)
    return _run(thread, lambda: lifecycle.verify(thread, current_user, form.note.data or ""),
                _("Pertanyaan %(code)s diverifikasi.", code=thread.code))


@bp.post("/<code>/tolak")
@login_required
def reject(code: str):
    thread = _visible_or_404(code)
    _require_officer()
    form = forms.RejectForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "reject_form", form)
    original = None
    if form.reason.data == RejectReason.DUPLIKAT.value:
        original = services.get_visible(form.duplicate_code.data, current_user)
        if original is None:
            form.duplicate_code.errors = [_("Tidak ada pertanyaan dengan kode ini.")]
            return _form_failed(thread, "reject_form", form)
    reason = RejectReason(form.reason.data)
    return _run(thread, lambda: lifecycle.reject(thread, current_user, reason,
                                                 form.note.data or "", original),
                _("Pertanyaan %(code)s ditolak.", code=thread.code))


@bp.post("/<code>/tugaskan")
@login_required
def assign(code: str):
    thread = _visible_or_404(code)
    _require_officer()
    officer_forms = _officer_forms(thread)
    form = forms.AssignForm(agencies=[], officers=[])
    form.agency.choices = officer_forms["assign_form"].agency.choices
    form.assignee.choices = officer_forms["assign_form"].assignee.choices
    if not form.validate_on_submit():
        return _form_failed(thread, "assign_form", form)
    agency = db.session.get(Agency, form.agency.data)
    assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
    return _run(thread, lambda: lifecycle.assign(thread, current_user, agency, assignee,
                                         form.note.data or ""),
                _("Pertanyaan %(code)s ditugaskan ke %(agency)s.", code=thread.code,
                  agency=agency.short_name or agency.name))


@bp.post("/<code>/jawab")
@login_required
def answer(code: str):
    thread = _visible_or_404(code)
    _require_officer()
    form = forms.AnswerForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "answer_form", form)
    try:
        photos, document = loop.store_answer_files(form, current_user)
    except UploadError:
        return _form_failed(thread, "answer_form", form)
    return _run(thread, lambda: lifecycle.answer(thread, current_user, form.body.data,
                                                 photos=photos, document=document),
                _("Jawaban resmi untuk %(code)s terkirim.", code=thread.code))


@bp.post("/<code>/catatan")
@login_required
def note(code: str):
    thread = _visible_or_404(code)
    _require_officer()
    form = forms.NoteForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "note_form", form)
    return _run(thread, lambda: lifecycle.add_note(thread, current_user, form.body.data),
                _("Catatan internal disimpan."))


@bp.post("/<code>/selesai")
@login_required
def close(code: str):
    thread = _visible_or_404(code)
    form = forms.CloseForm()
    if not form.validate_on_submit():
        return _form_failed(thread, "close_form", form)
    rating = to_int(form.rating.data, minimum=1, maximum=5)
    comment = form.comment.data or ""
    return _run(thread, lambda: lifecycle.close(thread, current_user, rating, comment),
                _("Terima kasih. Pertanyaan %(code)s selesai.", code=thread.code))


@bp.post("/<code>/nilai")
@login_required
def rate(code: str):
    thread = _visible_or_404(code)
    form = forms.RateForm()
    if not services.is_asker(current_user, thread):
        abort(403)
    if not form.validate_on_submit():
        return _form_failed(thread, "rate_form", form)
    return _run(thread, lambda: lifecycle.rate(thread, current_user, int(form.rating.data),
                                       form.comment.data or ""),
                _("Terima kasih atas penilaian Anda."))


@bp.post("/<code>/buka-kembali")
@login_required
def reopen(code: str):
    thread = _visible_or_404(code)
    form = forms.ReopenForm()
    if not (services.is_asker(current_user, thread) or permissions.is_petugas(current_user)):
        abort(403)
    if not form.validate_on_submit():
        return _form_failed(thread, "reopen_form", form)
    return _run(thread, lambda: lifecycle.reopen(thread, current_user, form.reason.data),
                _("Pertanyaan %(code)s dibuka kembali.", code=thread.code))


# --- answer templates -------------------------------------------------------------------

TEMPLATE_FORMS = {"answer": (forms.AnswerForm, "answer_form", 6),
                  "reply": (forms.ReplyForm, "reply_form", 3)}


@bp.post("/<code>/templat")
@login_required
def use_template(code: str):
    """Put an answer template's text into the answer or reply form, after what was typed:
    the textarea alone for htmx, the whole page (with everything typed kept) without JS.
    Nothing is sent: the officer edits the text and sends the form as usual."""
    thread = _visible_or_404(code)
    which = request.form.get("untuk", "")
    if which not in TEMPLATE_FORMS:
        abort(400)
    form_class, form_name, rows = TEMPLATE_FORMS[which]
    if not permissions.is_petugas(current_user) or which not in lifecycle.allowed_actions(
            thread, current_user):
        abort(403)
    form = form_class()
    template = answer_templates.offered_one(to_int(form.template.data), thread)
    status = 200
    if template is None:
        if wants_fragment() and not form.template.data:
            return "", 204
        form.template.errors = [_("Pilih templat dari daftar.")]
        status = 422
    else:
        form.body.data = answer_templates.insert(form.body.data,
                                                 answer_templates.fill(template, thread))
    if wants_fragment():
        return fragment_response("threads/_template_body.html", status=status, f=form.body,
                                 rows=rows)
    context = _thread_context(thread, **{form_name: form})
    return render_template("threads/show.html", **context), status


# --- replies and follows ----------------------------------------------------------------

def _reply_failed(thread: Thread, form, status: int):
    db.session.rollback()
    if wants_fragment():
        officer = permissions.is_petugas(current_user)
        if officer:
            form.template.choices = _template_choices(thread)
        response = fragment_response("threads/_reply_form.html", status=status,
                                     thread=thread, reply_form=form, officer=officer)
        response.headers["HX-Retarget"] = "#reply-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render_template("threads/show.html",
                           **_thread_context(thread, reply_form=form)), status


def _reply_limited(_limit):
    thread = _visible_or_404(request.view_args["code"])
    form = forms.ReplyForm()
    form.body.errors = [_("Anda sudah mengirim banyak balasan. Tunggu sebentar, lalu kirim "
                          "lagi; tulisan Anda tetap tersimpan di sini.")]
    return _reply_failed(thread, form, 429)


@bp.post("/<code>/balas")
@account_and_ip_limits("reply", "REPLY_LIMIT_PER_ACCOUNT", "POST_LIMIT_PER_IP",
                       deduct_when=_succeeded, on_breach=_reply_limited)
@login_required
def reply(code: str):
    thread = _visible_or_404(code)
    is_open = thread.status in lifecycle.OPEN_FOR_REPLIES
    if is_open and not lifecycle.can_reply(current_user, thread):
        abort(403)  # on a closed thread the lifecycle refuses below (409)
    form = forms.ReplyForm()
    if not form.validate_on_submit():
        return _reply_failed(thread, form, 422)
    try:
        post = lifecycle.reply(thread, current_user, form.body.data)
    except NotAllowedError:
        db.session.rollback()
        abort(403)
    except ThreadError as error:
        form.body.errors = [str(error.message)]
        return _reply_failed(thread, form, 409 if isinstance(error, TransitionError) else 422)
    db.session.commit()
    if wants_fragment():
        thread = _visible_or_404(code)
        officer = permissions.is_petugas(current_user)
        reply_form = forms.ReplyForm(formdata=None)
        if officer:
            reply_form.template.choices = _template_choices(thread)
        return fragment_response("threads/_reply_added.html", thread=thread, post=post,
                                 officer=officer, reply_form=reply_form)
    flash(_("Balasan terkirim."), "success")
    return redirect(url_for("threads.show", code=thread.code, _anchor=f"post-{post.id}"))


@bp.post("/<code>/ikuti")
@login_required
def follow(code: str):
    thread = _visible_or_404(code)
    wanted = request.form.get("follow") == "1"
    services.set_following(current_user, thread, wanted)
    db.session.commit()
    if wants_fragment():
        return fragment_response("threads/_follow.html", thread=thread, following=wanted,
                                 follower_count=services.follower_count(thread))
    flash(_("Anda mengikuti pertanyaan ini.") if wanted
          else _("Anda berhenti mengikuti pertanyaan ini."), "success")
    return redirect(url_for("threads.show", code=thread.code))
