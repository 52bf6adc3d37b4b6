"""What product categories and availabilities are called, in the reader's language."""

from flask_babel import gettext as _

from kim_app.models import Availability, ProductCategory


def category_label(category: ProductCategory | str) -> str:
    labels = {
        ProductCategory.MAKANAN: _("Makanan"),
        ProductCategory.MINUMAN: _("Minuman"),
        ProductCategory.BATIK: _("Batik dan pakaian"),
        ProductCategory.KERAJINAN: _("Kerajinan"),
        ProductCategory.PERTANIAN: _("Hasil pertanian"),
        ProductCategory.PETERNAKAN: _("Peternakan"),
        ProductCategory.PERIKANAN: _("Perikanan"),
        ProductCategory.JASA: _("Jasa"),
        ProductCategory.LAINNYA: _("Lainnya"),
    }
    return labels.get(ProductCategory(category), str(category))


def availability_label(availability: Availability | str) -> str:
    labels = {
        Availability.TERSEDIA: _("Tersedia"),
        Availability.HABIS: _("Habis"),
        Availability.PRE_ORDER: _("Pre-order"),
    }
    return labels.get(Availability(availability), str(availability))


def category_choices() -> list[tuple[str, str]]:
    return [(c.value, category_label(c)) for c in ProductCategory]


def availability_choices() -> list[tuple[str, str]]:
    return [(a.value, availability_label(a)) for a in Availability]
