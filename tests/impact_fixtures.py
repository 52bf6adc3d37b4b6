"""A hand-computed fixture of business figures (tests/test_business_sales.py does the sums).

Two KIMs; KIM A has a food group (A1) and a batik group (A2), KIM B a food group (B1).
"Today" is 15 December 2026, so the 12 months run from January to December 2026.

products (published unless said)     created (UTC)            month in Pati
  p1  A1                              2026-09-30 18:00         October (01:00 WIB on 1 Oct)
  p2  A1                              2026-11-20 03:00         November
  p3  A1, unpublished                 2026-10-01 03:00         never listed
  p4  A2                              2025-06-01 03:00         before the window
  p5  B1                              2026-12-01 03:00         December
order clicks (per product and day)
  p1 2026-11-03: 2   p1 2026-12-01: 1   p2 2026-11-30: 4   p4 2026-10-15: 3
  p5 2026-12-01: 5   p1 2025-11-30: 7 (before the window)
sales (date, quantity, rupiah)
  A1 2026-11-02 3 45.000   A1 2026-11-28 1 15.000   A1 2026-12-01 2 30.000
  A2 2026-10-20 1 250.000  B1 2026-12-01 10 100.000
"""

from datetime import UTC, date, datetime

import tests.business_factories as bf
from kim_app.extensions import db
from kim_app.models import OrderClickDay, Sale

TODAY = date(2026, 12, 15)


def build() -> dict:
    kim_a = bf.kim()
    kim_b = bf.other_kim(kim_a)
    a1 = bf.business_group(kim_a, "Keripik Tempe Sumber Rejeki")
    a2 = bf.business_group(kim_a, "Batik Bakaran Juwana", whatsapp="+6281234567891",
                           sector="batik")
    b1 = bf.business_group(kim_b, "Gula Kelapa Kajen", whatsapp="+6281234567892")

    def product(group, name, created, published=True):
        item = bf.product(group, name, 15000, published=published, commit=False)
        item.created_at = created
        return item

    p1 = product(a1, "Keripik Tempe Pedas", datetime(2026, 9, 30, 18, tzinfo=UTC))
    p2 = product(a1, "Keripik Singkong", datetime(2026, 11, 20, 3, tzinfo=UTC))
    product(a1, "Keripik Rahasia", datetime(2026, 10, 1, 3, tzinfo=UTC), published=False)
    p4 = product(a2, "Batik Tulis Bakaran", datetime(2025, 6, 1, 3, tzinfo=UTC))
    p5 = product(b1, "Gula Kelapa Cetak", datetime(2026, 12, 1, 3, tzinfo=UTC))
    db.session.flush()
    for item, day, count in [(p1, date(2026, 11, 3), 2), (p1, date(2026, 12, 1), 1),
                             (p2, date(2026, 11, 30), 4), (p4, date(2026, 10, 15), 3),
                             (p5, date(2026, 12, 1), 5), (p1, date(2025, 11, 30), 7)]:
        db.session.add(OrderClickDay(business_group_id=item.business_group_id,
                                     product_id=item.id, day=day, clicks=count))
    for group, day, quantity, amount in [(a1, date(2026, 11, 2), 3, 45000),
                                         (a1, date(2026, 11, 28), 1, 15000),
                                         (a1, date(2026, 12, 1), 2, 30000),
                                         (a2, date(2026, 10, 20), 1, 250000),
                                         (b1, date(2026, 12, 1), 10, 100000)]:
        db.session.add(Sale(business_group_id=group.id, sold_on=day, quantity=quantity,
                            amount=amount))
    db.session.commit()
    return {"kim_a": kim_a, "kim_b": kim_b, "a1": a1, "a2": a2, "b1": b1}
