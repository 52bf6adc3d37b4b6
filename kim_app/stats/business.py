"""What the KIM business groups do, per month: products listed, order clicks, sales
recorded and their total in rupiah. Computed in the database (GROUP BY), one query for a
scope and a grouping whatever the amount of data.

Definitions (the pages say them in words too):

- *products listed* in a month: published products created by the end of that month (the
  catalog as it stands: a product hidden or deleted since is not counted). For a KIM or a
  sector over a period: its published products now.
- *order clicks*: presses of "Pesan via WhatsApp", at most one per browser, product and
  day, bots left out (`business.orders`).
- *sales* and *rupiah*: the sales the groups' managers recorded, by the date sold, and the
  sum of their amounts.

Only business groups of active KIMs count, as in the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import format_date
from sqlalchemy import Integer, case, cast, func, literal, null, select, union_all

from kim_app.business.labels import category_label
from kim_app.common.workdays import JAKARTA, local_date
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import (
    BusinessGroup,
    KimGroup,
    KimStatus,
    OrderClickDay,
    Product,
    ProductCategory,
    Sale,
    Village,
    utcnow,
)
from kim_app.stats import charts
from kim_app.stats.sql import month_of
from kim_app.templating import date_filter, rupiah

TREND_MONTHS = 12


# The month key of the products listed before the first month shown (they count in it).
EARLIER = "earlier"


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def listed_month(moment, first: date, last: date):
    """`YYYY-MM` in Pati of a stored UTC `moment`, for the months from `first`'s to
    `last`'s; earlier moments are `EARLIER`, later ones NULL. The moment is compared with
    each month's first midnight in Pati, worked out here as UTC: a range test per row
    instead of a time-zone conversion of every product."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [month_start(first, -index) for index in range(count + 1)]
    starts = [datetime.combine(month, time(), JAKARTA).astimezone(UTC) for month in months]
    return case((moment < starts[0], literal(EARLIER)),
                *((moment < start, literal(f"{month:%Y-%m}"))
                  for month, start in zip(months[:-1], starts[1:], strict=True)))


@dataclass(frozen=True)
class Scope:
    """Which groups count: one business group, one KIM, one kecamatan, or all."""

    business_group_id: int | None = None
    kim_group_id: int | None = None
    kecamatan: str | None = None

    def where(self) -> list:
        conditions = [KimGroup.status == KimStatus.AKTIF]
        if self.business_group_id is not None:
            conditions.append(BusinessGroup.id == self.business_group_id)
        if self.kim_group_id is not None:
            conditions.append(BusinessGroup.kim_group_id == self.kim_group_id)
        if self.kecamatan:
            conditions.append(Village.district_code == self.kecamatan)
        return conditions


@dataclass
class Totals:
    key: object = None
    label: str = ""
    products: int = 0
    clicks: int = 0
    sales: int = 0
    amount: int = 0


@dataclass
class Month:
    month: date
    totals: Totals = field(default_factory=Totals)


def _in_scope(group_column, scope: Scope):
    """The measure's business group is one that counts (`scope`)."""
    groups = select(BusinessGroup.id).join(KimGroup, KimGroup.id == BusinessGroup.kim_group_id)
    if scope.kecamatan:
        groups = groups.join(Village, Village.code == KimGroup.village_code)
    return group_column.in_(groups.where(*scope.where()))


# The GROUP BY columns of each grouping: the business group's own, and the month.
_GROUP_KEYS = {
    "month": (),
    "kim": ("kim_group_id",),
    "sector": ("sector",),
    "kim_sector": ("kim_group_id", "sector"),
    "kim_month": ("kim_group_id",),
    "sector_month": ("sector",),
}


# The measures of `_measured`, and how many values each has per key.
_MEASURES = (("products", 1), ("clicks", 1), ("sold", 2))
_VALUES = 2


def _grouped(kind: str, by: str, scope: Scope, group_column, moment, sums: list, *where):
    """SELECT `kind`, the key of `by`, the `sums` of a measure's rows (padded to `_VALUES`
    columns, for the union of `_measured`), over the business groups of `scope`.

    For a KIM or sector the rows are added up per business group (and month) first, and
    only those sums are joined to their business group, where the scope is applied and
    the KIM or sector read: a few thousand rows instead of every product or click.
    `moment` is the measure's month expression."""
    month = [moment.label("month")] if by.endswith("month") else []
    padding = [cast(null(), Integer)] * (_VALUES - len(sums))
    owned = _GROUP_KEYS[by]
    if not owned:
        return (select(literal(kind), *month, *sums, *padding)
                .where(_in_scope(group_column, scope), *where).group_by(*month))
    per_group = (select(group_column.label("group_id"), *month,
                        *(column.label(f"sum_{index}") for index, column in enumerate(sums)))
                 .where(*where).group_by(group_column, *month).subquery("per_group"))
    keys = [getattr(BusinessGroup, name) for name in owned]
    if month:
        keys.append(per_group.c.month)
    stmt = (select(literal(kind), *keys,
                   *(func.sum(per_group.c[f"sum_{index}"]) for index in range(len(sums))),
                   *padding)
            .join(BusinessGroup, BusinessGroup.id == per_group.c.group_id)
            .join(KimGroup, KimGroup.id == BusinessGroup.kim_group_id))
    if scope.kecamatan:
        stmt = stmt.join(Village, Village.code == KimGroup.village_code)
    return stmt.where(*scope.where()).group_by(*keys)


def _measured(scope: Scope, by: str, since: date | None, until: date | None):
    """{key: [products]}, {key: [clicks]}, {key: [sales, amount]}: one query. A grouping
    by month needs `since` and `until`: products are counted per month from `since`'s to
    `until`'s, those listed before in `EARLIER`."""
    product_month = (listed_month(Product.created_at, since, until) if by.endswith("month")
                     else None)
    period = []
    if since is not None:
        period.append((OrderClickDay.day >= since, Sale.sold_on >= since))
    if until is not None:
        period.append((OrderClickDay.day <= until, Sale.sold_on <= until))
    measures = union_all(
        _grouped("products", by, scope, Product.business_group_id, product_month,
                 [func.count()], Product.published.is_(True), Product.hidden_at.is_(None)),
        _grouped("clicks", by, scope, OrderClickDay.business_group_id,
                 month_of(OrderClickDay.day),
                 [func.coalesce(func.sum(OrderClickDay.clicks), 0)],
                 *(click for click, _sale in period)),
        _grouped("sold", by, scope, Sale.business_group_id, month_of(Sale.sold_on),
                 [func.count(Sale.id), func.coalesce(func.sum(Sale.amount), 0)],
                 *(sale for _click, sale in period)))
    width = len(_GROUP_KEYS[by]) + by.endswith("month")
    tables: dict[str, dict] = {kind: {} for kind, _count in _MEASURES}
    counts = dict(_MEASURES)
    for row in db.session.execute(measures).all():
        kind, key = row[0], tuple(row[1:width + 1])
        tables[kind][key[0] if width == 1 else key] = list(
            row[width + 1:width + 1 + counts[kind]])
    return tables["products"], tables["clicks"], tables["sold"]


def _total(key, label, products, clicks, sold) -> Totals:
    sales, amount = sold.get(key, (0, 0))
    return Totals(key=key, label=label, products=int(products.get(key, [0])[0]),
                  clicks=int(clicks.get(key, [0])[0]), sales=int(sales), amount=int(amount))


def months(scope: Scope, today: date, count: int = TREND_MONTHS) -> list[Month]:
    """The last `count` months (this one included), empty months as zeros. Products
    listed accumulate: those created before the window count in its first month."""
    first = month_start(today, count - 1)
    products, clicks, sold = _measured(scope, "month", first, today)
    keys = [f"{month_start(today, back):%Y-%m}" for back in range(count - 1, -1, -1)]
    listed = int(products.get(EARLIER, [0])[0])
    result = []
    for key in keys:
        listed += int(products.get(key, [0])[0])
        item = _total(key, key, {}, clicks, sold)
        item.products = listed
        result.append(Month(date.fromisoformat(key + "-01"), item))
    return result


def _largest_first(items: list[Totals]) -> list[Totals]:
    return sorted(items, key=lambda item: (-item.amount, -item.clicks, -item.products,
                                           item.label))


def breakdown(scope: Scope, by: str, since: date | None, today: date,
              labels: dict) -> list[Totals]:
    """Totals per KIM (`by="kim"`) or per sector (`"sector"`) over the period; `labels`
    names the keys (every KIM or sector to list, even with nothing to count). Largest
    rupiah total first."""
    products, clicks, sold = _measured(scope, by, since, today)
    return _largest_first([_total(key, label, products, clicks, sold)
                           for key, label in labels.items()])


def breakdowns(scope: Scope, since: date | None, today: date,
               kim_labels: dict) -> tuple[list[Totals], list[Totals]]:
    """Both breakdowns from the same query (grouped by KIM and sector together,
    a row per KIM and sector it has, added up here)."""
    products, clicks, sold = _measured(scope, "kim_sector", since, today)
    per_kim = {key: Totals(key=key, label=label) for key, label in kim_labels.items()}
    per_sector = {sector: Totals(key=sector, label=sector.value) for sector in ProductCategory}

    def owners(key) -> list[Totals]:
        kim_id, sector = key
        return [item for item in (per_kim.get(kim_id), per_sector.get(sector))
                if item is not None]

    for key, (count,) in products.items():
        for item in owners(key):
            item.products += int(count)
    for key, (count,) in clicks.items():
        for item in owners(key):
            item.clicks += int(count)
    for key, (count, amount) in sold.items():
        for item in owners(key):
            item.sales += int(count)
            item.amount += int(amount)
    return _largest_first(list(per_kim.values())), _largest_first(list(per_sector.values()))


def monthly_breakdown(scope: Scope, by: str, today: date,
                      count: int = TREND_MONTHS) -> dict[object, list[Totals]]:
    """Per KIM or sector (`by` = "kim_month" / "sector_month"), the last `count` months,
    for the officers' CSV: {key: [Totals per month]}, keys with something only."""
    first = month_start(today, count - 1)
    products, clicks, sold = _measured(scope, by, first, today)
    keys = [f"{month_start(today, back):%Y-%m}" for back in range(count - 1, -1, -1)]
    owners = {key[0] for table in (products, clicks, sold) for key in table}
    before: dict = defaultdict(int)
    for (owner, month), (n,) in products.items():
        if month == EARLIER:
            before[owner] += int(n)
    result = {}
    for owner in owners:
        listed = before[owner]
        rows = []
        for month in keys:
            listed += int(products.get((owner, month), [0])[0])
            item = _total((owner, month), month, {}, clicks, sold)
            item.products = listed
            rows.append(item)
        result[owner] = rows
    return result


def table(items: list[Totals]) -> dict:
    """A table of totals as the templates show it (`figure_rows`): (label, totals) rows,
    and their sum."""
    return {"rows": [(item.label, item) for item in items],
            "total": Totals(products=sum(item.products for item in items),
                            clicks=sum(item.clicks for item in items),
                            sales=sum(item.sales for item in items),
                            amount=sum(item.amount for item in items))}


def month_charts(items: list[Month]) -> dict:
    """What the monthly section draws: order clicks as columns, rupiah as a line, and the
    table's rows (the month as the reader says it)."""
    labels = [format_date(item.month, "MMM") for item in items]
    return {
        "months": items,
        "rows": [(date_filter(item.month, "MMMM yyyy"), item.totals) for item in items],
        "clicks": charts.columns([(label, item.totals.clicks, item.totals.clicks)
                                  for label, item in zip(labels, items, strict=True)]),
        "amount": charts.line([(label, item.totals.amount, rupiah(item.totals.amount))
                               for label, item in zip(labels, items, strict=True)]),
    }


def _today() -> date:
    return local_date(utcnow())


def group_figures(group: BusinessGroup) -> dict:
    """A business group's last 12 months, as the monthly section draws them."""
    return month_charts(months(Scope(business_group_id=group.id), _today()))


def kim_figures(kim_group: KimGroup) -> dict:
    """A KIM's business groups together, the last 12 months (the KIM page)."""
    return month_charts(months(Scope(kim_group_id=kim_group.id), _today()))


def active_kims(kecamatan: str | None = None) -> dict[int, str]:
    """Active KIM groups (of a kecamatan), id → name, by name: one query."""
    stmt = select(KimGroup.id, KimGroup.name).where(KimGroup.status == KimStatus.AKTIF)
    if kecamatan:
        stmt = stmt.join(Village, Village.code == KimGroup.village_code).where(
            Village.district_code == kecamatan)
    return {kim_id: name for kim_id, name in db.session.execute(stmt.order_by(KimGroup.name))}


@dataclass
class PublicBusiness:
    """The business part of `/statistik`, computed (and cached) together: 3 queries.
    Sector labels are the sector values; pages name them in the reader's language."""

    months: list[Month]
    kims: list[Totals]
    sectors: list[Totals]
    computed_at: str = ""  # ISO time: what was rendered from these figures is keyed by it


def public_business(kecamatan: str | None, since: date | None, today: date) -> PublicBusiness:
    scope = Scope(kecamatan=kecamatan)
    kims, sectors = breakdowns(scope, since, today, active_kims(kecamatan))
    return PublicBusiness(months=months(scope, today), kims=kims, sectors=sectors,
                          computed_at=utcnow().isoformat())


def csv_header() -> list[str]:
    return [_("Bagian"), _("Nama"), _("Bulan"), _("Produk tampil"), _("Klik pesan"),
            _("Penjualan"), _("Total (Rp)")]


def csv_rows(kecamatan: str | None, today: date):
    """Every month of the last 12: all KIMs together, then each KIM, then each sector
    (those with something to count). 4 queries."""
    scope = Scope(kecamatan=kecamatan)

    def rows(section: str, name: str, items: list[Totals]):
        for item in items:
            yield [section, name, item.label, *_numbers(item)]

    for month in months(scope, today):
        yield [_("Semua"), _("Semua KIM"), f"{month.month:%Y-%m}", *_numbers(month.totals)]
    kims = active_kims(kecamatan)
    per_kim = monthly_breakdown(scope, "kim_month", today)
    for kim_id, name in kims.items():
        if kim_id in per_kim:
            yield from rows(_("KIM"), name, per_kim[kim_id])
    per_sector = monthly_breakdown(scope, "sector_month", today)
    for sector in ProductCategory:
        if sector in per_sector:
            yield from rows(_("Bidang usaha"), category_label(sector), per_sector[sector])


def _numbers(item: Totals) -> list[int]:
    return [item.products, item.clicks, item.sales, item.amount]


def encode_public(data: PublicBusiness) -> dict:
    """`PublicBusiness` as JSON for the shared cache (`stats.services.public_cache`)."""
    def totals(item: Totals) -> dict:
        return {"key": item.key, "label": item.label, "products": item.products,
                "clicks": item.clicks, "sales": item.sales, "amount": item.amount}

    return {"months": [{"month": m.month.isoformat(), "totals": totals(m.totals)}
                       for m in data.months],
            "kims": [totals(item) for item in data.kims],
            "sectors": [totals(item) for item in data.sectors],
            "computed_at": data.computed_at}


def decode_public(data: dict) -> PublicBusiness:
    sectors = [Totals(**item) for item in data["sectors"]]
    for item in sectors:
        item.key = ProductCategory(item.key)
    return PublicBusiness(
        months=[Month(date.fromisoformat(m["month"]), Totals(**m["totals"]))
                for m in data["months"]],
        kims=[Totals(**item) for item in data["kims"]], sectors=sectors,
        computed_at=data.get("computed_at", ""))
