"""What product categories and availabilities are called, in the reader's language."""

from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Availability, ProductCategory

# Lazy, so that a label costs one catalogue look-up when it is shown, not one per category.
CATEGORY_LABELS = {
    ProductCategory.MAKANAN: _l("Makanan"),
    ProductCategory.MINUMAN: _l("Minuman"),
    ProductCategory.BATIK: _l("Batik dan pakaian"),
    ProductCategory.KERAJINAN: _l("Kerajinan"),
    ProductCategory.PERTANIAN: _l("Hasil pertanian"),
    ProductCategory.PETERNAKAN: _l("Peternakan"),
    ProductCategory.PERIKANAN: _l("Perikanan"),
    ProductCategory.JASA: _l("Jasa"),
    ProductCategory.LAINNYA: _l("Lainnya"),
}
AVAILABILITY_LABELS = {
    Availability.TERSEDIA: _l("Tersedia"),
    Availability.HABIS: _l("Habis"),
    Availability.PRE_ORDER: _l("Pre-order"),
}


def category_label(category: ProductCategory | str) -> str:
    label = CATEGORY_LABELS.get(ProductCategory(category))
    return str(label) if label is not None else str(category)


def availability_label(availability: Availability | str) -> str:
    label = AVAILABILITY_LABELS.get(Availability(availability))
    return str(label) if label is not None else str(availability)


def category_choices() -> list[tuple[str, str]]:
    return [(c.value, category_label(c)) for c in ProductCategory]


def availability_choices() -> list[tuple[str, str]]:
    return [(a.value, availability_label(a)) for a in Availability]
