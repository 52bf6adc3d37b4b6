"""Forms for business groups, managers, join requests, products and photos.

Choices are checked by our own validators, so every message a person can see is ours and
translated (WTForms' built-in "Not a valid choice" is not).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from kim_app.auth.services import InvalidPhoneError, normalise_phone
from kim_app.business import labels, products
from kim_app.business.errors import BusinessError
from kim_app.common.submission import SubmissionKeyMixin


class _Choice:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(self.message)


def _select(label, message, **kwargs):
    return SelectField(label, validate_choice=False,
                       validators=[DataRequired(message), _Choice(message)], **kwargs)


class GroupForm(FlaskForm):
    name = StringField(
        _l("Nama kelompok usaha"),
        validators=[DataRequired(_l("Nama wajib diisi.")),
                    Length(min=3, max=120, message=_l("Nama 3 sampai 120 karakter."))],
    )
    sector = _select(_l("Bidang usaha"), _l("Pilih bidang usaha."))
    description = TextAreaField(
        _l("Deskripsi"),
        validators=[Optional(),
                    Length(max=2000, message=_l("Deskripsi paling banyak 2000 karakter."))],
        description=_l("Apa yang dibuat dan dijual, sejak kapan, siapa saja anggotanya."),
    )
    whatsapp = StringField(
        _l("Nomor WhatsApp untuk pesanan"),
        validators=[DataRequired(_l("Nomor WhatsApp wajib diisi."))],
        description=_l("Pembeli memesan lewat nomor ini. Contoh: 0812 3456 7890."),
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    logo = FileField(_l("Logo (tidak wajib)"),
                     render_kw={"accept": "image/jpeg,image/png,image/webp"})
    remove_logo = BooleanField(_l("Hapus logo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("— Pilih bidang —"))] + labels.category_choices()

    def validate_whatsapp(self, field):
        try:
            field.normalised = normalise_phone(field.data)
        except InvalidPhoneError:
            raise ValidationError(
                _l("Nomor WhatsApp tidak valid. Gunakan nomor Indonesia, misalnya "
                   "0812 3456 7890.")
            ) from None


class AppointForm(FlaskForm):
    user_id = SelectField(_l("Anggota KIM"), validate_choice=False,
                          validators=[DataRequired(_l("Pilih anggota yang akan ditunjuk."))])

    def validate_user_id(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Pilih anggota yang akan ditunjuk."))


class JoinForm(FlaskForm):
    message = TextAreaField(
        _l("Pesan untuk pengelola (tidak wajib)"),
        validators=[Optional(),
                    Length(max=500, message=_l("Pesan paling banyak 500 karakter."))],
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class PriceField(StringField):
    def pre_validate(self, form):
        try:
            self.price = products.parse_price(self.data)
        except BusinessError as refused:
            self.price = None
            raise ValidationError(str(refused.message)) from None


class ProductForm(FlaskForm):
    name = StringField(
        _l("Nama produk"),
        validators=[DataRequired(_l("Nama produk wajib diisi.")),
                    Length(min=3, max=120, message=_l("Nama produk 3 sampai 120 karakter."))],
    )
    price = PriceField(
        _l("Harga (Rp)"),
        description=_l("Rupiah bulat, misalnya 25000."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    unit = _select(_l("Satuan"), _l("Pilih satuan."))
    category = _select(_l("Kategori"), _l("Pilih kategori."))
    availability = _select(_l("Ketersediaan"), _l("Pilih ketersediaan."))
    description = TextAreaField(
        _l("Deskripsi"),
        validators=[Optional(),
                    Length(max=5000, message=_l("Deskripsi paling banyak 5000 karakter."))],
        description=_l("Bahan, ukuran, cara pesan. Bisa memakai format markdown sederhana."),
    )
    published = BooleanField(_l("Tampilkan di katalog"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = [(unit, unit) for unit in products.UNITS]
        self.category.choices = [("", _l("— Pilih kategori —"))] + labels.category_choices()
        self.availability.choices = labels.availability_choices()


class NewProductForm(SubmissionKeyMixin, ProductForm):
    photos = MultipleFileField(
        _l("Foto (tidak wajib, paling banyak 5)"),
        description=_l("JPEG, PNG, atau WebP. Foto pertama menjadi sampul."),
        render_kw={"accept": "image/jpeg,image/png,image/webp", "multiple": True},
    )


class AvailabilityForm(FlaskForm):
    availability = _select(_l("Ketersediaan"), _l("Pilih ketersediaan."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.availability.choices = labels.availability_choices()


class PhotoForm(FlaskForm):
    photos = MultipleFileField(
        _l("Tambah foto"),
        description=_l("JPEG, PNG, atau WebP; paling banyak 5 foto per produk."),
        render_kw={"accept": "image/jpeg,image/png,image/webp", "multiple": True},
    )
