"""Announcements: list, page, publish, relay, reach, attachments. Thin: rules in services."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from kim_app.auth.routes import safe_next
from kim_app.common import fragments, permissions
from kim_app.common.htmx import (
    fragment_response,
    render_page,
    wants_fragment,
)
from kim_app.common.params import int_arg
from kim_app.common.ratelimit import account_and_ip_limits, limit_reached
from kim_app.common.submission import earlier_submission
from kim_app.common.uploads import UploadError, read_document, store_document, store_photo
from kim_app.extensions import db, htmx
from kim_app.i18n import gettext as _
from kim_app.info import bp, corrections, dissemination, promotion, services
from kim_app.info.forms import (
    AnnouncementForm,
    DisseminationForm,
    EditForm,
    RelayForm,
    WithdrawForm,
)
from kim_app.models import Announcement, Audience, Document, KimGroup
from kim_app.moderation import visibility
from kim_app.notifications.centre import mark_read_for_link
from kim_app.threads import services as thread_services


def _post_limited(_limit):
    return limit_reached(
        _("Terlalu banyak kiriman dalam waktu singkat. Tunggu sebentar, lalu coba lagi."),
        back_to=safe_next(request.referrer) or url_for("info.index"),
    )


_limited = account_and_ip_limits("info", "INFO_POST_LIMIT_PER_ACCOUNT", "INFO_POST_LIMIT_PER_IP",
                                 methods=["POST"], on_breach=_post_limited)


def _filters():
    """The list's filters from the URL. The KIM filter lists the KIMs of the chosen
    kecamatan only (hundreds for the whole regency would weigh more than the page); a KIM
    from a link comes with its own kecamatan's KIMs, and a KIM of another kecamatan than
    the one chosen is dropped."""
    districts = services.district_choices()
    chosen_district = request.args.get("kecamatan", "")
    if chosen_district not in {code for code, _name in districts}:
        chosen_district = ""
    chosen_group = services.active_group(request.args.get("kim", ""))
    group_district = chosen_group.village.district_code if chosen_group else ""
    if chosen_group and chosen_district and group_district != chosen_district:
        chosen_group = None
    listed = chosen_district or (group_district if chosen_group else "")
    groups = services.active_group_choices(listed) if listed else []
    return districts, groups, chosen_district, chosen_group


def _query() -> str:
    return (request.args.get("q", "") or "").strip()[:100]


def _filter_args(chosen_district: str, chosen_group) -> dict:
    args = {"kecamatan": chosen_district, "kim": chosen_group.slug if chosen_group else "",
            "q": _query()}
    return {key: value for key, value in args.items() if value}


def _before() -> int | None:
    return int_arg("sebelum")


@bp.get("/")
def index():
    if fragments.is_kept("info.list" if wants_fragment() else "info.index"):
        return render_page("info/index.html", "info/_list.html")
    districts, groups, chosen_district, chosen_group = _filters()
    results = services.listing(district_code=chosen_district or None, group=chosen_group,
                               query=_query(), before=_before(), viewer=current_user)
    return render_page(
        "info/index.html", "info/_list.html",
        results=results, districts=districts, groups=groups, chosen_district=chosen_district,
        query=_query(), refresh_kim_filter=wants_fragment(),
        chosen_group=chosen_group, may_publish=services.may_publish(current_user),
        filter_args=_filter_args(chosen_district, chosen_group),
    )


@bp.get("/lagi")
def more():
    """The next page of the list ("load more"): list items only."""
    _districts, _groups, chosen_district, chosen_group = _filters()
    if not wants_fragment():
        # Only the filters this list knows travel on (never url_for's own _external etc.).
        before = _before()
        return redirect(url_for("info.index", **_filter_args(chosen_district, chosen_group),
                                **({"sebelum": before} if before else {})))
    results = services.listing(district_code=chosen_district or None, group=chosen_group,
                               query=_query(), before=_before(), viewer=current_user)
    return fragment_response("info/_items.html", results=results,
                             filter_args=_filter_args(chosen_district, chosen_group))


def _announcement_form(led: list[KimGroup]) -> AnnouncementForm:
    form = AnnouncementForm()
    form.districts.choices = services.district_choices()
    form.groups.choices = [(g.id, f"{g.name} ({g.district_name})")
                           for g in services.active_group_choices()]
    form.kim.choices = [(g.id, g.name) for g in led]
    return form


def _attempt(form, step, field: str):
    """Run a service step and commit: (True, its result). A person who may not: 403. A
    request the rules refuse: rolled back, the message on its form field, (False, None)."""
    try:
        result = step()
    except services.NotAllowedError:
        db.session.rollback()
        abort(403)
    except services.InfoError as error:
        db.session.rollback()
        getattr(form, error.field or field).errors = [str(error.message)]
        return False, None
    db.session.commit()
    return True, result


def _store_attachments(form: AnnouncementForm):
    """The optional photo and PDF; a refused file becomes an error on its own field."""
    stored = {}
    for name, store in (("photo", store_photo), ("document", store_document)):
        upload = getattr(form, name).data
        if upload and upload.filename:
            try:
                stored[name] = store(upload, uploaded_by=current_user)
            except UploadError as error:
                raise services.InfoError(error.message, name) from None
    return stored.get("photo"), stored.get("document")


@bp.route("/baru", methods=["GET", "POST"])
@login_required
@_limited
def new():
    officer = permissions.is_petugas(current_user)
    led = services.groups_led_by(current_user)
    if not officer and not led:
        abort(403)
    form = _announcement_form(led)
    source = _promoted_thread(form)
    if request.method == "POST":
        existing = earlier_submission(Announcement, form.submission_key.data)
        if existing is not None:
            flash(_("Pengumuman ini sudah diterbitkan."), "info")
            return redirect(url_for("info.show", announcement_id=existing.id))
    if form.validate_on_submit():
        kim_group = None
        if not officer:
            kim_group = next((g for g in led if g.id == form.kim.data), None)
            if kim_group is None:
                form.kim.errors = [_("Pilih KIM yang Anda urus.")]
        if not form.errors:
            def step():
                photo, document = _store_attachments(form)
                return services.publish(
                    current_user, title=form.title.data, body=form.body.data,
                    audience=Audience(form.audience.data) if officer else Audience.KIM,
                    district_codes=form.districts.data, group_ids=form.groups.data,
                    kim_group=kim_group, expires_on=form.expires_on.data, photo=photo,
                    document=document, submission_key=form.submission_key.data,
                    source_thread=source,
                )

            done, announcement = _attempt(form, step, "title")
            if done:
                flash(_("Pengumuman sudah diterbitkan."), "success")
                return redirect(url_for("info.show", announcement_id=announcement.id))
    status = 422 if request.method == "POST" else 200
    return render_template("info/new.html", form=form, officer=officer, led=led,
                           source=source), status


def _promoted_thread(form: AnnouncementForm):
    """The thread whose answer is being promoted (`?dari=<code>`, then the hidden field):
    404 unless this person may promote it; prefilled on the first GET."""
    code = form.source.data if request.method == "POST" else request.args.get("dari", "")
    if not code:
        return None
    thread = thread_services.get_visible(code, current_user)
    if thread is None:
        abort(404)
    if not promotion.may_promote(current_user, thread):
        abort(403)
    if request.method == "GET":
        draft = promotion.draft(thread)
        form.title.data, form.body.data, form.source.data = draft.title, draft.body, thread.code
    return thread


def _get_or_404(announcement_id: int):
    announcement = services.get(announcement_id)
    if announcement is None or not visibility.may_see(current_user, announcement):
        abort(404)
    return announcement


def _relay_form(choices) -> RelayForm:
    form = RelayForm()
    form.group.choices = [(g.id, g.name) for g in choices]
    return form


def _dissemination_form(groups, posted: bool = True) -> DisseminationForm:
    form = DisseminationForm() if posted else DisseminationForm(formdata=None)
    form.group.choices = [(g.id, g.name) for g in groups]
    return form


def _show_context(announcement, relay_form=None, relays=None, dissemination_form=None):
    withdrawn = services.is_withdrawn(announcement)
    relays = [] if withdrawn else (
        relays if relays is not None else services.relays_of(announcement))
    choices = services.relay_choices(current_user, announcement, relays)
    led = permissions.group_ids_where(current_user, pengurus_only=True)
    own_relays = [r for r in relays if r.group_id in led]
    share = services.share_text(announcement, own_relays[0] if own_relays else None)
    reporting = dissemination.reporting_groups(current_user, announcement, relays)
    if reporting and dissemination_form is None:
        dissemination_form = _dissemination_form(reporting, posted=False)
        dissemination_form.held_on.data = services.today()
    return dict(
        announcement=announcement,
        withdrawn=withdrawn,
        may_correct=corrections.may_correct(current_user, announcement),
        may_see_versions=corrections.may_see_versions(current_user),
        reporting_groups=reporting,
        dissemination_form=dissemination_form,
        withdraw_form=WithdrawForm(formdata=None),
        relays=relays,
        own_relays=own_relays,
        relay_form=relay_form or _relay_form(choices),
        relay_choices=choices,
        expired=services.is_expired(announcement),
        share=share,
        whatsapp=services.whatsapp_link(share),
        may_see_reach=services.may_see_reach(current_user, announcement),
        body_html=services.render_markdown(announcement.body),
    )


@bp.get("/<int:announcement_id>")
def show(announcement_id: int):
    announcement = _get_or_404(announcement_id)
    if current_user.is_authenticated:
        opened = services.record_open(announcement, current_user)
        read = mark_read_for_link(current_user, request.path)
        if opened or read:
            db.session.commit()
    return render_template("info/show.html", **_show_context(announcement))


@bp.post("/<int:announcement_id>/teruskan")
@login_required
@_limited
def relay(announcement_id: int):
    announcement = _get_or_404(announcement_id)
    led = services.groups_led_by(current_user)
    if not led:
        abort(403)
    relays = services.relays_of(announcement)
    form = _relay_form(services.relay_choices(current_user, announcement, relays))
    group = next((g for g in led if g.id == form.group.data), None)
    if form.validate_on_submit():
        if group is None:
            form.group.errors = [_("Pilih KIM yang Anda urus.")]
        elif _attempt(form, lambda: services.relay(announcement, group, current_user,
                                                   form.note.data, form.note_lang.data),
                      "group")[0]:
            flash(_("Pengumuman sudah diteruskan ke anggota %(name)s.", name=group.name),
                  "success")
            if htmx:
                context = _show_context(announcement)
                return fragment_response("info/_relay_panel.html", **context)
            return redirect(url_for("info.show", announcement_id=announcement.id))
    context = _show_context(announcement, relay_form=form, relays=relays)
    if htmx:
        return fragment_response("info/_relay_panel.html", status=422, **context)
    return render_template("info/show.html", **context), 422


@bp.get("/<int:announcement_id>/jangkauan")
@login_required
def reach(announcement_id: int):
    announcement = _get_or_404(announcement_id)
    if not services.may_see_reach(current_user, announcement):
        abort(403)
    return render_template("info/reach.html", announcement=announcement,
                           reach=services.reach(announcement),
                           reports=dissemination.reports_of(announcement),
                           venues=dissemination.VENUE_LABELS)


@bp.get("/lampiran/<token>.pdf")
def document(token: str):
    if not token.isalnum() or len(token) > 32:
        abort(404)
    stored = db.session.scalar(db.select(Document).where(Document.token == token))
    data = read_document(token) if stored is not None else None
    if data is None:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=stored.filename, max_age=86400, conditional=True,
                         etag=token)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Correcting and withdrawing -----------------------------------------------------------------

def _correctable_or_403(announcement_id: int):
    announcement = _get_or_404(announcement_id)
    if not corrections.may_correct(current_user, announcement):
        abort(403)
    return announcement


@bp.route("/<int:announcement_id>/ubah", methods=["GET", "POST"])
@login_required
@_limited
def edit(announcement_id: int):
    announcement = _correctable_or_403(announcement_id)
    form = EditForm(obj=announcement) if request.method == "GET" else EditForm()
    if form.validate_on_submit():
        done, changed = _attempt(form, lambda: corrections.edit(
            announcement, current_user, title=form.title.data, body=form.body.data,
            expires_on=form.expires_on.data), "title")
        if done:
            flash(_("Pengumuman sudah diperbarui.") if changed
                  else _("Tidak ada yang berubah."), "success")
            return redirect(url_for("info.show", announcement_id=announcement.id))
    status = 422 if request.method == "POST" else 200
    return render_template("info/edit.html", form=form, announcement=announcement,
                           withdraw_form=WithdrawForm(formdata=None)), status


@bp.post("/<int:announcement_id>/tarik")
@login_required
@_limited
def withdraw(announcement_id: int):
    announcement = _correctable_or_403(announcement_id)
    form = WithdrawForm()
    if form.validate_on_submit() and _attempt(
            form, lambda: corrections.withdraw(announcement, current_user, form.reason.data),
            "reason")[0]:
        flash(_("Pengumuman sudah ditarik."), "success")
        return redirect(url_for("info.show", announcement_id=announcement.id))
    return render_template("info/edit.html", form=EditForm(obj=announcement),
                           withdraw_form=form, announcement=announcement), 422


@bp.get("/<int:announcement_id>/versi")
@login_required
def versions(announcement_id: int):
    announcement = _get_or_404(announcement_id)
    if not corrections.may_see_versions(current_user):
        abort(403)
    return render_template("info/versions.html", announcement=announcement,
                           versions=corrections.versions(announcement))


# Dissemination reports ----------------------------------------------------------------------

@bp.post("/<int:announcement_id>/laporan")
@login_required
@_limited
def report(announcement_id: int):
    announcement = _get_or_404(announcement_id)
    relays = services.relays_of(announcement)
    groups = dissemination.reporting_groups(current_user, announcement, relays)
    if not groups:
        abort(403)
    form = _dissemination_form(groups)
    group = next((g for g in groups if g.id == form.group.data), None)
    if form.validate_on_submit():
        if group is None:
            form.group.errors = [_("Pilih KIM yang Anda urus.")]
        else:
            def step():
                photo = None
                if form.photo.data and form.photo.data.filename:
                    try:
                        photo = store_photo(form.photo.data, uploaded_by=current_user)
                    except UploadError as error:
                        raise services.InfoError(error.message, "photo") from None
                return dissemination.report(
                    announcement, group, current_user, dissemination.Gathering(
                        held_on=form.held_on.data, venue=form.venue.data,
                        people=form.people.data, note=form.note.data or "", photo=photo))

            if _attempt(form, step, "group")[0]:
                flash(_("Laporan penyebaran dari %(name)s tersimpan. Terima kasih.",
                        name=group.name), "success")
                return redirect(url_for("info.show", announcement_id=announcement.id,
                                        _anchor="dissemination"))
    context = _show_context(announcement, relays=relays, dissemination_form=form)
    return render_template("info/show.html", **context), 422
