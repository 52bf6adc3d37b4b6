"""Forms for publishing and relaying announcements. Every message goes through Flask-Babel."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from kim_app.common.submission import SubmissionKeyMixin
from kim_app.i18n import lazy_gettext as _l
from kim_app.info.services import NOTE_MAX
from kim_app.kim.forms import LocalDateField
from kim_app.models import Audience, NoteLanguage, Venue


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        """Unknown choices are reported by the service with a clear message."""


class AnnouncementText:
    """Title and text, as published and as corrected."""

    title = StringField(
        _l("Judul"),
        validators=[DataRequired(_l("Judul wajib diisi.")),
                    Length(min=5, max=150, message=_l("Judul 5 sampai 150 karakter."))],
    )
    body = TextAreaField(
        _l("Isi pengumuman"),
        validators=[DataRequired(_l("Isi pengumuman wajib diisi.")),
                    Length(min=10, max=10000, message=_l("Isi 10 sampai 10.000 karakter."))],
        description=_l("Boleh memakai markdown: **tebal**, *miring*, daftar dengan tanda -, "
                       "dan tautan."),
    )
    expires_on = DateField(
        _l("Berlaku sampai (tidak wajib)"), validators=[Optional()],
        description=_l("Setelah tanggal ini pengumuman tidak tampil lagi di daftar."),
    )


class AnnouncementForm(AnnouncementText, SubmissionKeyMixin, FlaskForm):
    # The question thread whose answer is promoted (its tracking code), if any.
    source = HiddenField()
    audience = RadioField(
        _l("Ditujukan untuk"),
        choices=[
            SelectChoice(Audience.KABUPATEN.value, _l("Seluruh kabupaten")),
            SelectChoice(Audience.KECAMATAN.value, _l("Kecamatan tertentu")),
            SelectChoice(Audience.KIM.value, _l("KIM tertentu")),
        ],
        default=Audience.KABUPATEN.value,
        validators=[DataRequired(_l("Pilih untuk siapa pengumuman ini."))],
    )
    districts = CheckboxList(_l("Kecamatan"), coerce=str)
    groups = CheckboxList(_l("KIM"), coerce=int)
    kim = SelectField(_l("KIM Anda"), coerce=int, validate_choice=False)
    photo = FileField(_l("Foto (tidak wajib)"),
                      description=_l("JPEG, PNG, atau WebP."))
    document = FileField(_l("Lampiran PDF (tidak wajib)"),
                         description=_l("Misalnya surat edaran atau jadwal, dalam PDF."))


class RelayForm(FlaskForm):
    group = SelectField(_l("Teruskan ke anggota KIM"), coerce=int, validate_choice=False)
    note = TextAreaField(
        _l("Catatan setempat (tidak wajib)"),
        validators=[Length(max=NOTE_MAX, message=_l("Catatan paling banyak %(max)d karakter.",
                                                    max=NOTE_MAX))],
        description=_l("Misalnya tempat dan jam di desa Anda."),
    )
    note_lang = RadioField(
        _l("Bahasa catatan"),
        choices=[SelectChoice(NoteLanguage.INDONESIA.value, _l("Bahasa Indonesia")),
                 SelectChoice(NoteLanguage.JAWA.value, _l("Bahasa Jawa"))],
        default=NoteLanguage.INDONESIA.value,
        validators=[DataRequired(_l("Pilih bahasa catatan."))],
    )


class EditForm(AnnouncementText, FlaskForm):
    pass


class WithdrawForm(FlaskForm):
    """Shares its page with the edit form: a prefix keeps their ids apart."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "withdraw")
        super().__init__(*args, **kwargs)

    reason = TextAreaField(
        _l("Alasan penarikan"),
        validators=[DataRequired(_l("Tulis alasan penarikan.")),
                    Length(max=500, message=_l("Alasan paling banyak %(max)d karakter.",
                                               max=500))],
        description=_l("Ditampilkan di halaman pengumuman dan dikirim kepada yang sudah "
                       "diberi tahu."),
    )


class WholeNumberField(IntegerField):
    """A whole number whose parse error is translated like every other message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Tulis angka saja, misalnya 25.")) from None


class DisseminationForm(FlaskForm):
    group = SelectField(_l("KIM"), coerce=int, validate_choice=False)
    held_on = LocalDateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggalnya."))])
    venue = RadioField(
        _l("Di mana disampaikan"), validate_choice=False,
        validators=[InputRequired(_l("Pilih tempat penyampaian."))],
    )
    people = WholeNumberField(
        _l("Kira-kira berapa orang"),
        validators=[InputRequired(_l("Isi perkiraan jumlah orang.")),
                    NumberRange(min=1, max=100_000, message=_l("Jumlah orang 1 sampai 100.000."))],
    )
    note = StringField(_l("Catatan (tidak wajib)"), validators=[Optional(), Length(max=500)])
    photo = FileField(_l("Foto kegiatan (tidak wajib)"), description=_l("JPEG, PNG, atau WebP."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from kim_app.info.dissemination import VENUE_LABELS

        self.venue.choices = [(v.value, VENUE_LABELS[v]) for v in Venue]

    def validate_venue(self, field):
        if field.data not in {v.value for v in Venue}:
            raise ValidationError(_l("Pilih tempat penyampaian."))
