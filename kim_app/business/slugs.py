"""Slugs of business groups and products: made once from the name and never changed, so
shared links keep working. A group slug is unique everywhere, a product slug within its
group; neither may be a word the URLs under `/usaha/` already use."""

from kim_app.common.unique import free_slug, slugify
from kim_app.models import BusinessGroup, Product

# Second path segments under /usaha/<group>/ that are pages, not products.
RESERVED_PRODUCT_SLUGS = {"kelola", "ubah", "gabung", "pengelola", "permintaan", "produk",
                          "anggota", "hapus", "foto",
                          "penjualan", "izin", "pesan"}
RESERVED_GROUP_SLUGS = {"baru", "static", "media"}

__all__ = ["group_slug_for", "product_slug_for", "slugify"]


def group_slug_for(name: str) -> str:
    return free_slug(BusinessGroup.slug, slugify(name) or "usaha",
                     reserved=RESERVED_GROUP_SLUGS)


def product_slug_for(group: BusinessGroup, name: str) -> str:
    return free_slug(Product.slug, slugify(name) or "produk",
                     Product.business_group_id == group.id, reserved=RESERVED_PRODUCT_SLUGS)
