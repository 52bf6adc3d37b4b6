"""Forms of a person's own account: profile, phone number, deletion."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from kim_app.auth import services
from kim_app.auth.forms import PersonFields
from kim_app.i18n import lazy_gettext as _l


class ProfileForm(PersonFields, FlaskForm):
    locale = SelectField(_l("Bahasa"))

    def __init__(self, *args, user=None, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.locale.choices = list((languages or {}).items())
        self.email.description = _l("Alamat baru dipakai setelah Anda membuka tautan yang "
                                    "kami kirim ke alamat itu.")


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


class DataSaverForm(FlaskForm):
    save_data = BooleanField(_l("Hemat data: foto dimuat hanya saat diketuk"))
