"""Forms of the question threads: asking, replying, the officer's and the asker's steps."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from kim_app.common.params import to_int
from kim_app.common.region_fields import VillageFields
from kim_app.common.submission import SubmissionKeyMixin
from kim_app.i18n import lazy_gettext as _l
from kim_app.kim.forms import LocalDateField
from kim_app.models import RejectReason, Visibility
from kim_app.threads import services
from kim_app.threads.labels import REJECT_LABELS, VISIBILITY_LABELS, officer_label

TITLE_MIN, TITLE_MAX = 10, 150
BODY_MIN, BODY_MAX = 20, 5000
POST_MAX = 5000


class PrefixedForm(FlaskForm):
    """Several of these forms share one page: a prefix keeps their ids and names apart."""

    prefix_name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)


def _int_or_none(value):
    return to_int(value)


class AskForm(SubmissionKeyMixin, VillageFields, FlaskForm):
    title = StringField(
        _l("Judul pertanyaan"),
        validators=[DataRequired(_l("Judul wajib diisi.")),
                    Length(min=TITLE_MIN, max=TITLE_MAX,
                           message=_l("Judul %(min)d sampai %(max)d karakter.",
                                      min=TITLE_MIN, max=TITLE_MAX))],
        description=_l("Singkat dan jelas, misalnya: \u201cJalan desa berlubang di RT 03\u201d."),
        render_kw={"maxlength": TITLE_MAX, "required": True},
    )
    body = TextAreaField(
        _l("Isi pertanyaan"),
        validators=[DataRequired(_l("Isi pertanyaan wajib diisi.")),
                    Length(min=BODY_MIN, max=BODY_MAX,
                           message=_l("Isi pertanyaan %(min)d sampai %(max)d karakter.",
                                      min=BODY_MIN, max=BODY_MAX))],
        description=_l("Ceritakan apa, di mana, dan sejak kapan. Boleh memakai **tebal**, "
                       "*miring*, dan daftar dengan tanda -."),
        render_kw={"rows": 7, "maxlength": BODY_MAX, "required": True},
    )
    category = SelectField(_l("Kategori"), coerce=_int_or_none, validate_choice=False)
    visibility = RadioField(
        _l("Siapa yang dapat melihat"),
        default=Visibility.PUBLIC.value,
        validators=[InputRequired(_l("Pilih siapa yang dapat melihat pertanyaan ini."))],
    )
    photos = MultipleFileField(
        _l("Foto (tidak wajib, paling banyak 3)"),
        description=_l("JPEG, PNG, atau WebP. Lokasi GPS di foto dihapus otomatis."),
    )
    on_behalf = BooleanField(_l("Saya mengajukan pertanyaan ini untuk warga lain melalui KIM"))
    on_behalf_name = StringField(_l("Nama warga yang bertanya"),
                                 validators=[Length(max=120)])
    via_kim = SelectField(_l("Diajukan melalui KIM"), coerce=_int_or_none,
                          validate_choice=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.held = []  # photos sent before with this form (common.submission)
        self.visibility.choices = [(v.value, VISIBILITY_LABELS[v]) for v in Visibility]
        self.category.choices = [("", _l("— Pilih kategori —"))] + [
            (c.id, c.name) for c in services.active_categories()
        ]
        self.kims = services.kim_choices_for(user) if user is not None else []
        self.via_kim.choices = [(g.id, g.name) for g in self.kims]

    def validate_category(self, field):
        valid = {value for value, _label in self.category.choices if value != ""}
        if field.data not in valid:
            raise ValidationError(_l("Pilih kategori pertanyaan."))

    def validate_on_behalf_name(self, field):
        if self.on_behalf.data and len((field.data or "").strip()) < 2:
            raise ValidationError(_l("Tulis nama warga yang bertanya."))

    def validate_via_kim(self, field):
        if not self.on_behalf.data:
            return
        if not self.kims:
            raise ValidationError(
                _l("Hanya anggota aktif KIM yang dapat mengajukan pertanyaan untuk warga lain.")
            )
        if field.data not in {g.id for g in self.kims}:
            raise ValidationError(_l("Pilih KIM tempat Anda menjadi anggota aktif."))

    def validate_photos(self, field):
        if len(self.chosen_files()) + len(self.held) > services.MAX_PHOTOS:
            raise ValidationError(_l("Paling banyak %(num)d foto.", num=services.MAX_PHOTOS))

    def chosen_files(self) -> list:
        return [f for f in (self.photos.data or []) if getattr(f, "filename", "")]


class TemplateChoice:
    """An officer's answer and reply forms offer the answer templates that fit the thread
    (`threads.answer_templates`); the route sets the choices."""

    template = SelectField(_l("Templat jawaban"), validate_choice=False)


class ReplyForm(TemplateChoice, PrefixedForm):
    prefix_name = "reply"
    body = TextAreaField(
        _l("Balasan"),
        validators=[DataRequired(_l("Balasan tidak boleh kosong.")),
                    Length(max=POST_MAX, message=_l("Paling banyak %(max)d karakter.",
                                                    max=POST_MAX))],
    )


class NoteForm(PrefixedForm):
    prefix_name = "note"
    body = TextAreaField(
        _l("Catatan internal (hanya untuk petugas)"),
        validators=[DataRequired(_l("Catatan tidak boleh kosong.")),
                    Length(max=POST_MAX, message=_l("Paling banyak %(max)d karakter.",
                                                    max=POST_MAX))],
    )


class VerifyForm(PrefixedForm):
    prefix_name = "verify"
    note = StringField(_l("Catatan untuk penanya (tidak wajib)"),
                       validators=[Optional(), Length(max=500)])


class RejectForm(PrefixedForm):
    prefix_name = "reject"
    reason = RadioField(
        _l("Alasan penolakan"),
        validators=[InputRequired(_l("Pilih alasan penolakan."))],
    )
    duplicate_code = StringField(_l("Kode pertanyaan asli (untuk duplikat)"),
                                 validators=[Optional(), Length(max=20)])
    note = StringField(_l("Penjelasan untuk penanya"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [(r.value, REJECT_LABELS[r]) for r in RejectReason]

    def validate_duplicate_code(self, field):
        if self.reason.data == RejectReason.DUPLIKAT.value and not (field.data or "").strip():
            raise ValidationError(_l("Sebutkan kode pertanyaan aslinya."))


class AssignForm(PrefixedForm):
    prefix_name = "assign"
    agency = SelectField(_l("Instansi (OPD)"), coerce=_int_or_none, validate_choice=False)
    assignee = SelectField(_l("Petugas yang menangani"), coerce=_int_or_none,
                           validate_choice=False)
    note = StringField(_l("Catatan disposisi (tidak wajib)"),
                       validators=[Optional(), Length(max=500)])

    def __init__(self, *args, agencies=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = [("", _l("— Pilih instansi —"))] + [
            (a.id, a.short_name or a.name) for a in agencies
        ]
        by_id = {agency.id: agency for agency in agencies}
        self.assignee.choices = [("", _l("— Belum ditentukan —"))] + [
            (u.id, officer_label(u, by_id)) for u in officers
        ]

    def validate_agency(self, field):
        if field.data not in {value for value, _label in self.agency.choices if value != ""}:
            raise ValidationError(_l("Pilih instansi (OPD) yang menangani."))

    def validate_assignee(self, field):
        if field.data is not None and field.data not in {
            value for value, _label in self.assignee.choices if value != ""
        }:
            raise ValidationError(_l("Petugas yang dipilih tidak ditemukan."))


class AnswerForm(TemplateChoice, PrefixedForm):
    prefix_name = "answer"
    body = TextAreaField(
        _l("Jawaban resmi"),
        validators=[DataRequired(_l("Tulis jawaban resminya.")),
                    Length(max=POST_MAX, message=_l("Paling banyak %(max)d karakter.",
                                                    max=POST_MAX))],
    )
    photos = MultipleFileField(
        _l("Foto (tidak wajib, paling banyak 3)"),
        description=_l("JPEG, PNG, atau WebP. Lokasi GPS di foto dihapus otomatis."),
    )
    document = FileField(_l("Lampiran PDF (tidak wajib)"),
                         description=_l("Misalnya surat edaran atau jadwal, dalam PDF."))

    def validate_photos(self, field):
        if len(self.chosen_photos()) > services.MAX_PHOTOS:
            raise ValidationError(_l("Paling banyak %(num)d foto.", num=services.MAX_PHOTOS))

    def chosen_photos(self) -> list:
        return [f for f in (self.photos.data or []) if getattr(f, "filename", "")]

    def chosen_document(self):
        upload = self.document.data
        return upload if getattr(upload, "filename", "") else None


class MergeForm(PrefixedForm):
    prefix_name = "merge"
    original = StringField(_l("Kode pertanyaan asli"),
                           validators=[DataRequired(_l("Sebutkan kode pertanyaan aslinya.")),
                                       Length(max=20)])
    note = StringField(_l("Penjelasan (tidak wajib)"), validators=[Optional(), Length(max=500)])


class PassBackForm(PrefixedForm):
    prefix_name = "passback"
    passed_on = LocalDateField(_l("Tanggal disampaikan"),
                          validators=[InputRequired(_l("Isi tanggal jawaban disampaikan."))])
    note = StringField(
        _l("Bagaimana jawaban disampaikan"),
        validators=[DataRequired(_l("Tulis singkat bagaimana jawaban disampaikan.")),
                    Length(max=500, message=_l("Paling banyak %(max)d karakter.", max=500))],
        description=_l("Misalnya: dibacakan saat berkunjung ke rumah beliau."),
    )


class RatingChoices:
    """Ratings 5 (best) to 1; set on the instance (WTForms 3.3 warns on class-level tuples)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = [(str(n), str(n)) for n in range(5, 0, -1)]


class CloseForm(RatingChoices, PrefixedForm):
    prefix_name = "close"
    rating = RadioField(_l("Nilai jawaban (1 = buruk, 5 = sangat baik)"),
                        validators=[Optional()])
    comment = StringField(_l("Komentar (tidak wajib)"), validators=[Optional(), Length(max=500)])


class RateForm(RatingChoices, PrefixedForm):
    prefix_name = "rate"
    rating = RadioField(_l("Nilai jawaban (1 = buruk, 5 = sangat baik)"),
                        validators=[InputRequired(_l("Pilih nilai 1 sampai 5."))])
    comment = StringField(_l("Komentar (tidak wajib)"), validators=[Optional(), Length(max=500)])


class ReopenForm(PrefixedForm):
    prefix_name = "reopen"
    reason = TextAreaField(
        _l("Mengapa dibuka kembali?"),
        validators=[DataRequired(_l("Tuliskan alasan membuka kembali.")),
                    Length(max=500, message=_l("Paling banyak %(max)d karakter.", max=500))],
    )

