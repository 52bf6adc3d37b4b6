"""Sales recorded by managers, and the monthly business figures (products listed, order
clicks, sales and their rupiah) on the group page, the KIM page and /statistik."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import tests.business_factories as bf
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import ProductCategory, Role, Sale
from kim_app.stats import business as figures
from tests import impact_fixtures
from tests.conftest import count_queries, field_error, login, make_user
from tests.impact_fixtures import TODAY


def month_rows(items):
    return {f"{m.month:%Y-%m}": (m.totals.products, m.totals.clicks, m.totals.sales,
                                 m.totals.amount) for m in items}


# --- the figures, against the hand-computed fixture ------------------------------------

def test_months_for_all_kims(app):
    impact_fixtures.build()
    rows = month_rows(figures.months(figures.Scope(), TODAY))
    assert list(rows)[0] == "2026-01" and list(rows)[-1] == "2026-12" and len(rows) == 12
    # p4 (2025) is listed from the first month; p1 from October (01:00 WIB on 1 October).
    assert rows["2026-01"] == rows["2026-09"] == (1, 0, 0, 0)
    assert rows["2026-10"] == (2, 3, 1, 250000)
    assert rows["2026-11"] == (3, 6, 2, 60000)
    assert rows["2026-12"] == (4, 6, 2, 130000)


def test_months_for_one_kim_and_one_group(app):
    built = impact_fixtures.build()
    kim_a = month_rows(figures.months(figures.Scope(kim_group_id=built["kim_a"].id), TODAY))
    assert kim_a["2026-10"] == (2, 3, 1, 250000)
    assert kim_a["2026-11"] == (3, 6, 2, 60000)
    assert kim_a["2026-12"] == (3, 1, 1, 30000)
    a1 = month_rows(figures.months(figures.Scope(business_group_id=built["a1"].id), TODAY))
    assert a1["2026-09"] == (0, 0, 0, 0)
    assert a1["2026-12"] == (2, 1, 1, 30000)


def test_totals_per_kim_and_per_sector(app):
    built = impact_fixtures.build()
    since = date(2026, 1, 1)
    kims = {item.key: item for item in figures.breakdown(
        figures.Scope(), "kim", since, TODAY, figures.active_kims())}
    a, b = kims[built["kim_a"].id], kims[built["kim_b"].id]
    assert (a.products, a.clicks, a.sales, a.amount) == (3, 10, 4, 340000)
    assert (b.products, b.clicks, b.sales, b.amount) == (1, 5, 1, 100000)
    others = [item for key, item in kims.items() if key not in (a.key, b.key)]
    assert others and all((o.products, o.clicks, o.sales, o.amount) == (0, 0, 0, 0)
                          for o in others)
    sectors = {item.key: item for item in figures.breakdown(
        figures.Scope(), "sector", since, TODAY, {s: s.value for s in ProductCategory})}
    food, batik = sectors[ProductCategory.MAKANAN], sectors[ProductCategory.BATIK]
    assert (food.products, food.clicks, food.sales, food.amount) == (3, 12, 4, 190000)
    assert (batik.products, batik.clicks, batik.sales, batik.amount) == (1, 3, 1, 250000)
    # The same from one grouping by KIM and sector together (the public page's way).
    both_kims, both_sectors = figures.breakdowns(figures.Scope(), since, TODAY,
                                                 figures.active_kims())
    assert {i.key: (i.products, i.clicks, i.sales, i.amount) for i in both_kims} == {
        key: (i.products, i.clicks, i.sales, i.amount) for key, i in kims.items()}
    assert {i.key: (i.products, i.clicks, i.sales, i.amount) for i in both_sectors} == {
        key: (i.products, i.clicks, i.sales, i.amount) for key, i in sectors.items()}
    # All time: the 7 clicks of November 2025 join KIM A.
    everything = {item.key: item for item in figures.breakdown(
        figures.Scope(), "kim", None, TODAY, figures.active_kims())}
    assert everything[built["kim_a"].id].clicks == 17


def test_monthly_breakdown_for_the_csv(app):
    built = impact_fixtures.build()
    per_kim = figures.monthly_breakdown(figures.Scope(), "kim_month", TODAY)
    a = {item.label: (item.products, item.clicks, item.sales, item.amount)
         for item in per_kim[built["kim_a"].id]}
    assert a["2026-01"] == (1, 0, 0, 0) and a["2026-12"] == (3, 1, 1, 30000)
    per_sector = figures.monthly_breakdown(figures.Scope(), "sector_month", TODAY)
    batik = {item.label: item.amount for item in per_sector[ProductCategory.BATIK]}
    assert batik["2026-10"] == 250000 and sum(batik.values()) == 250000


def test_figures_take_the_same_queries_whatever_the_data(app):
    def queries():
        with count_queries(db.engine) as statements:
            figures.months(figures.Scope(), TODAY)
            figures.breakdown(figures.Scope(), "kim", None, TODAY, {})
        return len(statements)

    before = queries()
    impact_fixtures.build()
    assert queries() == before == 2


# --- recording sales -----------------------------------------------------------------

@pytest.fixture
def group(app):
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    bf.product(group, "Keripik Tempe Pedas", 15000)
    return group


@pytest.fixture
def manager(group):
    user = bf.person("Bu Pengelola", group.kim_group)
    bf.appoint(user, group)
    return user


def today() -> date:
    return local_date(datetime.now(UTC))


def sale_form(**changes) -> dict:
    data = {"sold_on": today().isoformat(), "product_id": "", "quantity": "3",
            "amount": "Rp 45.000", "note": "Pesanan arisan"}
    data.update(changes)
    return data


def test_manager_records_a_sale_and_sees_it(client, group, manager):
    login(client, manager)
    response = client.post(f"/usaha/{group.slug}/penjualan", data=sale_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/usaha/{group.slug}/penjualan")
    (sale,) = db.session.scalars(select(Sale)).all()
    assert (sale.sold_on, sale.quantity, sale.amount, sale.note, sale.recorded_by_id) == (
        today(), 3, 45000, "Pesanan arisan", manager.id)
    page = client.get(f"/usaha/{group.slug}/penjualan").get_data(as_text=True)
    assert "Rp\xa045.000" in page and "Pesanan arisan" in page
    group_page = client.get(f"/usaha/{group.slug}").get_data(as_text=True)
    assert 'id="group-months-table"' in group_page and "Rp\xa045.000" in group_page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"sold_on": ""}, "sold_on", "Tanggal penjualan wajib diisi."),
    ({"sold_on": "31/02/2026"}, "sold_on", "Tanggal tidak valid"),
    ({"sold_on": "2099-01-01"}, "sold_on", "tidak boleh di masa depan"),
    ({"sold_on": "2020-01-01"}, "sold_on", "lebih dari setahun"),
    ({"quantity": "0"}, "quantity", "angka bulat 1 sampai"),
    ({"quantity": "dua"}, "quantity", "angka bulat 1 sampai"),
    ({"amount": ""}, "amount", "Jumlah uang wajib diisi."),
    ({"amount": "45.000,50"}, "amount", "rupiah bulat"),
    ({"amount": "-5000"}, "amount", "paling sedikit"),
    ({"product_id": "999999"}, "product_id", "Pilih produk kelompok ini."),
    ({"note": "x" * 201}, "note", "paling banyak 200"),
])
def test_bad_sales_come_back_with_the_error_by_the_field(client, group, manager, changes,
                                                        field, message):
    login(client, manager)
    response = client.post(f"/usaha/{group.slug}/penjualan", data=sale_form(**changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in (field_error(html, field) or "")
    assert "Pesanan arisan" in html or field == "note"  # the text typed stays
    assert db.session.scalars(select(Sale)).all() == []


def test_a_product_of_another_group_is_refused(client, group, manager):
    other = bf.business_group(bf.other_kim(group.kim_group), "Batik Bakaran Juwana",
                              whatsapp="+6281234567891")
    foreign = bf.product(other, "Batik Tulis", 300000)
    login(client, manager)
    response = client.post(f"/usaha/{group.slug}/penjualan",
                           data=sale_form(product_id=str(foreign.id)))
    assert response.status_code == 422
    assert db.session.scalars(select(Sale)).all() == []


def record(group, *, days_ago: int = 0, amount: int = 45000) -> Sale:
    sale = Sale(business_group_id=group.id, sold_on=today(), quantity=1, amount=amount,
                created_at=datetime.now(UTC) - timedelta(days=days_ago))
    db.session.add(sale)
    db.session.commit()
    return sale


def test_a_sale_is_editable_for_seven_days(client, group, manager):
    fresh, old = record(group, days_ago=6), record(group, days_ago=8, amount=99000)
    login(client, manager)
    response = client.post(f"/usaha/{group.slug}/penjualan/{fresh.id}/ubah",
                           data=sale_form(amount="50000", quantity="2"))
    assert response.status_code == 302
    db.session.refresh(fresh)
    assert (fresh.amount, fresh.quantity) == (50000, 2) and fresh.updated_at is not None
    refused = client.post(f"/usaha/{group.slug}/penjualan/{old.id}/ubah",
                          data=sale_form(amount="1000"), follow_redirects=True)
    assert "dalam 7 hari" in refused.get_data(as_text=True)
    gone = client.post(f"/usaha/{group.slug}/penjualan/{old.id}/hapus", follow_redirects=True)
    assert "dalam 7 hari" in gone.get_data(as_text=True)
    db.session.refresh(old)
    assert old.amount == 99000
    page = client.get(f"/usaha/{group.slug}/penjualan").get_data(as_text=True)
    assert f"/penjualan/{fresh.id}/ubah" in page and f"/penjualan/{old.id}/ubah" not in page
    fresh_id = fresh.id
    assert client.post(f"/usaha/{group.slug}/penjualan/{fresh_id}/hapus").status_code == 302
    db.session.expire_all()
    assert db.session.get(Sale, fresh_id) is None


def test_unknown_and_foreign_sales_are_404(client, group, manager):
    other = bf.business_group(bf.other_kim(group.kim_group), "Batik Bakaran Juwana",
                              whatsapp="+6281234567891")
    foreign = record(other)
    login(client, manager)
    assert client.get(f"/usaha/{group.slug}/penjualan/{foreign.id}/ubah").status_code == 404
    assert client.get(f"/usaha/{group.slug}/penjualan/99999999999/ubah").status_code == 404
    assert client.get("/usaha/tidak-ada/penjualan").status_code == 404


ROLES = ["guest", "warga", "kim_anggota", "kim_pengurus", "other_pengurus", "manager",
         "petugas", "admin"]
# role: (sees the sales page, records a sale)
EXPECTED = {"guest": (302, 302), "warga": (403, 403), "kim_anggota": (403, 403),
            "kim_pengurus": (200, 403), "other_pengurus": (403, 403),
            "manager": (200, 302), "petugas": (403, 403), "admin": (200, 302)}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_and_who_records_sales(client, group, manager, role):
    from kim_app.models import MemberRole

    people = {
        "warga": lambda: bf.person("Warga Lain"),
        "kim_anggota": lambda: bf.person("Anggota KIM", group.kim_group),
        "kim_pengurus": lambda: bf.person("Ketua KIM", group.kim_group, MemberRole.KETUA),
        "other_pengurus": lambda: bf.person("Ketua Lain", bf.other_kim(group.kim_group),
                                            MemberRole.KETUA),
        "manager": lambda: manager,
        "petugas": lambda: make_user(Role.PETUGAS),
        "admin": lambda: make_user(Role.ADMIN),
    }
    if role != "guest":
        login(client, people[role]())
    sees, records = EXPECTED[role]
    assert client.get(f"/usaha/{group.slug}/penjualan").status_code == sees
    response = client.post(f"/usaha/{group.slug}/penjualan", data=sale_form())
    assert response.status_code == records
    assert len(db.session.scalars(select(Sale)).all()) == (1 if records == 302 and
                                                            role != "guest" else 0)
    group_page = client.get(f"/usaha/{group.slug}").get_data(as_text=True)
    assert ('id="group-months-table"' in group_page) == (sees == 200)


# --- the pages -----------------------------------------------------------------------

def test_kim_page_and_statistics_show_the_month(client, group, manager):
    record(group, amount=45000)
    html = client.get(f"/kim/{group.kim_group.slug}").get_data(as_text=True)
    assert 'id="kim-business-table"' in html and "Rp\xa045.000" in html
    stats = client.get("/statistik").get_data(as_text=True)
    assert 'id="business-months-table"' in stats and 'id="business-kim-table"' in stats
    assert 'id="business-sector-table"' in stats and "Rp\xa045.000" in stats
    assert "usaha.csv" not in stats  # the CSV link is for officers


def test_business_csv_is_for_officers(app, client):
    built = impact_fixtures.build()
    assert client.get("/statistik/usaha.csv").status_code == 302
    login(client, make_user(Role.WARGA))
    assert client.get("/statistik/usaha.csv").status_code == 403
    officer = app.test_client()
    login(officer, make_user(Role.PETUGAS))
    assert "usaha.csv" in officer.get("/statistik").get_data(as_text=True)
    response = officer.get("/statistik/usaha.csv?periode=semua")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Bagian", "Nama", "Bulan", "Produk tampil", "Klik pesan", "Penjualan",
                       "Total (Rp)"]
    this_month = f"{today():%Y-%m}"
    assert ["Semua", "Semua KIM", this_month] == rows[1 + 11][:3]
    kim_rows = [row for row in rows if row[0] == "KIM" and row[1] == built["kim_a"].name]
    assert len(kim_rows) == 12


def test_pages_take_the_same_queries_whatever_the_data(client, group, manager):
    login(client, manager)
    paths = [f"/usaha/{group.slug}", f"/usaha/{group.slug}/penjualan",
             f"/kim/{group.kim_group.slug}", "/statistik"]

    def queries():
        counts = []
        for path in paths:
            with count_queries(db.engine) as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
        return counts

    first = record(group)
    first.product_id = bf.product(group, "Produk Awal", 9000).id
    db.session.commit()
    before = queries()
    products = [bf.product(group, f"Produk {n}", 10000 + n) for n in range(5)]
    for n in range(30):
        db.session.add(Sale(business_group_id=group.id, product_id=products[n % 5].id,
                            sold_on=today() - timedelta(days=n * 7), quantity=1,
                            amount=10000))
    db.session.commit()
    assert queries() == before
