"""`/petugas/templat`: the answer templates officers keep (list, create, edit, delete)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kim_app.common import permissions
from kim_app.common.params import to_int
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import AnswerTemplate
from kim_app.officer import bp, services
from kim_app.officer.forms import AnswerTemplateForm
from kim_app.threads import answer_templates
from kim_app.threads import services as thread_services


def _form(template: AnswerTemplate | None = None, formdata=None) -> AnswerTemplateForm:
    own_agency = permissions.officer_agency_id(current_user)
    agencies = [a for a in services.active_agencies() if own_agency in (None, a.id)]
    form = AnswerTemplateForm(formdata=formdata, obj=template,
                              agencies=agencies, categories=thread_services.active_categories())
    if own_agency is not None:  # their own agency's templates, whatever was sent
        form.agency.choices = form.agency.choices[1:]
        form.agency.data = str(own_agency)
    if formdata is None:
        form.category.data = str(template.category_id or "") if template else ""
        form.agency.data = str((template.agency_id if template else own_agency) or "")
    return form


def _page(form, template: AnswerTemplate | None, status: int = 200):
    return render_template(
        "officer/answer_templates.html", form=form, template=template,
        templates=[(t, permissions.can_manage_answer_template(current_user, t))
                   for t in answer_templates.listed()],
        placeholders=answer_templates.PLACEHOLDERS,
        may_create=permissions.can_manage_answer_template(current_user, None)), status


def _template_or_404(template_id: int) -> AnswerTemplate:
    template = db.session.get(AnswerTemplate, template_id)
    if template is None:
        abort(404)
    if not permissions.can_manage_answer_template(current_user, template):
        abort(403)
    return template


def _save(template: AnswerTemplate | None):
    form = _form(template, request.form)
    if not form.validate_on_submit():
        return _page(form, template, 422)
    try:
        saved = answer_templates.save(
            template, current_user._get_current_object(), name=form.name.data,
            body=form.body.data, category_id=to_int(form.category.data),
            agency_id=to_int(form.agency.data))
    except answer_templates.TemplateError as error:
        db.session.rollback()
        form.body.errors = [str(error.message)]
        return _page(form, template, 422)
    db.session.commit()
    flash(_("Templat \u201c%(name)s\u201d disimpan.", name=saved.name), "success")
    return redirect(url_for("officer.answer_templates_page"))


@bp.get("/templat")
def answer_templates_page():
    return _page(_form(), None)


@bp.post("/templat")
def create_answer_template():
    return _save(None)


@bp.get("/templat/<int:template_id>")
def edit_answer_template(template_id: int):
    template = _template_or_404(template_id)
    return _page(_form(template), template)


@bp.post("/templat/<int:template_id>")
def update_answer_template(template_id: int):
    return _save(_template_or_404(template_id))


@bp.post("/templat/<int:template_id>/hapus")
def delete_answer_template(template_id: int):
    template = _template_or_404(template_id)
    name = template.name
    answer_templates.delete(template, current_user._get_current_object())
    db.session.commit()
    flash(_("Templat \u201c%(name)s\u201d dihapus.", name=name), "success")
    return redirect(url_for("officer.answer_templates_page"))
