"""The admin area's pages. Thin: who may act is `common.permissions` (each route names its
section's rule in `requires`), the rules are `kim_groups`, `reference` and, for a KIM's
profile fields, `kim.services`.

Every form works without JavaScript (post/redirect/get, or the page again with status 422
and the errors); htmx swaps only the changed part (the list, a row, the status box) and
gets the same errors with status 422.
"""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kim_app.admin import kim_groups, reference, sections
from kim_app.admin.forms import AgencyForm, CategoryForm, StatusForm
from kim_app.common import permissions
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.kim import services as kim_services
from kim_app.kim.forms import GroupForm
from kim_app.models import Agency, Category, KimGroup, KimStatus
from kim_app.regions import district_choices

bp = Blueprint("admin", __name__)

FORMS = {Category: CategoryForm, Agency: AgencyForm}


def requires(rule):
    """Log in first (a guest is sent to the login page), then 403 unless `rule(user)`."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not rule(current_user):
                permissions.deny()
            return view(*args, **kwargs)
        return login_required(guarded)
    return decorate


bp.add_app_template_global(sections.may_use_admin, "may_use_admin")


@bp.context_processor
def admin_navigation() -> dict:
    return {"admin_sections": sections.sections_for(current_user)}


@bp.get("/")
@requires(sections.may_use_admin)
def index():
    return render_template("admin/index.html")


# ---------------------------------------------------------------------------------------
# Question categories and agencies


def _list_or_404(kind: str):
    """The model of a reference list by the word in its address (kategori, instansi)."""
    if kind not in reference.LISTS:
        abort(404)
    return reference.LISTS[kind]


def _reference_context(kind: str, new_form=None, edit_forms: dict | None = None) -> dict:
    form_class = FORMS[reference.LISTS[kind]]
    rows = reference.rows(reference.LISTS[kind])
    edit_forms = edit_forms or {}
    forms = {row.id: edit_forms.get(row.id)
             or form_class(formdata=None, obj=row, prefix=f"r{row.id}") for row in rows}
    return {"kind": kind, "rows": rows, "forms": forms,
            "new_form": new_form or form_class(formdata=None, prefix="new")}


def _reference_page(kind: str, status: int = 200, **forms):
    return render_page("admin/reference_list.html", "admin/_reference.html", status=status,
                       **_reference_context(kind, **forms))


@bp.route("/<kind>", methods=["GET", "POST"])
@requires(permissions.can_manage_reference_lists)
def reference_list(kind: str):
    model = _list_or_404(kind)
    if request.method == "GET":
        return _reference_page(kind)
    form = FORMS[model](prefix="new")
    if not form.validate():
        return _reference_page(kind, 422, new_form=form)
    row = reference.create(current_user, model, form.data)
    db.session.commit()
    flash(_("\u201c%(name)s\u201d ditambahkan.", name=row.name), "success")
    if wants_fragment():
        return _reference_page(kind)
    return redirect(url_for("admin.reference_list", kind=kind))


@bp.post("/<kind>/<int:row_id>")
@requires(permissions.can_manage_reference_lists)
def reference_edit(kind: str, row_id: int):
    model = _list_or_404(kind)
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    form = FORMS[model](prefix=f"r{row.id}")
    if not form.validate():
        if wants_fragment():
            return fragment_response("admin/_reference_row.html", 422, kind=kind, row=row,
                                     form=form)
        return _reference_page(kind, 422, edit_forms={row.id: form})
    changed = reference.update(current_user, row, form.data)
    db.session.commit()
    flash(_("\u201c%(name)s\u201d disimpan.", name=row.name) if changed
          else _("Tidak ada yang berubah."), "success")
    if wants_fragment():
        return fragment_response("admin/_reference_row.html", kind=kind, row=row,
                                 form=FORMS[model](formdata=None, obj=row, prefix=f"r{row.id}"))
    return redirect(url_for("admin.reference_list", kind=kind))


# ---------------------------------------------------------------------------------------
# KIM groups


def _kim_filters(districts: list[tuple[str, str]]) -> kim_groups.Filters:
    district = request.args.get("kecamatan", "")
    status = request.args.get("status", "")
    return kim_groups.Filters(
        search=request.args.get("q", "").strip()[:100],
        district_code=district if district in {code for code, _name in districts} else "",
        status=KimStatus(status) if status in set(KimStatus) else None,
    )


@bp.get("/kim")
@requires(permissions.can_admin_kim_groups)
def kim_list():
    districts = district_choices()
    filters = _kim_filters(districts)
    after = int_arg("setelah")
    groups, next_cursor = kim_groups.listing(filters, after=after)
    query = {"q": filters.search, "kecamatan": filters.district_code,
             "status": filters.status.value if filters.status else ""}
    return render_page(
        "admin/kim_groups.html", "admin/_kim_list.html",
        groups=groups, next_cursor=next_cursor, first_page=not after, filters=filters,
        districts=districts, query={key: value for key, value in query.items() if value},
        status_labels=kim_groups.STATUS_LABELS,
        status_options=[(status.value, label, status == filters.status)
                        for status, label in kim_groups.STATUS_LABELS.items()],
    )


def _group_or_404(slug: str) -> KimGroup:
    group = kim_services.get_by_slug(slug, include_inactive=True)
    if group is None:
        abort(404)
    return group


def _refused_status(form: GroupForm) -> int:
    """The status of a form page shown again: 422 after a refused submission."""
    return 422 if request.method == "POST" and not form.choosing_district else 200


def _filled_form(group: KimGroup) -> GroupForm:
    return GroupForm(formdata=None, data={
        "name": group.name, "district": group.village.district_code,
        "village": group.village_code, "description": group.description,
        "contact": group.contact, "founded_on": group.founded_on,
    })


def _status_context(group: KimGroup, status_form=None) -> dict:
    return {"group": group, "status_form": status_form or StatusForm(formdata=None),
            "status_labels": kim_groups.STATUS_LABELS,
            "switch_to": kim_groups.switched_status(group).value}


def _group_page(form, group: KimGroup | None = None, status_form=None, status: int = 200):
    context = _status_context(group, status_form) if group else {"group": None}
    return render_template("admin/kim_group.html", form=form, **context), status


@bp.route("/kim/baru", methods=["GET", "POST"])
@requires(permissions.can_admin_kim_groups)
def kim_create():
    form = GroupForm()
    if not form.choosing_district and form.validate_on_submit():
        group = kim_groups.create_group(
            current_user, name=form.name.data, village_code=form.village.data,
            description=form.description.data or "", contact=form.contact.data or "",
            founded_on=form.founded_on.data,
        )
        db.session.commit()
        flash(_("%(kim)s dibuat. Setujui permintaan bergabung pertama, lalu angkat ketuanya.",
                kim=group.name), "success")
        return redirect(url_for("kim.show", slug=group.slug))
    return _group_page(form, status=_refused_status(form))


@bp.route("/kim/<slug>", methods=["GET", "POST"])
@requires(permissions.can_admin_kim_groups)
def kim_edit(slug: str):
    group = _group_or_404(slug)
    form = _filled_form(group) if request.method == "GET" else GroupForm()
    if not form.choosing_district and form.validate_on_submit():
        changed = kim_services.update_profile(
            current_user, group, name=form.name.data, village_code=form.village.data,
            description=form.description.data or "", contact=form.contact.data or "",
            founded_on=form.founded_on.data,
        )
        db.session.commit()
        flash(_("Profil KIM disimpan.") if changed else _("Tidak ada yang berubah."), "success")
        return redirect(url_for("kim.show", slug=group.slug))
    return _group_page(form, group, status=_refused_status(form))


@bp.post("/kim/<slug>/status")
@requires(permissions.can_admin_kim_groups)
def kim_status(slug: str):
    group = _group_or_404(slug)
    form = StatusForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return fragment_response("admin/_kim_status.html", 422,
                                     **_status_context(group, form))
        return _group_page(_filled_form(group), group, form, 422)
    if kim_groups.set_status(current_user, group, form.status.wanted, form.reason.data or ""):
        db.session.commit()
        flash(_("%(kim)s diaktifkan kembali.", kim=group.name) if group.is_active
              else _("%(kim)s dinonaktifkan dan tidak tampil lagi di direktori publik.",
                     kim=group.name), "success")
    else:
        flash(_("Status KIM sudah seperti itu. Tidak ada yang diubah."), "info")
    if wants_fragment():
        return fragment_response("admin/_kim_status.html", **_status_context(group))
    return redirect(url_for("kim.show", slug=group.slug))


from kim_app.admin import audit_routes, moderation_routes, people_routes  # noqa: E402,F401
