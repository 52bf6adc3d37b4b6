"""The catalog, the product page (WhatsApp, Open Graph), home, speed and photo sizes."""

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from kim_app.common.uploads import read_photo, store_photo
from kim_app.models import KimGroup
from tests import business_factories as bf
from tests.conftest import HX


@pytest.fixture
def shop(db):
    """Two KIMs in two kecamatan, a group in each, a handful of products."""
    home = bf.kim()
    away = next(g for g in db.session.scalars(select(KimGroup).order_by(KimGroup.id))
                if g.village.district_code != home.village.district_code)
    tempe = bf.business_group(home, "Keripik Tempe Sumber Rejeki")
    batik = bf.business_group(away, "Batik Bakaran Juwana", sector="batik")
    bf.product(tempe, "Keripik Tempe Pedas", 15000, photos=1)
    bf.product(tempe, "Keripik Singkong Balado", 12000, availability="habis")
    bf.product(tempe, "Rempeyek Kacang", 20000, availability="pre-order")
    bf.product(batik, "Kain Batik Tulis Bakaran", 450000, category="batik", unit="lembar",
               photos=2)
    bf.product(batik, "Kemeja Batik Cap", 175000, category="batik")
    bf.product(batik, "Batik Rahasia", 99000, category="batik", published=False)
    return {"home": home, "away": away, "tempe": tempe, "batik": batik}


def names(html: str) -> list[str]:
    return re.findall(r'<strong class="product-name">([^<]+)</strong>', html)


def test_catalog_lists_published_products_newest_first(client, shop):
    html = client.get("/usaha/").get_data(as_text=True)
    assert names(html) == ["Kemeja Batik Cap", "Kain Batik Tulis Bakaran", "Rempeyek Kacang",
                           "Keripik Singkong Balado", "Keripik Tempe Pedas"]
    assert "5 produk" in html and "Rp\xa015.000" in html
    assert 'hx-push-url="true"' in html and 'role="search"' in html


@pytest.mark.parametrize(("args", "expected"), [
    ("q=keripik", {"Keripik Tempe Pedas", "Keripik Singkong Balado"}),
    ("q=singk", {"Keripik Singkong Balado"}),  # as you type
    ("q=batik+tulis", {"Kain Batik Tulis Bakaran"}),
    ("q=rahasia", set()),
    ("kategori=batik", {"Kain Batik Tulis Bakaran", "Kemeja Batik Cap"}),
    ("ketersediaan=habis", {"Keripik Singkong Balado"}),
    ("ketersediaan=pre-order", {"Rempeyek Kacang"}),
    ("harga_min=15000&harga_max=Rp+20.000", {"Keripik Tempe Pedas", "Rempeyek Kacang"}),
    ("harga_min=200000", {"Kain Batik Tulis Bakaran"}),
    ("q=keripik&ketersediaan=tersedia", {"Keripik Tempe Pedas"}),
    ("kategori=senjata&harga_min=abc&urut=acak&halaman=-3", None),  # junk is ignored
])
def test_catalog_search_and_filters(client, shop, args, expected):
    html = client.get(f"/usaha/?{args}").get_data(as_text=True)
    if expected is None:
        assert len(names(html)) == 5
    else:
        assert set(names(html)) == expected


def test_catalog_filters_by_kecamatan(client, shop):
    code = shop["away"].village.district_code
    html = client.get(f"/usaha/?kecamatan={code}").get_data(as_text=True)
    assert set(names(html)) == {"Kain Batik Tulis Bakaran", "Kemeja Batik Cap"}
    assert f'<option value="{code}" selected>' in html


def test_catalog_sorts_by_price(client, shop):
    cheap = names(client.get("/usaha/?urut=termurah").get_data(as_text=True))
    dear = names(client.get("/usaha/?urut=termahal").get_data(as_text=True))
    assert cheap[0] == "Keripik Singkong Balado" and cheap[-1] == "Kain Batik Tulis Bakaran"
    assert dear == list(reversed(cheap))


def test_catalog_htmx_gets_only_the_results(client, shop):
    full = client.get("/usaha/?q=batik")
    fragment = client.get("/usaha/?q=batik", headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<section id="catalog-results"')
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in full.headers["Vary"]
    assert fragment.headers["Cache-Control"] == "no-store"
    assert set(names(html)) == {"Kain Batik Tulis Bakaran", "Kemeja Batik Cap"}
    restore = client.get("/usaha/?q=batik", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_product_page_shows_price_group_kim_and_photos(client, shop):
    tempe = shop["tempe"]
    response = client.get(f"/usaha/{tempe.slug}/keripik-tempe-pedas")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rp\xa015.000" in html and "Tersedia" in html
    assert f'href="/usaha/{tempe.slug}"' in html
    assert f'href="/kim/{shop["home"].slug}"' in html
    assert re.search(r'srcset="/media/\w+-320\.webp 320w, /media/\w+-640\.webp 640w, '
                     r'/media/\w+-1024\.webp 1024w"', html)
    assert "Keripik Singkong Balado" in html  # more from the group


def test_whatsapp_order_link_is_encoded(client, shop):
    tempe = shop["tempe"]
    html = client.get(f"/usaha/{tempe.slug}/keripik-tempe-pedas").get_data(as_text=True)
    button = unescape(re.search(r'<a href="([^"]+)"[^>]*id="order-whatsapp"', html).group(1))
    assert button == f"/usaha/{tempe.slug}/keripik-tempe-pedas/pesan"  # counted, then on
    href = client.get(button, headers={"User-Agent": "Mozilla/5.0"}).headers["Location"]
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert " " not in href and "&" not in parts.query.replace("text=", "", 1)
    message = parse_qs(parts.query)["text"][0]
    page_url = f"http://localhost/usaha/{tempe.slug}/keripik-tempe-pedas"
    assert message == (f"Halo Keripik Tempe Sumber Rejeki, saya ingin memesan Keripik Tempe "
                       f"Pedas (Rp\xa015.000 per pack). {page_url}")
    assert "Pesan via WhatsApp" in html
    share = unescape(re.search(r'<a href="([^"]+)"[^>]*id="share-link"', html).group(1))
    assert share.startswith("https://wa.me/?text=")
    assert parse_qs(urlsplit(share).query)["text"][0].endswith(page_url)


def test_whatsapp_message_escapes_awkward_names(app, db):
    from kim_app.business.products import whatsapp_order_url

    group = bf.business_group(bf.kim(), "Kue & Roti #1 Bu Sri")
    item = bf.product(group, "Bolu 50% gula?", 30000)
    with app.test_request_context("/"):
        url = whatsapp_order_url(item, "https://kim.example/usaha/x/y?z=1&w=2")
    query = urlsplit(url).query
    assert query.count("=") == 1 and "&" not in query and "#" not in url
    text = parse_qs(query)["text"][0]
    assert "Kue & Roti #1 Bu Sri" in text and "Bolu 50% gula?" in text
    assert text.endswith("https://kim.example/usaha/x/y?z=1&w=2")


def test_whatsapp_message_is_indonesian_for_the_seller(client, shop):
    client.post("/bahasa", data={"lang": "en"})
    html = client.get(f"/usaha/{shop['tempe'].slug}/keripik-tempe-pedas").get_data(as_text=True)
    assert "Order via WhatsApp" in html
    order = client.get(f"/usaha/{shop['tempe'].slug}/keripik-tempe-pedas/pesan")
    assert "saya%20ingin%20memesan" in order.headers["Location"]


def test_open_graph_tags(client, shop):
    batik = shop["batik"]
    html = client.get(f"/usaha/{batik.slug}/kain-batik-tulis-bakaran").get_data(as_text=True)

    def og(name):
        match = re.search(rf'<meta property="{name}" content="([^"]*)">', html)
        return unescape(match.group(1)) if match else None

    page_url = f"http://localhost/usaha/{batik.slug}/kain-batik-tulis-bakaran"
    assert og("og:title") == "Kain Batik Tulis Bakaran · Rp\xa0450.000"
    assert "Rp\xa0450.000 / lembar" in og("og:description")
    assert og("og:url") == page_url
    assert re.fullmatch(r"http://localhost/media/\w+-1024\.jpg", og("og:image"))
    assert og("og:image:type") == "image/jpeg"
    assert og("og:image:width") == "1024" and og("og:image:height") == "768"
    assert og("product:price:amount") == "450000"
    assert f'<link rel="canonical" href="{page_url}">' in html


def test_product_without_photo_shows_the_portal_share_picture(client, shop):
    html = client.get(f"/usaha/{shop['batik'].slug}/kemeja-batik-cap").get_data(as_text=True)
    assert 'property="og:title"' in html
    assert re.search(r'<meta property="og:image" content="http://localhost/static/img/'
                     r'og-default\.jpg\?v=\w+">', html)


def test_home_shows_newest_products(client, shop):
    html = client.get("/").get_data(as_text=True)
    assert "Produk terbaru dari kelompok usaha KIM" in html
    assert names(html)[0] == "Kemeja Batik Cap" and "Batik Rahasia" not in html
    assert 'href="/usaha/"' in html  # the nav link and "see all"


def test_home_without_products_has_no_empty_section(client, db):
    assert "Produk terbaru" not in client.get("/").get_data(as_text=True)


def _fill(count: int) -> tuple:
    home = bf.kim()
    group = bf.business_group(home)
    others = [bf.business_group(kim_group, f"Usaha {kim_group.slug}")
              for kim_group in bf.db.session.scalars(select(KimGroup).limit(5))]
    for number in range(count):
        owner = group if number % 2 else others[number % len(others)]
        bf.product(owner, f"Keripik Nomor {number}", 1000 + number, photos=1 + number % 3,
                   commit=False)
    bf.db.session.commit()
    return group, bf.product(group, "Produk Utama", 50000, photos=3)


@pytest.mark.parametrize("path", ["/usaha/", "/usaha/?q=keripik&urut=termurah",
                                  "/usaha/?kategori=makanan&ketersediaan=tersedia",
                                  "NEXT", "NEXT (htmx)", "PRODUCT", "GROUP", "/"])
def test_query_counts_do_not_grow_with_products(app_factory, path):
    counts = []
    for size in (10, 200):
        app = app_factory(CATALOG_PAGE_SIZE=4)
        with app.app_context():
            group, main = _fill(size)
            client = app.test_client()
            url = {"PRODUCT": f"/usaha/{group.slug}/{main.slug}",
                   "GROUP": f"/usaha/{group.slug}"}.get(path, path)
            if path.startswith("NEXT"):  # the second keyset page
                first = client.get("/usaha/?q=keripik&urut=termurah").get_data(as_text=True)
                url = unescape(re.search(r'id="catalog-next"[^>]*>\s*<a href="([^"]+)"',
                                         first).group(1))
            headers = HX if path.endswith("(htmx)") else {}
            client.get(url, headers=headers)  # warm up
            with bf.count_queries(bf.db.engine) as statements:
                response = client.get(url, headers=headers)
            assert response.status_code == 200
            counts.append(len(statements))
            from tests.conftest import _reset

            bf.db.session.remove()
            _reset(app)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8, counts


def test_thumbnail_of_a_phone_photo_is_small(app, db, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    data = bf.phone_photo((4000, 3000))
    assert len(data) > 3_000_000  # a real phone photo is megabytes
    with app.test_request_context("/"):
        photo = store_photo(FileStorage(stream=io.BytesIO(data), filename="IMG_0001.jpg"),
                            widths=app.config["PRODUCT_PHOTO_WIDTHS"])
        db.session.commit()
    sizes = {width: len(read_photo(photo.token, width)) for width in photo.widths}
    assert photo.widths == [320, 640, 1024]
    assert sizes[320] < 40_000, sizes
    assert sizes[320] > 5_000  # a real picture, not a flat colour
    assert sizes[1024] < 200_000, sizes


def test_media_is_served_with_a_long_cache(client, app, db, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    with app.test_request_context("/"):
        photo = store_photo(FileStorage(stream=io.BytesIO(bf.image_bytes()), filename="a.jpg"),
                            widths=app.config["PRODUCT_PHOTO_WIDTHS"])
        db.session.commit()
    response = client.get(f"/media/{photo.token}-640.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    response.close()


def test_demo_creates_groups_products_and_photos_once(app, runner, db, tmp_path):
    from kim_app.models import BusinessGroup, Photo, Product, ProductPermit, Sale

    app.config["UPLOAD_DIR"] = str(tmp_path)
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert ("Usaha: 3 business groups and 9 products with generated photos created; "
            "60 sales with order clicks and permits.") in first.output
    assert db.session.scalar(select(func.count()).select_from(BusinessGroup)) == 3
    assert db.session.scalar(select(func.count()).select_from(Product)) == 9
    photos = db.session.scalar(select(func.count()).select_from(Photo))
    assert photos == 14 and len(list(tmp_path.rglob("*.webp"))) == 14 * 3
    second = runner.invoke(args=["demo"])
    assert "Usaha: demo business groups already present." in second.output
    assert db.session.scalar(select(func.count()).select_from(Product)) == 9
    assert db.session.scalar(select(func.count()).select_from(Sale)) == 60  # once
    assert db.session.scalar(select(func.count()).select_from(ProductPermit)) == 6
    client = app.test_client()
    html = client.get("/usaha/?q=batik").get_data(as_text=True)
    assert "Kain Batik Tulis Motif Gandrung" in html
    assert "/media/" in client.get("/").get_data(as_text=True)
