"""The report form and the moderator's decision forms."""

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from kim_app.i18n import lazy_gettext as _l
from kim_app.models import ReportReason
from kim_app.moderation.reports import REASON_LABELS


class ReportForm(FlaskForm):
    reason = RadioField(_l("Alasan"), choices=[SelectChoice(r.value, label) for r, label in
                                               REASON_LABELS.items()],
                        validators=[DataRequired(_l("Pilih alasan laporan."))])
    text = TextAreaField(_l("Keterangan"), description=_l("Wajib untuk \u201cLainnya\u201d."),
                         validators=[Length(max=500, message=_l(
                             "Paling banyak %(max)d karakter.", max=500))])

    def validate_text(self, field):
        if self.reason.data == ReportReason.LAINNYA.value and not (field.data or "").strip():
            raise ValidationError(_l("Jelaskan singkat apa masalahnya."))


class DecisionForm(FlaskForm):
    """Hide, restore, dismiss or deactivate: the action comes from the address, the reason
    is always written down (the author reads it)."""

    reason = StringField(_l("Alasan"), validators=[
        DataRequired(_l("Tulis alasannya; orang yang menulis konten ini akan membacanya.")),
        Length(max=500)])


class RedactForm(DecisionForm):
    part = TextAreaField(_l("Bagian yang disunting"),
                         description=_l("Salin persis bagian yang membuka data pribadi."),
                         validators=[DataRequired(_l("Salin bagian yang akan disunting.")),
                                     Length(max=2000)])
