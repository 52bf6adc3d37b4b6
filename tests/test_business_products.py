"""Products: who may change them, validation, photos, inline htmx edits, deletion."""

import io
import re

import pytest
from sqlalchemy import func, select

from kim_app.models import (
    AuditEvent,
    Availability,
    MemberRole,
    Photo,
    Product,
    ProductPhoto,
    Role,
)
from tests import business_factories as bf
from tests.conftest import HX, field_error

FORM = {"name": "Keripik Tempe Pedas", "price": "25000", "unit": "pack", "category": "makanan",
        "availability": "tersedia", "description": "Tempe pilihan, **pedas**.", "published": "y",
        "submission_key": ""}


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def group(db):
    return bf.business_group(bf.kim())


@pytest.fixture
def manager(group):
    return bf.manager_of(group)


def files_on_disk(folder) -> set:
    return set(folder.rglob("*.webp")) if folder.exists() else set()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_manager_adds_a_product_with_photos(client, db, group, manager, upload_dir):
    bf.login_as(client, manager)
    form_page = client.get(f"/usaha/{group.slug}/produk/baru").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form_page and "data-upload-progress" in form_page
    assert '<progress value="0" max="100">' in form_page
    response = client.post(f"/usaha/{group.slug}/produk/baru", data={
        **FORM, "photos": [bf.upload(bf.image_bytes(size=(1600, 1200)), "a.jpg"),
                           bf.upload(bf.image_bytes("PNG", (500, 400)), "b.png")]})
    assert response.status_code == 302
    assert response.location == f"/usaha/{group.slug}/kelola"
    product = db.session.scalar(select(Product))
    assert (product.slug, product.price, product.unit) == ("keripik-tempe-pedas", 25000, "pack")
    assert product.published and product.created_by_id == manager.id
    assert [item.position for item in product.photos] == [0, 1]
    assert product.cover.widths == [320, 640, 1024]
    assert product.photos[1].photo.widths == [320, 500]  # its own width, never upscaled
    assert len(files_on_disk(upload_dir)) == 5
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "product")) == "product.create"
    page = client.get(response.location).get_data(as_text=True)
    assert "Produk Keripik Tempe Pedas ditambahkan." in page
    assert 'id="product-' in page


def test_htmx_create_redirects_through_hx_redirect(client, db, group, manager, upload_dir):
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/produk/baru", data=FORM, headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/usaha/{group.slug}/kelola"
    bad = client.post(f"/usaha/{group.slug}/produk/baru", data={**FORM, "price": "x"}, headers=HX)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert html.startswith('\n<form id="product-new-form"') or "<html" not in html
    assert "<html" not in html and field_error(html, "price")


def test_double_submit_creates_one_product(client, db, group, manager):
    bf.login_as(client, manager)
    data = {**FORM, "submission_key": "kunci-formulir-yang-sama-123"}
    first = client.post(f"/usaha/{group.slug}/produk/baru", data=data)
    second = client.post(f"/usaha/{group.slug}/produk/baru", data=data)
    assert first.status_code == second.status_code == 302
    assert count(db, Product) == 1
    assert "sudah tersimpan" in client.get(second.location).get_data(as_text=True)


@pytest.mark.parametrize(("who", "expected"), [
    ("guest", 302), ("warga", 403), ("anggota", 403), ("business_member", 403),
    ("pengurus", 403), ("manager_other", 403), ("petugas", 403), ("manager", 302),
    ("admin", 302),
])
def test_who_may_create_products(client, db, group, who, expected):
    home = bf.kim()
    other = bf.business_group(home, "Gula Aren")

    def business_member():
        user = bf.person("Anggota Usaha", home)
        bf.appoint(user, group, bf.BusinessRole.ANGGOTA)
        return user

    users = {
        "warga": lambda: bf.person("Warga"),
        "anggota": lambda: bf.person("Anggota", home),
        "business_member": business_member,
        "pengurus": lambda: bf.person("Ketua", home, MemberRole.KETUA),
        "manager_other": lambda: bf.manager_of(other, "Pengelola B"),
        "petugas": lambda: bf.person("Petugas", account_role=Role.PETUGAS),
        "manager": lambda: bf.manager_of(group),
        "admin": lambda: bf.person("Admin", account_role=Role.ADMIN),
    }
    if who != "guest":
        bf.login_as(client, users[who]())
    response = client.post(f"/usaha/{group.slug}/produk/baru", data=FORM)
    assert response.status_code == expected
    assert count(db, Product) == (1 if expected == 302 and who != "guest" else 0)


ACTIONS = [
    ("get", "ubah", None),
    ("post", "ubah", {**FORM, "name": "Diubah orang lain"}),
    ("get", "baris", None),
    ("post", "ketersediaan", {"availability": "habis"}),
    ("post", "terbitkan", {"published": "0"}),
    ("get", "hapus", None),
    ("post", "hapus", {}),
    ("post", "foto", {}),
]


@pytest.mark.parametrize(("method", "action", "data"), ACTIONS)
def test_manager_of_group_a_cannot_touch_group_b(client, db, method, action, data):
    home = bf.kim()
    group_a = bf.business_group(home, "Usaha A")
    group_b = bf.business_group(home, "Usaha B")
    item = bf.product(group_b, photos=1)
    bf.login_as(client, bf.manager_of(group_a))
    url = f"/usaha/{group_b.slug}/{item.slug}/{action}"
    response = getattr(client, method)(url, data=data) if data is not None else client.get(url)
    assert response.status_code == 403
    # Group A's URL with group B's product slug finds nothing there.
    url_a = f"/usaha/{group_a.slug}/{item.slug}/{action}"
    response = getattr(client, method)(url_a, data=data) if data is not None else client.get(url_a)
    assert response.status_code in (404, 302)
    db.session.refresh(item)
    assert (item.name, item.availability, item.published) == (
        "Keripik Tempe Original", Availability.TERSEDIA, True)
    photo_item = item.photos[0]
    for where in ("sampul", "naik", "hapus"):
        assert client.post(f"/usaha/{group_b.slug}/{item.slug}/foto/{photo_item.id}/{where}"
                           ).status_code == 403
    assert count(db, ProductPhoto) == 1


@pytest.mark.parametrize(("who", "expected"), [
    ("guest", 302), ("warga", 403), ("pengurus", 403), ("manager", 200), ("admin", 200)])
def test_who_may_toggle_availability(client, db, group, who, expected):
    item = bf.product(group)
    users = {
        "warga": lambda: bf.person("Warga"),
        "pengurus": lambda: bf.person("Ketua", bf.kim(), MemberRole.KETUA),
        "manager": lambda: bf.manager_of(group),
        "admin": lambda: bf.person("Admin", account_role=Role.ADMIN),
    }
    if who != "guest":
        bf.login_as(client, users[who]())
    response = client.post(f"/usaha/{group.slug}/{item.slug}/ketersediaan",
                           data={"availability": "habis"}, headers=HX)
    assert response.status_code == (401 if who == "guest" else expected)
    db.session.refresh(item)
    assert (item.availability == Availability.HABIS) == (expected == 200)


@pytest.mark.parametrize(("price", "message"), [
    ("-5000", "paling sedikit"),
    ("0", "paling sedikit"),
    ("50", "paling sedikit"),
    ("100000001", "paling banyak"),
    ("999999999999999", "angka rupiah bulat"),
    ("dua puluh ribu", "angka rupiah bulat"),
    ("25000.50", "angka rupiah bulat"),
    ("25.000,50", "angka rupiah bulat"),
    ("1e5", "angka rupiah bulat"),
    ("", "wajib diisi"),
])
def test_bad_prices_are_refused_next_to_the_field(client, db, group, manager, price, message):
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/produk/baru", data={**FORM, "price": price})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(html, "price")
    assert "Keripik Tempe Pedas" in html and "Tempe pilihan, **pedas**." in html
    assert count(db, Product) == 0


@pytest.mark.parametrize(("typed", "stored"), [
    ("25000", 25000), ("25.000", 25000), ("Rp 25.000", 25000), ("rp25,000", 25000),
    ("1.500.000", 1500000), ("100", 100), ("100000000", 100000000)])
def test_prices_as_people_type_them(client, db, group, manager, typed, stored):
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/produk/baru", data={**FORM, "price": typed})
    assert response.status_code == 302
    assert db.session.scalar(select(Product.price)) == stored


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "K" * 121, "3 sampai 120"),
    ("name", "Ab", "3 sampai 120"),
    ("name", "", "wajib diisi"),
    ("description", "d" * 5001, "5000 karakter"),
    ("unit", "ton-kapal", "Pilih satuan"),
    ("category", "", "Pilih kategori"),
    ("availability", "kadang-kadang", "Pilih ketersediaan"),
])
def test_bad_text_is_refused_and_kept(client, db, group, manager, field, value, message):
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/produk/baru", data={**FORM, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(html, field)
    assert 'value="25000"' in html
    assert count(db, Product) == 0


def _bomb() -> bytes:
    from tests.test_uploads import png_claiming

    return png_claiming(30_000, 30_000)


@pytest.mark.parametrize(("files", "message"), [
    ([(b"%PDF-1.4 bukan foto", "harga.pdf")], "bukan foto JPEG, PNG, atau WebP"),
    ([(None, "animasi.gif")], "bukan foto JPEG, PNG, atau WebP"),
    ([(b"truncated", "rusak.jpg")], "bukan foto JPEG, PNG, atau WebP"),
    ([(b"", "kosong.jpg")], "kosong"),
    ([("bomb", "bom.png")], "terlalu banyak piksel"),
    ([("big", "besar.jpg")], "terlalu besar"),
    ([(None, f"{n}.jpg") for n in range(6)], "Paling banyak 5 foto"),
])
def test_bad_uploads_are_refused_and_leave_nothing(client, app, db, group, manager, upload_dir,
                                                   files, message):
    # Small enough that the test client keeps the request in memory.
    app.config["UPLOAD_MAX_BYTES"] = 60_000
    jpeg = bf.image_bytes(size=(300, 200))
    payload = []
    for data, name in files:
        if data is None:
            data = bf.image_bytes("GIF", (10, 10)) if name.endswith(".gif") else jpeg
        elif data == b"truncated":
            data = bf.image_bytes()[:300]
        elif data == "bomb":
            data = _bomb()
        elif data == "big":
            data = bf.phone_photo((400, 400))
            assert 60_000 < len(data) < 400_000
        payload.append(bf.upload(data, name))
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/produk/baru", data={**FORM, "photos": payload})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(html, "photos")
    assert "pilih ulang fotonya" in field_error(html, "photos")
    assert "Keripik Tempe Pedas" in html
    assert count(db, Product) == 0 and count(db, Photo) == 0
    assert files_on_disk(upload_dir) == set()


def test_oversized_request_gets_a_clear_answer(client, app, db, group, manager):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/produk/baru", data={
        **FORM, "photos": [bf.upload(b"x" * 60_000, "besar.jpg")]})
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_product_slugs_are_unique_in_a_group_and_stable(client, db, group, manager):
    other = bf.business_group(bf.kim(), "Gula Aren")
    bf.product(other, "Keripik Tempe Pedas")
    bf.login_as(client, manager)
    for _ in range(2):
        client.post(f"/usaha/{group.slug}/produk/baru", data=FORM)
    client.post(f"/usaha/{group.slug}/produk/baru", data={**FORM, "name": "Kelola"})
    slugs = set(db.session.scalars(select(Product.slug).where(
        Product.business_group_id == group.id)))
    assert slugs == {"keripik-tempe-pedas", "keripik-tempe-pedas-2", "kelola-2"}
    response = client.post(f"/usaha/{group.slug}/keripik-tempe-pedas/ubah",
                           data={**FORM, "name": "Keripik Tempe Super Pedas"})
    assert response.status_code == 302
    renamed = db.session.scalar(select(Product).where(Product.name == "Keripik Tempe Super Pedas"))
    assert renamed.slug == "keripik-tempe-pedas"
    assert client.get(f"/usaha/{group.slug}/keripik-tempe-pedas").status_code == 200


def test_inline_edit_by_htmx_and_as_a_plain_page(client, db, group, manager):
    item = bf.product(group)
    bf.login_as(client, manager)
    url = f"/usaha/{group.slug}/{item.slug}/ubah"
    full = client.get(url)
    assert "<html" in full.get_data(as_text=True) and "product-photos" in full.get_data(
        as_text=True)
    fragment = client.get(url, headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and f'hx-post="{url}"' in html
    assert html.lstrip().startswith(f'<article id="product-{item.id}" class="product-row editing"')
    assert "HX-Request" in fragment.headers["Vary"]
    bad = client.post(url, data={**FORM, "price": "-1"}, headers=HX)
    assert bad.status_code == 422
    assert field_error(bad.get_data(as_text=True), "price")
    assert "Keripik Tempe Pedas" in bad.get_data(as_text=True)
    good = client.post(url, data={**FORM, "price": "27.500"}, headers=HX)
    html = good.get_data(as_text=True)
    assert good.status_code == 200
    assert html.lstrip().startswith(f'<article id="product-{item.id}" class="product-row">')
    assert "Rp\xa027.500" in html and 'hx-swap-oob="innerHTML"' in html
    cancel = client.get(f"/usaha/{group.slug}/{item.slug}/baris", headers=HX)
    assert cancel.status_code == 200 and "product-row" in cancel.get_data(as_text=True)
    plain = client.post(url, data={**FORM, "price": "30000"})
    assert plain.status_code == 302 and plain.location == f"/usaha/{group.slug}/kelola"
    db.session.refresh(item)
    assert item.price == 30000 and item.description == "Tempe pilihan, **pedas**."


def test_availability_toggle_htmx_and_plain(client, db, group, manager):
    item = bf.product(group)
    bf.login_as(client, manager)
    url = f"/usaha/{group.slug}/{item.slug}/ketersediaan"
    response = client.post(url, data={"availability": "habis"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert re.search(r'value="habis"[^>]*aria-pressed="true"', html)
    db.session.refresh(item)
    assert item.availability == Availability.HABIS
    response = client.post(url, data={"availability": "pre-order"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.availability == Availability.PRE_ORDER
    response = client.post(url, data={"availability": "entah"}, headers=HX)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#flash"
    db.session.refresh(item)
    assert item.availability == Availability.PRE_ORDER


def test_unpublished_products_are_private(client, db, group, manager):
    item = bf.product(group)
    bf.login_as(client, manager)
    response = client.post(f"/usaha/{group.slug}/{item.slug}/terbitkan", data={"published": "0"},
                           headers=HX)
    assert response.status_code == 200 and "Tampilkan" in response.get_data(as_text=True)
    assert "disembunyikan" in client.get(f"/usaha/{group.slug}/{item.slug}").get_data(
        as_text=True)
    client.post("/auth/keluar")
    assert client.get(f"/usaha/{group.slug}/{item.slug}").status_code == 404
    assert "Keripik Tempe Original" not in client.get("/usaha/").get_data(as_text=True)
    bf.login_as(client, bf.person("Warga"))
    assert client.get(f"/usaha/{group.slug}/{item.slug}").status_code == 404
    bf.login_as(client, manager)
    client.post(f"/usaha/{group.slug}/{item.slug}/terbitkan", data={"published": "1"})
    client.post("/auth/keluar")
    assert client.get(f"/usaha/{group.slug}/{item.slug}").status_code == 200


def test_delete_asks_first_and_leaves_no_files(client, db, group, manager, upload_dir):
    bf.login_as(client, manager)
    client.post(f"/usaha/{group.slug}/produk/baru", data={
        **FORM, "photos": [bf.upload(bf.image_bytes(), "a.jpg"),
                           bf.upload(bf.image_bytes(), "b.jpg")]})
    item = db.session.scalar(select(Product))
    slug = item.slug
    assert len(files_on_disk(upload_dir)) == 6
    manage = client.get(f"/usaha/{group.slug}/kelola").get_data(as_text=True)
    assert "hx-confirm=" in manage
    confirm = client.get(f"/usaha/{group.slug}/{item.slug}/hapus").get_data(as_text=True)
    assert "Ya, hapus produk" in confirm and "2 fotonya" in confirm
    response = client.post(f"/usaha/{group.slug}/{item.slug}/hapus", headers=HX)
    assert response.status_code == 200
    assert 'id="product-' not in response.get_data(as_text=True)
    assert "dihapus" in response.get_data(as_text=True)
    assert count(db, Product) == 0 and count(db, ProductPhoto) == 0 and count(db, Photo) == 0
    assert files_on_disk(upload_dir) == set()
    again = client.post(f"/usaha/{group.slug}/{slug}/hapus")
    assert again.status_code == 302
    assert "sudah dihapus" in client.get(again.location).get_data(as_text=True)
    assert client.get(f"/usaha/{group.slug}/{slug}/hapus").status_code == 404


def test_photos_are_added_ordered_and_removed(client, db, group, manager, upload_dir):
    item = bf.product(group)
    bf.login_as(client, manager)
    url = f"/usaha/{group.slug}/{item.slug}/foto"
    response = client.post(url, data={"photos": [bf.upload(bf.image_bytes(color=(255, 0, 0))),
                                                 bf.upload(bf.image_bytes(color=(0, 255, 0)))]},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="product-photos"')
    assert "(2/5)" in html and "Sampul" in html
    first, second = (p.id for p in db.session.scalars(
        select(ProductPhoto).order_by(ProductPhoto.position)))
    assert client.post(f"{url}/{second}/sampul", headers=HX).status_code == 200
    assert list(db.session.scalars(select(ProductPhoto.id).order_by(ProductPhoto.position))) == [
        second, first]
    assert client.post(f"{url}/{second}/turun").status_code == 302
    assert list(db.session.scalars(select(ProductPhoto.id).order_by(ProductPhoto.position))) == [
        first, second]
    assert client.post(f"{url}/{first}/melayang").status_code == 404
    # Only five photos fit: four more are refused, with the count that still fits.
    too_many = client.post(url, data={"photos": [bf.upload(bf.image_bytes()) for _ in range(4)]},
                           headers=HX)
    assert too_many.status_code == 422
    assert "3 foto lagi" in field_error(too_many.get_data(as_text=True), "photos")
    assert len(files_on_disk(upload_dir)) == 6
    bad = client.post(url, data={"photos": [bf.upload(b"bukan foto", "x.jpg")]})
    assert bad.status_code == 422 and "bukan foto" in bad.get_data(as_text=True)
    nothing = client.post(url, data={}, headers=HX)
    assert nothing.status_code == 422
    response = client.post(f"{url}/{first}/hapus", headers=HX)
    assert response.status_code == 200
    assert len(files_on_disk(upload_dir)) == 3 and count(db, Photo) == 1
    remaining = db.session.scalar(select(ProductPhoto))
    assert remaining.id == second and remaining.position == 0
    again = client.post(f"{url}/{first}/hapus")
    assert again.status_code == 302


def test_product_creation_is_rate_limited_per_account(app_factory, db):
    app = app_factory(PRODUCT_LIMIT_PER_ACCOUNT="2 per hour")
    with app.app_context():
        group = bf.business_group(bf.kim())
        manager = bf.manager_of(group)
        client = app.test_client()
        bf.login_as(client, manager)
        for _ in range(2):
            assert client.post(f"/usaha/{group.slug}/produk/baru",
                               data=FORM).status_code == 302
        response = client.post(f"/usaha/{group.slug}/produk/baru",
                               data={**FORM, "name": "Produk Ketiga"})
        html = response.get_data(as_text=True)
        assert response.status_code == 429
        assert "Terlalu banyak unggahan" in html and "Produk Ketiga" in html
        photo = client.post(f"/usaha/{group.slug}/keripik-tempe-pedas/foto", data={}, headers=HX)
        assert photo.status_code == 429 and photo.headers["HX-Retarget"] == "#flash"
        # Another manager is not held back by this one's uploads.
        bf.login_as(client, bf.manager_of(group, "Pengelola Dua"))
        assert client.post(f"/usaha/{group.slug}/produk/baru", data=FORM).status_code == 302
        db.session.remove()


def test_description_markdown_is_sanitised(client, db, group):
    bf.product(group, description="**Renyah** <script>alert(1)</script> "
                                  "[klik](javascript:alert(1)) [toko](https://contoh.id)\n\n"
                                  "# Judul")
    html = client.get(f"/usaha/{group.slug}/keripik-tempe-original").get_data(as_text=True)
    assert "<strong>Renyah</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "href=\"javascript" not in html
    assert '<a href="https://contoh.id" rel="nofollow noopener ugc">toko</a>' in html
    assert "<h3>Judul</h3>" in html


def test_a_phone_photo_added_to_a_product_is_served_upright_without_gps(client, db, group,
                                                                        manager, upload_dir):
    from PIL import Image

    from tests.test_uploads import corner_colours, phone_jpeg

    item = bf.product(group)
    bf.login_as(client, manager)
    data = phone_jpeg((4000, 3000), orientation=6)  # 12 megapixels, held upright
    response = client.post(f"/usaha/{group.slug}/{item.slug}/foto",
                           data={"photos": [bf.upload(data, "IMG_0001.jpg")]}, headers=HX)
    assert response.status_code == 200
    photo = db.session.scalars(select(Photo)).one()
    assert (photo.width, photo.height, photo.widths) == (3000, 4000, [320, 640, 1024])
    upright = Image.open(io.BytesIO(data)).transpose(Image.Transpose.ROTATE_270)
    for width in photo.widths:
        served = client.get(f"/media/{photo.token}-{width}.webp")
        assert served.status_code == 200
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.size == (width, photo.height_at(width))
            assert corner_colours(image) == corner_colours(upright)
            assert not image.getexif() and "xmp" not in image.info
        assert b"PhoneMaker" not in served.data and b"GPSLatitude" not in served.data
