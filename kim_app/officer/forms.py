"""The export form: the officer inbox's filters, sent by GET to the CSV export."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField
from wtforms.validators import ValidationError

from kim_app.extensions import db
from kim_app.models import Agency, Category
from kim_app.regions import district_choices
from kim_app.threads.labels import status_choices


class Choice(SelectField):
    """A select whose unknown value gets our own translated message."""

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
