"""Sales a business group's managers record: what they sold, when, for how much.

- A sale has a date (in Pati; not in the future, at most `SALE_PAST_DAYS` back), a
  quantity (1 to `QUANTITY_MAX`), the amount received in whole rupiah (`AMOUNT_MIN` to
  `AMOUNT_MAX`), an optional note, and optionally one of the group's products.
- Who records and corrects: `BusinessAuthority.records_sales` (the group's managers). A
  sale may be corrected or deleted for `SALE_EDIT_DAYS` days after it was recorded; after
  that it is the group's history and stays as it is.
- The monthly figures built from sales are `stats.business`.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kim_app.business.errors import BusinessError
from kim_app.business.products import rupiah_typed
from kim_app.common.audit import record
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import BusinessGroup, Product, Sale, User, utcnow
from kim_app.templating import rupiah

SALE_EDIT_DAYS = 7
SALE_PAST_DAYS = 366
QUANTITY_MAX = 1_000_000
AMOUNT_MIN = 100
AMOUNT_MAX = 1_000_000_000
NOTE_MAX = 200
SALES_SHOWN = 100


def parse_amount(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text:
        raise BusinessError(_l("Jumlah uang wajib diisi."))
    typed = rupiah_typed(text)
    if typed is None:
        raise BusinessError(_l("Jumlah uang harus berupa rupiah bulat, misalnya 150000."))
    value, negative = typed
    if negative or value < AMOUNT_MIN:
        raise BusinessError(_l("Jumlah uang paling sedikit %(min)s.", min=rupiah(AMOUNT_MIN)))
    if value > AMOUNT_MAX:
        raise BusinessError(_l("Jumlah uang paling banyak %(max)s.", max=rupiah(AMOUNT_MAX)))
    return value


def check_sold_on(day: date | None, today: date) -> date:
    if day is None:
        raise BusinessError(_l("Tanggal penjualan wajib diisi."))
    if day > today:
        raise BusinessError(_l("Tanggal penjualan tidak boleh di masa depan."))
    if day < today - timedelta(days=SALE_PAST_DAYS):
        raise BusinessError(_l("Penjualan lebih dari setahun yang lalu tidak bisa dicatat."))
    return day


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def editable_until(sale: Sale) -> datetime:
    return _aware(sale.created_at) + timedelta(days=SALE_EDIT_DAYS)


def is_editable(sale: Sale, now: datetime | None = None) -> bool:
    return (now or utcnow()) <= editable_until(sale)


def group_sales(group: BusinessGroup, limit: int = SALES_SHOWN) -> list[Sale]:
    """The newest sales first (by date sold, then by when recorded), capped."""
    return list(db.session.scalars(
        select(Sale).options(selectinload(Sale.product))
        .where(Sale.business_group_id == group.id)
        .order_by(Sale.sold_on.desc(), Sale.id.desc()).limit(limit)
    ))


def get_sale(group: BusinessGroup, sale_id: int) -> Sale | None:
    sale = db.session.get(Sale, sale_id)
    return sale if sale is not None and sale.business_group_id == group.id else None


def product_of(group: BusinessGroup, product_id: int | None) -> Product | None:
    if product_id is None:
        return None
    product = db.session.get(Product, product_id)
    if product is None or product.business_group_id != group.id:
        raise BusinessError(_l("Pilih produk kelompok ini."))
    return product


def record_sale(actor: User, group: BusinessGroup, *, sold_on: date, quantity: int,
                amount: int, note: str = "", product: Product | None = None) -> Sale:
    sale = Sale(business_group_id=group.id, product_id=product.id if product else None,
                sold_on=check_sold_on(sold_on, local_date(utcnow())), quantity=quantity,
                amount=amount, note=(note or "").strip()[:NOTE_MAX], recorded_by_id=actor.id)
    db.session.add(sale)
    db.session.flush()
    record(actor, "sale.create", "sale", sale.id, kim_group_id=group.kim_group_id,
           amount=amount, quantity=quantity)
    return sale


def _require_editable(sale: Sale) -> None:
    if not is_editable(sale):
        raise BusinessError(_l("Penjualan hanya bisa diubah atau dihapus dalam %(days)d hari "
                               "setelah dicatat.", days=SALE_EDIT_DAYS))


def update_sale(actor: User, sale: Sale, *, sold_on: date, quantity: int, amount: int,
                note: str = "", product: Product | None = None) -> None:
    _require_editable(sale)
    sale.sold_on = check_sold_on(sold_on, local_date(utcnow()))
    sale.quantity = quantity
    sale.amount = amount
    sale.note = (note or "").strip()[:NOTE_MAX]
    sale.product_id = product.id if product else None
    sale.updated_at = utcnow()
    record(actor, "sale.update", "sale", sale.id,
           kim_group_id=sale.business_group.kim_group_id, amount=amount, quantity=quantity)


def delete_sale(actor: User, sale: Sale) -> None:
    _require_editable(sale)
    record(actor, "sale.delete", "sale", sale.id,
           kim_group_id=sale.business_group.kim_group_id, amount=sale.amount)
    db.session.delete(sale)
