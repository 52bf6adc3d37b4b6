"""Forms of the admin area: the reference lists, a KIM group's status, the KIM list filter.

The KIM group form itself (name, village, profile) is `kim_app.kim.forms.GroupForm`.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from kim_app.i18n import lazy_gettext as _l
from kim_app.kim.forms import DecisionForm
from kim_app.models import KimStatus


class CategoryForm(FlaskForm):
    name = StringField(_l("Nama kategori"),
                       validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=80)])
    description = StringField(_l("Keterangan"), validators=[Optional(), Length(max=300)])
    position = IntegerField(_l("Urutan"), default=0, validators=[
        Optional(), NumberRange(0, 10_000, _l("Urutan antara 0 dan 10000."))])
    active = BooleanField(_l("Aktif (dapat dipilih penanya)"), default=True)


class AgencyForm(FlaskForm):
    name = StringField(_l("Nama instansi"),
                       validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=120)])
    short_name = StringField(_l("Singkatan"), validators=[Optional(), Length(max=40)])
    active = BooleanField(_l("Aktif (dapat ditugaskan)"), default=True)


class StatusForm(DecisionForm):
    """Deactivate or reactivate a KIM group (with an optional reason); the wanted status
    comes from the button pressed."""

    status = StringField()

    def validate_status(self, field):
        try:
            field.wanted = KimStatus(field.data or "")
        except ValueError:
            raise ValidationError(_l("Status KIM tidak dikenal.")) from None
