"""The officer pages' forms: the export (the inbox's filters, sent by GET to the CSV
export), the inbox's bulk bar and the answer templates."""

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import Select, html_params

from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Agency, Category
from kim_app.officer.bulk import ACTION_LABELS
from kim_app.regions import district_choices
from kim_app.threads.labels import officer_label, status_choices


class QuickSelect(Select):
    """WTForms' select (without option groups: these forms have none), writing a plain
    option (no attributes of its own) without `html_params`: the same text,
    `<option value="…">` or `<option selected value="…">`, at a tenth of the cost (the bulk
    bar's 60-odd officers and agencies took 1.5 ms)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = getattr(field.flags, flag)
        options = "".join(self.render_option(choice) for choice in field.iter_choices())
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704  # nosec B704

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        # Both values are escaped on this line: the same as WTForms' f-string.
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')  # noqa: S704  # nosec B704


class Choice(SelectField):
    """A select whose unknown value gets our own translated message."""

    widget = QuickSelect()

    def pre_validate(self, form):
        if (self.data or "") not in {value for value, _label in self.choices}:
            raise ValidationError(_l("Pilihan ini tidak dikenal. Pilih dari daftar."))


class ThreadExportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    status = Choice(_l("Status"))
    agency = Choice(_l("Instansi (OPD)"))
    category = Choice(_l("Kategori"))
    kecamatan = Choice(_l("Kecamatan"))
    mine = BooleanField(_l("Hanya yang ditugaskan kepada saya"))
    overdue = BooleanField(_l("Hanya yang terlambat"))

    def __init__(self, *args, districts: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _l("Semua"))]
        self.status.choices = everything + status_choices()
        self.agency.choices = everything + [
            (str(row.id), row.name) for row in db.session.execute(
                select(Agency.id, Agency.name).order_by(Agency.name))]
        self.category.choices = everything + [
            (str(row.id), row.name) for row in db.session.execute(
                select(Category.id, Category.name).order_by(Category.position, Category.name))]
        self.kecamatan.choices = everything + (
            districts if districts is not None else district_choices())


class BulkForm(FlaskForm):
    """The inbox's bulk bar: a step for every ticked thread (the boxes are read apart)."""

    action = Choice(_l("Tindakan untuk yang dipilih"))
    agency = Choice(_l("Instansi (OPD)"), description=_l(
        "Boleh kosong bila petugas yang dipilih bekerja untuk satu instansi."))
    assignee = Choice(_l("Petugas yang menangani"))
    note = StringField(_l("Catatan (tidak wajib)"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, agencies=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("— Pilih tindakan —"))] + [
            (action, label) for action, label in ACTION_LABELS.items()]
        self.agency.choices = [("", _l("— Pilih instansi —"))] + [
            (str(agency.id), agency.short_name or agency.name) for agency in agencies]
        by_id = {agency.id: agency for agency in agencies}
        self.assignee.choices = [("", _l("— Belum ditentukan —"))] + [
            (str(officer.id), officer_label(officer, by_id)) for officer in officers]
        # An agency's petugas chosen without an agency: the thread goes to their agency.
        self._agency_of = {str(officer.id): str(officer.agency_id) for officer in officers
                           if not officer.is_admin and officer.agency_id in by_id}

    def chosen_agency_id(self) -> int | None:
        """The agency picked, or else the agency of the petugas picked."""
        value = self.agency.data or self._agency_of.get(self.assignee.data or "")
        return int(value) if value else None

    def validate_action(self, field):
        if not field.data:
            raise ValidationError(_l("Pilih tindakan untuk pertanyaan yang dipilih."))

    def validate_agency(self, field):
        if self.action.data == "assign" and self.chosen_agency_id() is None:
            raise ValidationError(_l("Pilih instansi (OPD) yang menangani."))



class AnswerTemplateForm(FlaskForm):
    name = StringField(_l("Nama templat"), validators=[
        DataRequired(_l("Beri nama templat ini.")),
        Length(max=80, message=_l("Paling banyak %(max)d karakter.", max=80))])
    body = TextAreaField(_l("Isi templat"), validators=[
        DataRequired(_l("Tulis isi templat.")),
        Length(max=5000, message=_l("Paling banyak %(max)d karakter.", max=5000))])
    category = Choice(_l("Untuk kategori"))
    agency = Choice(_l("Untuk instansi"))

    def __init__(self, *args, agencies=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("Semua kategori"))] + [
            (str(category.id), category.name) for category in categories]
        self.agency.choices = [("", _l("Semua instansi"))] + [
            (str(agency.id), agency.short_name or agency.name) for agency in agencies]
