"""Forms for joining a KIM, deciding requests, roles, the group profile and (admins) groups.

`GroupForm` is the admin's (`kim_app.admin`); the rest are the KIM pages'.
"""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from kim_app.common.region_fields import VillageFields
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import MemberRole

_REASON = dict(
    validators=[Optional(), Length(max=500, message=_l("Alasan paling banyak 500 karakter."))],
)


class JoinForm(FlaskForm):
    message = TextAreaField(
        _l("Pesan untuk pengurus (tidak wajib)"),
        validators=[Optional(),
                    Length(max=500, message=_l("Pesan paling banyak 500 karakter."))],
        description=_l("Misalnya: siapa Anda dan mengapa ingin bergabung."),
    )


class DecisionForm(FlaskForm):
    reason = StringField(_l("Alasan (tidak wajib)"), **_REASON)


class RoleForm(FlaskForm):
    # The <select> is drawn by the member row (its options are `member_roles()`); the value
    # is checked here against the roles that exist.
    role = StringField(_l("Peran"), validators=[DataRequired(_l("Pilih peran."))])
    reason = StringField(_l("Alasan (tidak wajib)"), **_REASON)

    def validate_role(self, field):
        try:
            field.role = MemberRole(field.data)
        except ValueError:
            raise ValidationError(_l("Peran ini tidak dikenal.")) from None


class LocalDateField(DateField):
    """A date field whose parse error is translated like every other message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Tanggal tidak valid. Pilih dari kalender atau tulis seperti 2019-08-17.")
            ) from None


class ProfileForm(FlaskForm):
    """What the pengurus keep up to date."""

    description = TextAreaField(
        _l("Deskripsi"),
        validators=[Optional(),
                    Length(max=2000, message=_l("Deskripsi paling banyak 2000 karakter."))],
        description=_l("Kegiatan dan tujuan KIM, dalam beberapa kalimat."),
    )
    contact = StringField(
        _l("Kontak KIM"),
        validators=[Optional(),
                    Length(max=200, message=_l("Kontak paling banyak 200 karakter."))],
        description=_l("Ditampilkan kepada publik, misalnya alamat sekretariat atau "
                       "nomor WhatsApp KIM."),
    )
    founded_on = LocalDateField(_l("Tanggal dibentuk"), validators=[Optional()])

    def validate_founded_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("Tanggal dibentuk tidak boleh di masa depan."))
        if field.data and field.data.year < 1945:
            raise ValidationError(_l("Tanggal dibentuk tidak masuk akal."))


class GroupForm(VillageFields, ProfileForm):
    """The admin's form: a group's name and its village (by official code) too."""

    name = StringField(
        _l("Nama KIM"),
        validators=[DataRequired(_l("Nama KIM wajib diisi.")),
                    Length(min=3, max=120, message=_l("Nama KIM 3 sampai 120 karakter."))],
    )
    district_missing = _l("Pilih kecamatan tempat KIM ini berada.")
    village_missing = _l("Pilih desa/kelurahan tempat KIM ini berada.")
