"""A product's photos: at most `PRODUCT_MAX_PHOTOS`, in order, the first is the cover.
Removing a photo deletes its files once the transaction commits."""

from flask import current_app

from kim_app.business.errors import BusinessError
from kim_app.common.uploads import delete_photo, store_photo
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import Product, ProductPhoto, User

PHOTO_MOVES = ("sampul", "naik", "turun")


def chosen(files) -> list:
    """The file inputs a person actually filled in."""
    return [f for f in files if f and f.filename]


def store(files, actor: User) -> list:
    widths = current_app.config["PRODUCT_PHOTO_WIDTHS"]
    return [store_photo(file, actor, widths=widths) for file in files]


def add_photos(actor: User, product: Product, files) -> int:
    files = chosen(files)
    if not files:
        raise BusinessError(_l("Pilih foto yang akan diunggah."))
    room = current_app.config["PRODUCT_MAX_PHOTOS"] - len(product.photos)
    if len(files) > room:
        raise BusinessError(_l("Produk ini hanya bisa menambah %(n)d foto lagi (maksimal "
                               "%(max)d).", n=max(room, 0),
                               max=current_app.config["PRODUCT_MAX_PHOTOS"]))
    start = max((item.position for item in product.photos), default=-1) + 1
    for offset, photo in enumerate(store(files, actor)):
        product.photos.append(ProductPhoto(photo=photo, position=start + offset))
    return len(files)


def photo_of(product: Product, item_id: int) -> ProductPhoto | None:
    return next((item for item in product.photos if item.id == item_id), None)


def _renumber(items: list[ProductPhoto]) -> None:
    for position, item in enumerate(items):
        item.position = position


def remove_photo(product: Product, item: ProductPhoto) -> None:
    items = [other for other in product.photos if other is not item]
    product.photos.remove(item)
    db.session.flush()
    delete_photo(item.photo)
    _renumber(items)


def move_photo(product: Product, item: ProductPhoto, where: str) -> None:
    """`where`: "sampul" (make it the cover), "naik" or "turun" (one place)."""
    items = list(product.photos)
    index = items.index(item)
    items.pop(index)
    if where == "sampul":
        items.insert(0, item)
    elif where == "naik":
        items.insert(max(index - 1, 0), item)
    else:
        items.insert(min(index + 1, len(items)), item)
    _renumber(items)
    product.photos.sort(key=lambda other: other.position)
