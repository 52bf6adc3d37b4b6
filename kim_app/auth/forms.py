"""Registration, login and password forms. Every message goes through Flask-Babel."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from kim_app.auth import services
from kim_app.common.region_fields import VillageFields
from kim_app.i18n import lazy_gettext as _l


class PasswordRules:
    """Minimum length and not a common password; the message says which rule failed."""

    def __call__(self, form, field):
        problem = services.password_problem(field.data or "")
        if problem == "short":
            raise ValidationError(_l("Kata sandi minimal 8 karakter."))
        if problem == "common":
            raise ValidationError(
                _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.")
            )


class PersonFields(VillageFields):
    """Who a person is, as registration and the profile ask it: name, optional email and
    where they live. An email another account uses is refused (their own is fine)."""

    name = StringField(
        _l("Nama lengkap"),
        validators=[DataRequired(_l("Nama wajib diisi.")),
                    Length(min=2, max=120, message=_l("Nama 2 sampai 120 karakter."))],
    )
    email = EmailField(
        _l("Email (tidak wajib)"),
        validators=[Optional(), Length(max=254),
                    Email(_l("Alamat email tidak valid."), check_deliverability=False)],
    )
    district_missing = _l("Pilih kecamatan tempat tinggal Anda.")
    village_missing = _l("Pilih desa/kelurahan tempat tinggal Anda.")
    user = None  # the person whose own form it is, if any

    def validate_email(self, field):
        email = services.normalise_email(field.data)
        own = (self.user.email or "") if self.user is not None else ""
        if email and email != own and services.email_taken(email):
            raise ValidationError(_l("Email ini sudah dipakai akun lain."))


class RegisterForm(PersonFields, FlaskForm):
    phone = StringField(
        _l("Nomor HP"),
        validators=[DataRequired(_l("Nomor HP wajib diisi."))],
        description=_l("Contoh: 0812 3456 7890. Tidak ditampilkan kepada publik."),
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordRules()],
        description=_l("Minimal 8 karakter, bukan kata sandi yang umum."),
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi"),
        validators=[DataRequired(_l("Ulangi kata sandi.")),
                    EqualTo("password", _l("Kedua kata sandi tidak sama."))],
    )
    accept_privacy = BooleanField(
        _l("Saya sudah membaca pemberitahuan privasi dan menyetujuinya"),
        validators=[DataRequired(_l("Setujui pemberitahuan privasi untuk mendaftar."))],
    )

    def validate_phone(self, field):
        try:
            field.normalised = services.normalise_phone(field.data)
        except services.InvalidPhoneError:
            raise ValidationError(
                _l("Nomor HP tidak valid. Gunakan nomor Indonesia, misalnya 0812 3456 7890.")
            ) from None
        if services.phone_taken(field.normalised):
            raise ValidationError(_l("Nomor HP ini sudah terdaftar. Silakan masuk."))


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("Nomor HP atau email"),
        validators=[DataRequired(_l("Isi nomor HP atau email Anda."))],
    )
    password = PasswordField(
        _l("Kata sandi"), validators=[DataRequired(_l("Kata sandi wajib diisi."))]
    )
    remember = BooleanField(_l("Tetap masuk di perangkat ini"), default=True)
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Kata sandi sekarang"), validators=[DataRequired(_l("Kata sandi wajib diisi."))]
    )
    password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordRules()],
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(_l("Ulangi kata sandi.")),
                    EqualTo("password", _l("Kedua kata sandi tidak sama."))],
    )


class NewPasswordFields:
    """The new password twice, as every password-setting form asks it."""

    password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordRules()],
        description=_l("Minimal 8 karakter, bukan kata sandi yang umum."),
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(_l("Ulangi kata sandi.")),
                    EqualTo("password", _l("Kedua kata sandi tidak sama."))],
    )


class ForgotForm(FlaskForm):
    identifier = StringField(
        _l("Nomor HP atau email"),
        validators=[DataRequired(_l("Isi nomor HP atau email Anda.")), Length(max=254)],
    )


class NewPasswordForm(NewPasswordFields, FlaskForm):
    pass


class CodeResetForm(NewPasswordFields, FlaskForm):
    phone = StringField(
        _l("Nomor HP"),
        validators=[DataRequired(_l("Nomor HP wajib diisi.")), Length(max=40)],
    )
    code = StringField(
        _l("Kode atur ulang"),
        validators=[DataRequired(_l("Isi kode dari petugas.")), Length(max=20)],
        description=_l("8 huruf dan angka dari petugas, misalnya K7Q4-M2PX."),
    )
