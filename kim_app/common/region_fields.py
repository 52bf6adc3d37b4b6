"""The kecamatan → desa/kelurahan pair of a form, checked against the official regions.

Every form that asks where something is (where a person lives, where a KIM is, what a
question is about) uses `VillageFields`, drawn by `templates/_region_fields.html`. Choosing a
kecamatan fetches its villages (`auth.village_options`, htmx); without JavaScript a button
sends the form back only to list them (`choosing_district`); that step keeps everything
typed, passwords too (a password field normally comes back empty).
"""

from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import ValidationError
from wtforms.widgets import PasswordInput

from kim_app.i18n import lazy_gettext as _l
from kim_app.regions import district_choices, village_choices, village_in_district


class VillageFields:
    """Mixin for a FlaskForm. A form says in its own words what is missing by overriding
    `district_missing` and `village_missing`."""

    district = SelectField(_l("Kecamatan"), validate_choice=False)
    village = SelectField(_l("Desa/kelurahan"), validate_choice=False)
    district_missing = _l("Pilih kecamatan.")
    village_missing = _l("Pilih desa/kelurahan.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [("", _l("— Pilih kecamatan —"))] + district_choices()
        self._list_villages()
        if self.choosing_district:
            for each in self:
                if isinstance(each.widget, PasswordInput):
                    each.widget = PasswordInput(hide_value=False)

    def _list_villages(self) -> None:
        self.village.choices = [("", _l("— Pilih desa/kelurahan —"))] + village_choices(
            self.district.data
        )

    def preselect(self, village) -> None:
        """Start from this village (a `Village`), e.g. where the person lives."""
        self.district.data = village.district_code
        self._list_villages()
        self.village.data = village.code

    @property
    def choosing_district(self) -> bool:
        """Sent back by the no-JavaScript button: show the kecamatan's villages, save nothing."""
        return self.is_submitted() and "choose_district" in request.form

    def validate_district(self, field):
        if not field.data or field.data not in {code for code, _name in self.district.choices}:
            raise ValidationError(self.district_missing)

    def validate_village(self, field):
        if not field.data:
            raise ValidationError(self.village_missing)
        if not village_in_district(field.data, self.district.data):
            raise ValidationError(_l("Desa/kelurahan ini tidak ada di kecamatan yang dipilih."))


class VillageForm(VillageFields, FlaskForm):
    """The pair alone, for the village list of one kecamatan (no token: it changes nothing)."""

    class Meta:
        csrf = False
