"""Forms of a person's own account: profile, phone number, deletion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from kim_app.auth import services
from kim_app.common.region_fields import VillageFields


class ProfileForm(VillageFields, FlaskForm):
    name = StringField(
        _l("Nama lengkap"),
        validators=[DataRequired(_l("Nama wajib diisi.")),
                    Length(min=2, max=120, message=_l("Nama 2 sampai 120 karakter."))],
    )
    email = EmailField(
        _l("Email (tidak wajib)"),
        validators=[Optional(), Length(max=254),
                    Email(_l("Alamat email tidak valid."), check_deliverability=False)],
        description=_l("Alamat baru dipakai setelah Anda membuka tautan yang kami kirim ke "
                       "alamat itu."),
    )
    locale = SelectField(_l("Bahasa"))
    district_missing = _l("Pilih kecamatan tempat tinggal Anda.")
    village_missing = _l("Pilih desa/kelurahan tempat tinggal Anda.")

    def __init__(self, *args, user=None, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.locale.choices = list((languages or {}).items())

    def validate_email(self, field):
        email = services.normalise_email(field.data)
        if email and email != (self.user.email or "") and services.email_taken(email):
            raise ValidationError(_l("Email ini sudah dipakai akun lain."))


class PhoneChangeForm(FlaskForm):
    phone = StringField(
        _l("Nomor HP baru"),
        validators=[DataRequired(_l("Nomor HP wajib diisi."))],
        description=_l("Contoh: 0812 3456 7890. Anda masuk dengan nomor ini."),
    )
    current_password = PasswordField(
        _l("Kata sandi sekarang"), validators=[DataRequired(_l("Kata sandi wajib diisi."))]
    )

    def validate_phone(self, field):
        try:
            field.normalised = services.normalise_phone(field.data)
        except services.InvalidPhoneError:
            raise ValidationError(
                _l("Nomor HP tidak valid. Gunakan nomor Indonesia, misalnya 0812 3456 7890.")
            ) from None


class ConfirmPasswordForm(FlaskForm):
    """Deleting the account asks for the password once more."""

    current_password = PasswordField(
        _l("Kata sandi"), validators=[DataRequired(_l("Kata sandi wajib diisi."))]
    )
