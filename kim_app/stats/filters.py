"""The period and kecamatan filter of the statistics: the public page and the officers'
dashboard read it the same way and show the same filter form
(`templates/stats/_filter_form.html`)."""

from datetime import date

from kim_app.i18n import lazy_gettext as _l
from kim_app.regions import district_choices
from kim_app.stats import services

PERIOD_LABELS = {
    "30h": _l("30 hari terakhir"),
    "90h": _l("90 hari terakhir"),
    "12b": _l("12 bulan terakhir"),
    "semua": _l("Sepanjang waktu"),
}


def period_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in PERIOD_LABELS.items()]


def filter_context(args) -> tuple[services.StatsFilter, date, dict]:
    """The filter chosen in the query string, today in Pati, and what the filter form and
    the page heading show."""
    choices = district_choices()
    f = services.parse_filter(args, {code for code, _name in choices})
    context = {
        "f": f,
        "districts": choices,
        "periods": period_choices(),
        "period_label": str(PERIOD_LABELS[f.period]),
        "district_label": services.district_name(f.kecamatan, choices),
    }
    return f, services.local_today(), context
