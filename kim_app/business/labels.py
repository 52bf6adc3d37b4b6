"""What product categories and availabilities are called, in the reader's language."""

from flask_babel import gettext as _

from kim_app.models import Availability, ProductCategory


def _category_labels() -> dict[ProductCategory, str]:
    return {
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


def _availability_labels() -> dict[Availability, str]:
    return {
        Availability.TERSEDIA: _("Tersedia"),
        Availability.HABIS: _("Habis"),
        Availability.PRE_ORDER: _("Pre-order"),
    }


def category_label(category: ProductCategory | str) -> str:
    return _category_labels().get(ProductCategory(category), str(category))


def availability_label(availability: Availability | str) -> str:
    return _availability_labels().get(Availability(availability), str(availability))


def category_choices() -> list[tuple[str, str]]:
    """Every category with its label, each translated once (the list is in the context of
    every page: a label at a time translated all nine for each)."""
    labels = _category_labels()
    return [(c.value, labels[c]) for c in ProductCategory]


def availability_choices() -> list[tuple[str, str]]:
    labels = _availability_labels()
    return [(a.value, labels[a]) for a in Availability]
