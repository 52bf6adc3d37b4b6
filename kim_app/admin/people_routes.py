"""`/admin/pengguna`: find people, open a person's page, and (admins) set roles or
deactivate; officers issue reset codes. The rules are in `admin.people` and `auth.reset`,
who may act in `common.permissions`."""

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from kim_app.admin import people
from kim_app.admin.people_forms import (
    EVENT_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    PeopleSearchForm,
    ReasonForm,
    ResetCodeForm,
    RoleForm,
)
from kim_app.admin.routes import bp, requires
from kim_app.auth import reset
from kim_app.common import permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import Agency, ResetRequest, ResetRequestStatus, Role, User

MAX_ID = 2**31 - 1


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if person is None:
        abort(404)
    return person


def _before() -> int | None:
    value = request.args.get("sebelum", "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


@bp.get("/pengguna", endpoint="people")
@requires(permissions.can_view_people)
def people_list():
    form = PeopleSearchForm(request.args)
    filters = people.Filters(**{name: (request.args.get(name) or "").strip()
                                for name in ("q", "district", "village", "role", "status")})
    rows, more = people.search(filters, _before())
    context = {"form": form, "rows": rows, "more": more, "filters": filters,
               "role_labels": ROLE_LABELS, "requests": reset.pending_requests(),
               "next_args": {k: v for k, v in request.args.items() if k != "sebelum"}}
    if request.args.get("sebelum") and wants_fragment():
        return fragment_response("admin/_people_rows.html", **context)
    return render_page("admin/people.html", "admin/_people_results.html", **context)



def _person_page(person: User, status: int = 200, *, role_form=None, deactivate_form=None,
                 reactivate_form=None, reset_form=None, code: str | None = None,
                 error: str | None = None):
    """The person's page (or, for an htmx reset-code request, only the reset box)."""
    agencies = people.agencies()
    context = {
        "page": people.person_page(person), "person": person, "role_labels": ROLE_LABELS,
        "status_labels": STATUS_LABELS, "event_labels": EVENT_LABELS, "code": code,
        "error": error,
        "can_manage": permissions.can_manage_people(current_user)
        and person.id != current_user.id and person.deleted_at is None,
        "can_issue": permissions.can_issue_reset_code(current_user, person),
        "role_form": role_form or RoleForm(formdata=None, agencies=agencies, data={
            "role": person.role.value, "agency": str(person.agency_id or "")}),
        "deactivate_form": deactivate_form or ReasonForm(formdata=None, prefix="off"),
        "reactivate_form": reactivate_form or ReasonForm(formdata=None, prefix="on"),
        "reset_form": reset_form or ResetCodeForm(formdata=None),
        "handover": people.handover_candidates(person) if person.active else {},
        "requests": reset.pending_requests_for(person),
        "code_hours": current_app.config["RESET_CODE_HOURS"],
        "display_code": reset.display,
    }
    if request.method == "POST" and request.endpoint == "admin.issue_reset_code" \
            and wants_fragment():
        response = fragment_response("admin/_person_reset.html", status, **context)
    else:
        response = make_response(render_template("admin/person.html", **context), status)
    if code:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/pengguna/<int:user_id>")
@requires(permissions.can_view_people)
def person(user_id: int):
    return _person_page(_person_or_404(user_id))


@bp.post("/pengguna/<int:user_id>/peran")
@requires(permissions.can_manage_people)
def set_role(user_id: int):
    person = _person_or_404(user_id)
    form = RoleForm(agencies=people.agencies())
    if not form.validate_on_submit():
        return _person_page(person, 422, role_form=form)
    wanted = form.agency.data or ""
    agency = (db.session.get(Agency, int(wanted))
              if wanted.isdigit() and int(wanted) <= MAX_ID else None)
    if wanted and (agency is None or not agency.active):
        form.agency.errors = [_("Pilih instansi dari daftar.")]
        return _person_page(person, 422, role_form=form)
    try:
        changed = people.set_role(current_user, person, Role(form.role.data), agency,
                                  form.reason.data)
    except people.PeopleError as error:
        return _person_page(person, 422, role_form=form, error=str(error))
    db.session.commit()
    if changed:
        flash(_("Peran %(name)s sekarang %(role)s.", name=person.name,
                role=ROLE_LABELS[person.role]), "success")
    return redirect(url_for("admin.person", user_id=person.id))


@bp.post("/pengguna/<int:user_id>/nonaktifkan")
@requires(permissions.can_manage_people)
def deactivate(user_id: int):
    person = _person_or_404(user_id)
    form = ReasonForm(prefix="off")
    if not form.validate_on_submit():
        return _person_page(person, 422, deactivate_form=form)
    successors = {}
    for key, value in request.form.items():
        if key.startswith("successor-") and key[10:].isdigit() and value.isdigit():
            successors[int(key[10:])] = int(value)
    try:
        people.deactivate(current_user, person, form.reason.data, successors)
    except (people.PeopleError, people.kim_services.MembershipError) as error:
        db.session.rollback()
        return _person_page(person, 422, deactivate_form=form, error=str(error))
    db.session.commit()
    flash(_("Akun %(name)s dinonaktifkan; semua sesinya diakhiri.", name=person.name),
          "success")
    return redirect(url_for("admin.person", user_id=person.id))


@bp.post("/pengguna/<int:user_id>/aktifkan")
@requires(permissions.can_manage_people)
def reactivate(user_id: int):
    person = _person_or_404(user_id)
    form = ReasonForm(prefix="on")
    if not form.validate_on_submit():
        return _person_page(person, 422, reactivate_form=form)
    try:
        people.reactivate(current_user, person, form.reason.data)
    except people.PeopleError as error:
        return _person_page(person, 422, reactivate_form=form, error=str(error))
    db.session.commit()
    flash(_("Akun %(name)s aktif kembali.", name=person.name), "success")
    return redirect(url_for("admin.person", user_id=person.id))


@bp.post("/pengguna/<int:user_id>/kode-atur-ulang")
@requires(permissions.can_view_people)
def issue_reset_code(user_id: int):
    person = _person_or_404(user_id)
    if not permissions.can_issue_reset_code(current_user, person):
        permissions.deny()
    form = ResetCodeForm()
    if not form.validate_on_submit():
        return _person_page(person, 422, reset_form=form)
    code = reset.issue(current_user, person, form.note.data or "")
    db.session.commit()
    # Shown once: the page is not cached and the code is not stored in the clear anywhere.
    return _person_page(person, 200, code=code)


@bp.post("/pengguna/permintaan-kode/<int:request_id>/tolak")
@requires(permissions.can_view_people)
def decline_reset_request(request_id: int):
    found = db.session.get(ResetRequest, request_id) if 0 < request_id <= MAX_ID else None
    if found is None or found.status != ResetRequestStatus.PENDING:
        abort(404)
    if not permissions.can_issue_reset_code(current_user, found.user):
        permissions.deny()
    reset.decline(current_user, found, request.form.get("reason", "")[:500])
    db.session.commit()
    flash(_("Permintaan kode untuk %(name)s ditolak.", name=found.user.name), "info")
    return redirect(url_for("admin.person", user_id=found.user_id))
