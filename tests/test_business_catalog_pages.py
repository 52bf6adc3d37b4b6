"""The catalog's "Muat lebih banyak": keyset pages for every sort, as a page of its own
without JavaScript and as appended cards with htmx; the bounded count, old `?halaman=N`
links and cursors that no link wrote."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from kim_app.models import KimGroup, Product, ProductCategory, utcnow
from tests import business_factories as bf
from tests.conftest import HX, login

MORE = re.compile(r'<li id="catalog-next"[^>]*>\s*<a href="([^"]+)"')


def names(html: str) -> list[str]:
    return re.findall(r'<strong class="product-name">([^<]+)</strong>', html)


def more_link(html: str) -> str | None:
    found = MORE.search(html)
    return unescape(found.group(1)) if found else None


def walk(client, url: str, htmx: bool) -> tuple[list[str], list[str]]:
    """Every product name from `url` on, following "Muat lebih banyak" as a person
    without JavaScript (whole pages) or htmx (fragments after the first page) would; and
    the links followed."""
    html = client.get(url).get_data(as_text=True)
    seen, links = names(html), []
    while (link := more_link(html)) is not None:
        links.append(link)
        response = client.get(link, headers=HX if htmx else {})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        seen += names(html)
        assert len(links) < 50, "the links go round in circles"
    return seen, links


@pytest.fixture
def stock(app, db):
    """14 products in two groups: 12 listed with ties across page boundaries (four at
    Rp 15.000, three created at one instant), one unpublished and one hidden; pages of 4."""
    app.config["CATALOG_PAGE_SIZE"] = 4
    home = bf.kim()
    away = next(g for g in db.session.scalars(select(KimGroup).order_by(KimGroup.id))
                if g.village.district_code != home.village.district_code)
    tempe = bf.business_group(home, "Keripik Tempe Sumber Rejeki")
    batik = bf.business_group(away, "Batik Bakaran Juwana", sector="batik")
    start = utcnow() - timedelta(days=3)
    same_moment = start + timedelta(hours=7, minutes=30)
    prices = [15000, 12000, 15000, 20000, 15000, 9000, 15000, 30000, 16000, 45000, 8000, 20000]
    for number, price in enumerate(prices):
        item = bf.product(tempe if number % 3 else batik, f"Produk {number:02d}", price,
                          category="makanan" if number % 3 else "batik", commit=False)
        item.created_at = same_moment if number in (6, 7, 8) else start + timedelta(hours=number)
    bf.product(tempe, "Produk Draf", 15000, published=False, commit=False)
    hidden = bf.product(tempe, "Produk Disembunyikan", 15000, commit=False)
    hidden.hidden_at = utcnow()
    db.session.commit()
    return {"tempe": tempe, "batik": batik, "home": home, "away": away}


def expected(db, sort: str, where=None) -> list[str]:
    """The listed products in the sort's order, from the database: the truth to walk."""
    query = select(Product).where(Product.published.is_(True), Product.hidden_at.is_(None))
    if where is not None:
        query = query.where(where)
    rows = list(db.session.scalars(query))
    key = {"terbaru": lambda p: (p.created_at, p.id), "termurah": lambda p: (p.price, p.id),
           "termahal": lambda p: (p.price, p.id)}[sort]
    return [p.name for p in sorted(rows, key=key, reverse=sort != "termurah")]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
@pytest.mark.parametrize("sort", ["terbaru", "termurah", "termahal"])
def test_more_gives_every_product_once_in_order(client, db, stock, sort, htmx):
    seen, links = walk(client, f"/usaha/?urut={sort}", htmx)
    assert seen == expected(db, sort)  # no gap, no duplicate, ties in id order
    assert len(seen) == 12 and len(links) == 2
    assert "Produk Draf" not in seen and "Produk Disembunyikan" not in seen
    for link in links:
        args = parse_qs(urlsplit(link).query)
        assert args.get("urut", ["terbaru"]) == [sort]
        assert "halaman" not in args and re.fullmatch(r"\d+_\d+", args["setelah"][0])


@pytest.mark.parametrize(("sort", "first", "second"), [
    # Four products cost Rp 15.000 (ids 00 < 02 < 04 < 06): each page boundary falls
    # among them, and the next page goes on with the next id.
    ("termurah", ["10", "05", "01", "00"], ["02", "04", "06", "08"]),
    ("termahal", ["09", "07", "11", "03"], ["08", "06", "04", "02"]),
    # 06, 07 and 08 were created at one instant.
    ("terbaru", ["11", "10", "09", "08"], ["07", "06", "05", "04"]),
])
def test_ties_across_a_page_boundary(client, stock, sort, first, second):
    page = client.get(f"/usaha/?urut={sort}").get_data(as_text=True)
    assert names(page) == [f"Produk {n}" for n in first]
    following = client.get(more_link(page), headers=HX).get_data(as_text=True)
    assert names(following) == [f"Produk {n}" for n in second]


def test_filters_travel_in_the_more_link(client, db, stock):
    code = stock["home"].village.district_code
    url = f"/usaha/?kecamatan={code}&kategori=makanan&harga_min=9000&urut=termahal"
    seen, links = walk(client, url, htmx=True)
    assert seen == expected(db, "termahal", (Product.business_group_id == stock["tempe"].id)
                            & (Product.price >= 9000))
    assert links and all(
        {key: value[0] for key, value in parse_qs(urlsplit(link).query).items()
         if key != "setelah"}
        == {"kecamatan": code, "kategori": "makanan", "harga_min": "9000", "urut": "termahal"}
        for link in links)
    searched, _ = walk(client, "/usaha/?q=produk&urut=termurah", htmx=False)
    assert searched == expected(db, "termurah")


def test_the_fragment_is_the_next_cards_and_the_next_link_only(client, db, stock,
                                                               query_counter):
    first = client.get("/usaha/?urut=termurah", headers=HX).get_data(as_text=True)
    link = more_link(first)
    assert 'hx-target="#catalog-next"' in first and 'hx-swap="outerHTML"' in first
    assert 'hx-push-url="false"' in first and 'rel="next"' in first
    with query_counter() as statements:
        fragment = client.get(link, headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<li class="product-card">')
    assert "<section" not in html and "<html" not in html and "produk</p>" not in html
    assert len(names(html)) == 4 and more_link(html)
    assert "HX-Request" in fragment.headers["Vary"]
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in fragment.headers  # a guest still has no session
    assert not [s for s in statements if "count(" in s.lower()]  # nobody reads the count
    # Without htmx (or restoring history), the same address is a whole page to go on from.
    for headers in ({}, {**HX, "HX-History-Restore-Request": "true"}):
        page = client.get(link, headers=headers).get_data(as_text=True)
        assert "<html" in page and names(page) == names(html)
        assert "Lanjutan daftar produk." in page and "12 produk" in page
        assert 'href="/usaha/?urut=termurah">Kembali ke awal' in page


def test_element_ids_are_unique_on_a_catalog_page(client, stock):
    first = client.get("/usaha/").get_data(as_text=True)
    following = client.get(more_link(first)).get_data(as_text=True)
    for html in (first, following):
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert "catalog-next" in ids and len(ids) == len(set(ids)), sorted(ids)


def test_the_count_is_bounded_but_more_goes_on(app, client, db, stock):
    app.config["CATALOG_COUNTED_PAGES"] = 2
    html = client.get("/usaha/").get_data(as_text=True)
    assert "Lebih dari 8 produk" in html and "12 produk" not in html
    seen, links = walk(client, "/usaha/", htmx=True)
    assert len(seen) == 12 and len(set(seen)) == 12
    last = client.get(links[-1]).get_data(as_text=True)
    assert "Lebih dari 8 produk" in last and more_link(last) is None


def test_the_end_of_the_list_says_so(client, db, stock):
    last = expected(db, "termurah")[-1]
    item = db.session.scalar(select(Product).where(Product.name == last))
    response = client.get(f"/usaha/?urut=termurah&setelah={item.price}_{item.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and names(html) == []
    assert "Tidak ada produk lagi." in html and more_link(html) is None
    assert 'href="/usaha/?urut=termurah" role="button">Kembali ke awal' in html


def test_hidden_products_follow_the_viewer_across_pages(client, db, stock):
    manager = bf.manager_of(stock["tempe"], "Bu Rina Pengelola")
    guest_view, _ = walk(client, "/usaha/?urut=termurah", htmx=True)
    login(client, manager)
    managers_view, _ = walk(client, "/usaha/?urut=termurah", htmx=True)
    assert "Produk Disembunyikan" not in guest_view
    assert "Produk Disembunyikan" in managers_view and "Produk Draf" not in managers_view
    assert len(managers_view) == len(set(managers_view)) == len(guest_view) + 1


@pytest.mark.parametrize(("query", "sort", "number"), [
    ("kategori=makanan&urut=termurah", "termurah", 2),
    ("urut=termahal", "termahal", 3),
    ("", "terbaru", 2),
])
def test_old_page_links_lead_to_the_same_products(client, db, stock, query, sort, number):
    response = client.get(f"/usaha/?{query}&halaman={number}")
    assert response.status_code == 302
    target = urlsplit(response.location)
    args = parse_qs(target.query)
    assert target.path == "/usaha/" and "halaman" not in args and "setelah" in args
    assert {key: value for key, value in args.items() if key != "setelah"} == parse_qs(query)
    where = Product.category == ProductCategory("makanan") if "makanan" in query else None
    old_page = expected(db, sort, where)[(number - 1) * 4:number * 4]
    assert len(old_page) == 4
    assert names(client.get(response.location).get_data(as_text=True)) == old_page


@pytest.mark.parametrize(("query", "location"), [
    ("halaman=1", "/usaha/"),
    ("halaman=1&q=batik", "/usaha/?q=batik"),
    ("halaman=999", "/usaha/"),  # past the end (and past the 50 pages old links had)
    ("halaman=4&urut=termahal", "/usaha/?urut=termahal"),  # 12 products: no page 4
    ("halaman=3&kategori=makanan", "/usaha/?kategori=makanan"),  # 8 of them: no page 3
])
def test_old_page_links_past_the_end_go_to_the_start(client, stock, query, location):
    response = client.get(f"/usaha/?{query}")
    assert response.status_code == 302 and response.location == location


@pytest.mark.parametrize("value", ["-3", "abc", "", "99999999999999999999", "1e3"])
def test_junk_page_numbers_are_ignored(client, stock, value):
    response = client.get(f"/usaha/?halaman={value}")
    assert response.status_code == 200 and len(names(response.get_data(as_text=True))) == 4


BAD_CURSORS = [
    "abc", "12_", "_12", "1_2_3", "-1_5", "15000", "15000.5_3", " 1_2", "1_2 ", "١_٢",
    "1_99999999999",  # an id no column holds
    "9999999999999999999_1",  # more digits than any value
    "2147483648_1",  # a price beyond the column (for the price sorts)
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_cursor_no_link_wrote_is_answered_clearly(client, stock, cursor):
    sort = "termurah" if cursor.startswith("2147483648") else "terbaru"
    response = client.get("/usaha/", query_string={"setelah": cursor, "urut": sort})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tautan lanjutan katalog ini tidak dapat dibaca" in html
    assert len(names(html)) == 4 and "Lanjutan daftar produk." not in html  # from the start
    fragment = client.get("/usaha/", query_string={"setelah": cursor, "urut": sort},
                          headers=HX)
    assert fragment.status_code == 400 and fragment.headers["HX-Retarget"] == "#flash"
    assert "tidak dapat dibaca" in fragment.get_data(as_text=True)
    assert names(fragment.get_data(as_text=True)) == []  # nothing appended to the cards


def test_a_time_beyond_the_calendar_is_a_bad_cursor(client, stock):
    assert client.get("/usaha/?setelah=999999999999999999_1").status_code == 400  # year 31000
    assert client.get("/usaha/?setelah=253402300799999999_1").status_code == 200  # 9999-12-31


@pytest.mark.parametrize(("sort", "cursor", "shown"), [
    ("terbaru", "0_0", 0),  # before 1970: nothing is older
    ("terbaru", "253402300799999999_2147483647", 4),  # the year 9999: everything is older
    ("termurah", "0_0", 4),
    ("termurah", "2147483647_2147483647", 0),
    ("termahal", "0_0", 0),
])
def test_absurd_but_well_formed_cursors_are_positions(client, stock, sort, cursor, shown):
    response = client.get(f"/usaha/?urut={sort}&setelah={cursor}")
    assert response.status_code == 200
    assert len(names(response.get_data(as_text=True))) == shown


def test_a_cursor_naming_an_unknown_product_starts_at_its_place(client, db, stock):
    """The cursor holds the price and the id: an id that names no product (deleted, or
    made up), or one whose price has changed since, still marks a place in the order."""
    ids = {p.name: p.id for p in db.session.scalars(select(Product))}
    unknown = max(ids.values()) + 1000
    html = client.get(f"/usaha/?urut=termurah&setelah=15000_{unknown}").get_data(as_text=True)
    assert names(html) == ["Produk 08", "Produk 03", "Produk 11", "Produk 07"]
    repriced = ids["Produk 03"]  # costs Rp 20.000: between 02 and 04 among the Rp 15.000
    html = client.get(f"/usaha/?urut=termurah&setelah=15000_{repriced}").get_data(as_text=True)
    assert names(html) == ["Produk 04", "Produk 06", "Produk 08", "Produk 03"]
