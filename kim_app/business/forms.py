"""Forms for business groups, managers, join requests, products and photos.

Choices are checked by our own validators, so every message a person can see is ours and
translated (WTForms' built-in "Not a valid choice" is not).
"""

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from kim_app.auth.services import InvalidPhoneError, normalise_phone
from kim_app.business import labels, products, sales
from kim_app.business.errors import BusinessError
from kim_app.common.params import to_int
from kim_app.common.submission import SubmissionKeyMixin
from kim_app.i18n import lazy_gettext as _l


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
        if to_int(field.data) is None:
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


class DayField(StringField):
    """A date typed in an `<input type="date">` (ISO) or as people write it (31/12/2026);
    `day` is the parsed date or None. Our own message, translated."""

    def __init__(self, label, message, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form):
        self.day = parse_day(self.data)
        if (self.data or "").strip() and self.day is None:
            raise ValidationError(self.message)


def parse_day(text: str | None) -> date | None:
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(
        r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match is None:
        return None
    numbers = [int(part) for part in match.groups()]
    year, month, day = numbers if len(match.group(1)) == 4 else numbers[::-1]
    try:
        return date(year, month, day)
    except ValueError:
        return None


class AmountField(StringField):
    def pre_validate(self, form):
        try:
            self.amount = sales.parse_amount(self.data)
        except BusinessError as refused:
            self.amount = None
            raise ValidationError(str(refused.message)) from None


class SaleForm(FlaskForm):
    sold_on = DayField(_l("Tanggal penjualan"), _l("Tanggal tidak valid. Contoh: 31/12/2026."),
                       validators=[DataRequired(_l("Tanggal penjualan wajib diisi."))])
    product_id = SelectField(_l("Produk (tidak wajib)"), validate_choice=False)
    quantity = StringField(
        _l("Jumlah barang"),
        validators=[DataRequired(_l("Jumlah barang wajib diisi."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    amount = AmountField(
        _l("Uang diterima (Rp)"),
        description=_l("Untuk seluruh penjualan ini, rupiah bulat, misalnya 150000."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    note = StringField(
        _l("Catatan (tidak wajib)"),
        validators=[Optional(), Length(max=sales.NOTE_MAX,
                                       message=_l("Catatan paling banyak 200 karakter."))],
    )

    def __init__(self, *args, product_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.product_id.choices = [("", _l("— Tanpa produk tertentu —"))] + [
            (str(product_id), name) for product_id, name in product_choices]

    def validate_product_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Pilih produk kelompok ini."))

    def validate_quantity(self, field):
        number = to_int((field.data or "").strip().replace(".", ""))
        if number is None or not 1 <= number <= sales.QUANTITY_MAX:
            raise ValidationError(_l("Jumlah barang berupa angka bulat 1 sampai 1.000.000."))
        field.number = number


class PermitForm(FlaskForm):
    """One permit of a product; the kind travels in the form's action URL."""

    number = StringField(_l("Nomor"), validators=[Optional()],
                         render_kw={"autocomplete": "off", "maxlength": 60})
    expires_on = DayField(_l("Berlaku sampai"), _l("Tanggal tidak valid. Contoh: 31/12/2028."))
