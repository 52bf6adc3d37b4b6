"""Photo uploads: formats, limits, decompression bombs, EXIF and GPS stripped, files on disk."""

import io
import math
import struct
import zlib

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat
from werkzeug.datastructures import FileStorage

from kim_app.common.uploads import UploadError, delete_photo, photo_key, read_photo, store_photo
from kim_app.models.media import Photo
from tests.storage_fixtures import s3_endpoint_fixture, stored_fixture  # noqa: F401


def image_bytes(fmt="JPEG", size=(1600, 1200), mode="RGB", exif=None, color=(200, 120, 40)):
    buffer = io.BytesIO()
    image = Image.new(mode, size, color if mode == "RGB" else (*color, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small valid PNG with its IHDR rewritten to claim another size (CRC fixed)."""
    data = bytearray(image_bytes("PNG", size=(8, 8)))
    ihdr = 8  # after the signature: length(4) type(4) data(13) crc(4)
    data[ihdr + 8:ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4:ihdr + 21])) & 0xFFFFFFFF
    data[ihdr + 21:ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


def phone_exif(orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° when shown
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (6.0, 45.0, 0.0)  # latitude of Pati
    exif[0x8825] = gps
    return exif


def upload(data: bytes, name="foto.jpg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def stored_image(photo: Photo, width: int) -> Image.Image:
    return Image.open(io.BytesIO(read_photo(photo.token, width)))


def test_jpeg_is_reencoded_upright_without_metadata(app, db, stored):
    photo = store_photo(upload(image_bytes(exif=phone_exif(6))))
    db.session.commit()
    # Orientation 6 means the camera held it sideways: stored upright, portrait.
    assert (photo.width, photo.height) == (1200, 1600)
    assert photo.widths == [320, 1024]
    for width in photo.widths:
        with stored_image(photo, width) as image:
            assert image.format == "WEBP"
            assert image.width == width
            assert not image.getexif()
            assert "exif" not in image.info and "xmp" not in image.info
        assert b"PhoneMaker" not in read_photo(photo.token, width)


def quadrants(size=(3000, 2000)) -> Image.Image:
    """Four colours, one per quarter, to see which way a photo was turned."""
    image = Image.new("RGB", size, (255, 0, 0))
    half_width, half_height = size[0] // 2, size[1] // 2
    image.paste((0, 255, 0), (half_width, 0, size[0], half_height))
    image.paste((0, 0, 255), (0, half_height, half_width, size[1]))
    image.paste((255, 255, 0), (half_width, half_height, size[0], size[1]))
    return image


def corner_colours(image: Image.Image) -> list[tuple[int, ...]]:
    width, height = image.size
    spots = [(width // 8, height // 8), (width * 7 // 8, height // 8),
             (width // 8, height * 7 // 8), (width * 7 // 8, height * 7 // 8)]
    return [tuple(round(c / 64) for c in image.convert("RGB").getpixel(spot)) for spot in spots]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_large_jpeg_is_decoded_small_and_turned_as_its_exif_says(app, db, stored,
                                                                 orientation):

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = orientation
    quadrants().save(buffer, "JPEG", quality=90, exif=exif)
    photo = store_photo(upload(buffer.getvalue()), widths=[320, 640, 1024])
    db.session.commit()

    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(buffer.getvalue())))
    assert (photo.width, photo.height) == expected.size
    assert photo.widths == [320, 640, 1024]
    for width in photo.widths:
        with stored_image(photo, width) as image:
            assert image.size == (width, photo.height_at(width))
            assert corner_colours(image) == corner_colours(expected)


def test_small_image_is_not_upscaled(app, db, stored):
    photo = store_photo(upload(image_bytes("PNG", size=(200, 100)), "kecil.png"))
    db.session.commit()
    assert photo.widths == [200]
    assert photo.rendition(1024) == 200
    medium = store_photo(upload(image_bytes("PNG", size=(500, 300)), "sedang.png"))
    db.session.commit()
    assert medium.widths == [320, 500]


def test_png_with_transparency_and_webp_are_accepted(app, db, stored):
    store_photo(upload(image_bytes("PNG", mode="RGBA", size=(500, 500)), "logo.png"))
    store_photo(upload(image_bytes("WEBP", size=(800, 600)), "a.webp"))
    db.session.commit()
    assert db.session.query(Photo).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 bukan foto", "bukan foto"),
        (b"GIF89a" + b"\x00" * 100, "bukan foto"),
        (b"", "kosong"),
        (image_bytes("GIF", size=(10, 10)), "bukan foto"),
        (image_bytes()[:200], "bukan foto"),  # truncated JPEG
    ],
)
def test_bad_files_are_refused_with_a_message(app, db, stored, data, message):
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_photo(upload(data))
    assert message in str(error.value.message)
    assert not stored.keys(".webp")


def test_too_many_bytes_is_refused(app, db, stored):
    app.config["UPLOAD_MAX_BYTES"] = 10_000
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_photo(upload(image_bytes(size=(2000, 2000))))
    assert "terlalu besar" in str(error.value.message)


def test_decompression_bomb_is_refused_before_decoding(app, db, stored):
    # A tiny PNG whose header claims 30,000 x 30,000 pixels: 900 megapixels once decoded.
    bomb = png_claiming(30_000, 30_000)
    assert len(bomb) < 1_000
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_photo(upload(bomb))
    assert "piksel" in str(error.value.message)


def test_files_of_a_rolled_back_upload_are_removed(app, db, stored):
    store_photo(upload(image_bytes()))
    assert len(stored.keys(".webp")) == 2
    db.session.rollback()
    assert stored.keys(".webp") == set()


def test_deleting_a_photo_removes_its_files_after_commit(app, db, stored):
    photo = store_photo(upload(image_bytes()))
    db.session.commit()
    keys = {photo_key(photo.token, w) for w in photo.widths}
    delete_photo(photo)
    assert keys <= stored.keys()  # not before the delete is committed
    db.session.commit()
    assert not keys & stored.keys()


def test_media_route_serves_with_long_cache(app, db, client, stored):
    photo = store_photo(upload(image_bytes()))
    db.session.commit()
    response = client.get(f"/media/{photo.token}-320.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert len(response.data) < 40_000
    response.close()
    assert client.get(f"/media/{photo.token}-999.webp").status_code == 404
    assert client.get("/media/..-320.webp").status_code == 404


# --- the fast path: a phone-sized JPEG decoded small (Image.draft), nothing lost ----------

def phone_jpeg(size=(4000, 3000), orientation=6) -> bytes:
    """A 12-megapixel JPEG as a phone writes it: quadrants to see which way it was turned,
    EXIF with an orientation, a maker and a GPS position, an XMP packet and an ICC profile."""
    from PIL import ImageCms

    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><GPSLatitude>6,45S</GPSLatitude></x:xmpmeta>'
    quadrants(size).save(buffer, "JPEG", quality=90, exif=phone_exif(orientation), xmp=xmp,
                         icc_profile=icc)
    return buffer.getvalue()


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size each upload was decoded at, before any rendition was made from it."""
    from kim_app.common import uploads

    sizes = []
    renditions = uploads._renditions

    def spy(image, *args):
        sizes.append(image.size)
        return renditions(image, *args)

    monkeypatch.setattr(uploads, "_renditions", spy)
    return sizes


@pytest.mark.parametrize(("orientation", "widths", "decoded"), [
    (1, [320, 640, 1024], (2000, 1500)),  # 1024 wide needs half of 4000: 1/4 would be 1000
    (6, [320, 640, 1024], (2000, 1500)),  # upright 3000 wide: half of it still covers 1024
    (1, [320, 640], (1000, 750)),
    (1, [320], (500, 375)),  # an eighth
    (6, [320], (500, 375)),  # upright 375 wide, still at least 320
])
def test_a_12_megapixel_jpeg_is_decoded_at_the_smallest_scale_that_covers_its_renditions(
        app, db, stored, decoded_sizes, orientation, widths, decoded):
    photo = store_photo(upload(phone_jpeg(orientation=orientation)), widths=widths)
    db.session.commit()
    assert decoded_sizes == [decoded]
    upright = (3000, 4000) if orientation == 6 else (4000, 3000)
    assert (photo.width, photo.height) == upright
    assert photo.widths == widths
    for width in widths:
        with stored_image(photo, width) as image:
            assert image.size == (width, round(upright[1] * width / upright[0]))


def test_a_12_megapixel_phone_photo_is_served_upright_without_any_metadata(app, db, client,
                                                                           stored):
    data = phone_jpeg(orientation=6)
    photo = store_photo(upload(data), widths=[320, 640, 1024])
    db.session.commit()
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    assert expected.size == (3000, 4000)
    for width, height in ((320, 427), (640, 853), (1024, 1365)):
        response = client.get(f"/media/{photo.token}-{width}.webp")
        assert response.status_code == 200 and response.mimetype == "image/webp"
        body = response.get_data()
        with Image.open(io.BytesIO(body)) as image:
            assert image.format == "WEBP" and image.size == (width, height)
            assert corner_colours(image) == corner_colours(expected)
            assert not image.getexif()
            assert not {"exif", "xmp", "icc_profile"} & set(image.info)
        assert b"PhoneMaker" not in body and b"GPSLatitude" not in body
        response.close()


def lines_and_rings(size=(4000, 3000), orientation=6) -> bytes:
    """A 12-megapixel JPEG with hard edges (thin dark lines, light rings on gradients), where a
    careless scaling shows: blocky (nearest pixel), shifted, or blown up from too small a
    decode."""
    width, height = size
    light = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (light, light.rotate(90).resize(size),
                                Image.radial_gradient("L").resize(size)))
    draw = ImageDraw.Draw(image)
    for x in range(-height, width, 150):
        draw.line((x, 0, x + height // 2, height), fill=(20, 20, 30), width=7)
    for radius in range(100, 1400, 130):
        draw.ellipse((width // 2 - radius, height // 2 - radius, width // 2 + radius,
                      height // 2 + radius), outline=(250, 240, 200), width=5)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def psnr(image: Image.Image, reference: Image.Image) -> float:
    difference = ImageStat.Stat(ImageChops.difference(image.convert("RGB"), reference))
    return 10 * math.log10(255 ** 2 / (sum(rms * rms for rms in difference.rms) / 3))


def test_each_rendition_is_nearly_as_faithful_as_a_fair_downscale_stored_alike(
        app, db, monkeypatch, tmp_path):
    """The fast path (half-scale decode, one rendition scaled from the next) against the fair
    way: Lanczos from the full upright photo straight to each width, stored as an upload of
    exactly that width, so encoded alike."""
    monkeypatch.setitem(app.config, "STORAGE", "local")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    data = lines_and_rings()
    photo = store_photo(upload(data), widths=[320, 640, 1024])
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    for width in photo.widths:
        fair = upright.resize((width, photo.height_at(width)), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        fair.save(buffer, "PNG")
        fair_stored = store_photo(upload(buffer.getvalue(), "fair.png"), widths=[width])
        with stored_image(photo, width) as image, stored_image(fair_stored, width) as alike:
            assert image.size == alike.size == fair.size
            # 0.4-1.0 dB below; nearest pixel 5.5, a quarter-scale decode blown up 2.9
            assert psnr(image, fair) > psnr(alike, fair) - 2.0


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_large_png_and_webp_get_the_same_renditions(app, db, stored, fmt, mode):
    source = quadrants((2400, 1800)).convert(mode)
    if mode == "RGBA":
        source.putalpha(128)  # a logo on a see-through ground keeps its transparency
    buffer = io.BytesIO()
    source.save(buffer, fmt)
    photo = store_photo(upload(buffer.getvalue(), f"gambar.{fmt.lower()}"),
                        widths=[320, 640, 1024])
    db.session.commit()
    assert photo.widths == [320, 640, 1024]
    for width in photo.widths:
        with stored_image(photo, width) as image:
            assert image.size == (width, width * 3 // 4)
            assert image.mode == mode
            assert corner_colours(image) == corner_colours(source)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small valid JPEG whose frame header (SOF0) claims another size."""
    data = bytearray(image_bytes(size=(16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize("size", [(5000, 4000), (30_000, 30_000)])
def test_a_jpeg_with_too_many_pixels_is_refused_from_its_header(app, db, stored,
                                                               decoded_sizes, size):
    # 20 megapixels (over the 16 allowed), and 900 megapixels (a decompression bomb).
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_photo(upload(jpeg_claiming(*size)))
    assert "terlalu banyak piksel" in str(error.value.message)
    assert decoded_sizes == [] and not stored.keys(".webp")


# --- link previews: the JPEG is made once and kept with the photo ------------------------

def test_the_preview_jpeg_is_made_once_then_read_and_goes_with_the_photo(app, db, client,
                                                                          stored, monkeypatch):
    from kim_app.common import uploads

    photo = store_photo(upload(image_bytes(exif=phone_exif(6))))
    db.session.commit()
    first = client.get(f"/media/{photo.token}-1024.jpg")
    assert first.status_code == 200 and first.mimetype == "image/jpeg"
    assert "immutable" in first.headers["Cache-Control"]
    with Image.open(io.BytesIO(first.data)) as image:
        assert image.format == "JPEG" and image.size == (1024, photo.height_at(1024))
        assert not image.getexif()
    assert stored.keys(".jpg") == {uploads.preview_jpeg_key(photo.token, 1024)}

    def no_decoding(*args, **kwargs):
        raise AssertionError("the stored preview must be read, not made again")

    monkeypatch.setattr(uploads.Image, "open", no_decoding)
    again = client.get(f"/media/{photo.token}-1024.jpg")
    assert again.status_code == 200 and again.data == first.data
    assert client.get(f"/media/{photo.token}-999.jpg").status_code == 404
    assert stored.keys(".jpg") == {uploads.preview_jpeg_key(photo.token, 1024)}

    delete_photo(photo)
    db.session.commit()
    assert not stored.keys()
