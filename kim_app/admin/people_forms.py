"""Forms of the people pages: search, role, deactivation, reactivation, reset code."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from kim_app.common.region_fields import VillageFields
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Role

ROLE_LABELS = {
    Role.WARGA: _l("Warga"),
    Role.PETUGAS: _l("Petugas"),
    Role.ADMIN: _l("Admin"),
}
# What happened to an account, as its history lists it (every `user.*` audit action).
EVENT_LABELS = {
    "user.role_change": _l("Peran diubah"),
    "user.deactivate": _l("Akun dinonaktifkan"),
    "user.reactivate": _l("Akun diaktifkan kembali"),
    "user.reset_code": _l("Kode atur ulang kata sandi dibuat"),
    "user.reset_code_request": _l("Pengurus KIM meminta kode atur ulang"),
    "user.reset_code_decline": _l("Permintaan kode atur ulang ditolak"),
    "user.password_reset": _l("Kata sandi diatur ulang"),
    "user.delete": _l("Akun dihapus pemiliknya"),
}
STATUS_LABELS = {"aktif": _l("Aktif"), "nonaktif": _l("Nonaktif"), "terhapus": _l("Terhapus")}


class PeopleSearchForm(VillageFields, FlaskForm):
    """Filters (never validated: an empty kecamatan or village means all of them)."""

    class Meta:
        csrf = False

    q = StringField(_l("Nama, nomor HP atau email"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Peran"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices[0] = ("", _l("Semua kecamatan"))
        self.village.choices[0] = ("", _l("Semua desa/kelurahan"))
        self.role.choices = [("", _l("Semua peran"))] + [
            (role.value, label) for role, label in ROLE_LABELS.items()]
        self.status.choices = [("", _l("Semua status"))] + list(STATUS_LABELS.items())


def _reason():
    return TextAreaField(
        _l("Alasan"),
        validators=[DataRequired(_l("Tulis alasannya: dicatat di riwayat akun.")),
                    Length(max=500, message=_l("Alasan paling banyak 500 karakter."))],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Peran"))
    agency = SelectField(_l("Instansi (untuk petugas)"), validate_choice=False,
                         description=_l("Kosongkan untuk petugas Diskominfo umum."))
    reason = _reason()

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, label) for role, label in ROLE_LABELS.items()]
        self.agency.choices = [("", _l("— Tanpa instansi —"))] + [
            (str(agency.id), agency.name) for agency in agencies]


class ReasonForm(FlaskForm):
    """Deactivate or reactivate: the reason is recorded."""

    reason = _reason()


class ResetCodeForm(FlaskForm):
    note = StringField(_l("Catatan (tidak wajib)"), validators=[Optional(), Length(max=200)],
                       description=_l("Misalnya: datang ke kantor dengan KTP, atau diminta "
                                      "ketua KIM."))
