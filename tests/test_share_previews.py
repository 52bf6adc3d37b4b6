"""Open Graph previews (share/previews.py): a question, an announcement, a KIM, a business
group and a product each show a title, a description and a JPEG picture when shared;
private, unverified, rejected, unpublished or inactive things show none."""

import io
import re
from html import unescape

import pytest
from PIL import Image
from sqlalchemy import select

from kim_app.common.uploads import store_photo
from kim_app.extensions import db as _db
from kim_app.models import KimGroup, KimStatus, ThreadPhoto, ThreadStatus, Visibility
from kim_app.share import previews
from tests import business_factories as bf
from tests.test_info import publish
from tests.threads.conftest import advance, new_thread


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")


def og(html: str) -> dict:
    return {name: unescape(value) for name, value in
            re.findall(r'<meta property="(og:[\w:]+)" content="([^"]*)">', html)}


def real_photo(size=(1600, 1200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 80)).save(buffer, "JPEG")
    buffer.seek(0)

    class Upload:
        filename = "foto.jpg"
        stream = buffer

    photo = store_photo(Upload())
    _db.session.commit()
    return photo


def assert_jpeg_preview(client, tags, title):
    assert tags["og:title"] == title and tags["og:description"]
    assert tags["og:image:type"] == "image/jpeg"
    assert not tags["og:image"].endswith(".webp")
    image = client.get(tags["og:image"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    decoded = Image.open(io.BytesIO(image.data))
    assert decoded.format == "JPEG"
    assert decoded.size == (int(tags["og:image:width"]), int(tags["og:image:height"]))


def test_a_verified_question_has_a_preview_with_its_photo_as_jpeg(client, db, warga, petugas):
    thread = new_thread(warga, title="Jembatan desa retak setelah banjir")
    _db.session.add(ThreadPhoto(thread_id=thread.id, photo=real_photo(), position=0))
    _db.session.commit()
    advance(thread, petugas, ThreadStatus.DIVERIFIKASI)
    tags = og(client.get(f"/tanya/{thread.code}").get_data(as_text=True))
    assert tags["og:type"] == "article"
    assert tags["og:url"] == f"http://localhost/tanya/{thread.code}"
    assert tags["og:description"].startswith(thread.code)
    assert re.fullmatch(r"http://localhost/media/\w+-1024\.jpg", tags["og:image"])
    assert_jpeg_preview(client, tags, "Jembatan desa retak setelah banjir")


@pytest.mark.parametrize("visibility, status, who", [
    (Visibility.PUBLIC, ThreadStatus.BARU, "asker"),
    (Visibility.PUBLIC, ThreadStatus.DITOLAK, "asker"),
    (Visibility.PRIVATE, ThreadStatus.DIJAWAB, "asker"),
    (Visibility.PRIVATE, ThreadStatus.DIJAWAB, "officer"),
])
def test_private_unverified_or_rejected_questions_have_none(client, db, warga, petugas,
                                                            visibility, status, who):
    from tests.conftest import login

    thread = new_thread(warga, visibility=visibility, title="Bantuan sosial keluarga kami")
    advance(thread, petugas, status)
    login(client, warga if who == "asker" else petugas)
    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Bantuan sosial keluarga kami" in html  # the page itself is shown to them
    assert og(html) == {}


def test_an_anonymous_question_names_nobody(client, db, warga, petugas):
    thread = new_thread(warga, visibility=Visibility.ANONYMOUS, title="Pungutan di sekolah")
    advance(thread, petugas, ThreadStatus.DIVERIFIKASI)
    tags = og(client.get(f"/tanya/{thread.code}").get_data(as_text=True))
    assert tags["og:title"] == "Pungutan di sekolah"
    assert warga.name not in " ".join(tags.values())


def test_an_announcement_with_and_without_a_photo(client, db, petugas):
    plain = publish(db, petugas, title="Jadwal vaksinasi ternak")
    tags = og(client.get(f"/info/{plain.id}").get_data(as_text=True))
    assert tags["og:description"] == "Isi pengumuman ini."
    assert re.fullmatch(r"http://localhost/static/img/og-default\.jpg\?v=\w+", tags["og:image"])
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert_jpeg_preview(client, tags, "Jadwal vaksinasi ternak")

    pictured = publish(db, petugas, title="Pasar murah")
    pictured.photo = real_photo((800, 600))
    _db.session.commit()
    tags = og(client.get(f"/info/{pictured.id}").get_data(as_text=True))
    assert tags["og:image"].endswith("-800.jpg")
    assert_jpeg_preview(client, tags, "Pasar murah")


def test_a_withdrawn_announcement_has_none(app, client, db, petugas):
    from kim_app.info import corrections

    item = publish(db, petugas, title="Jadwal vaksinasi yang keliru")
    assert og(client.get(f"/info/{item.id}").get_data(as_text=True))
    with app.test_request_context("/"):
        corrections.withdraw(item, petugas, "Tanggalnya salah")
    _db.session.commit()
    page = client.get(f"/info/{item.id}")
    assert page.status_code == 200 and "Tanggalnya salah" in page.get_data(as_text=True)
    assert og(page.get_data(as_text=True)) == {}


def test_a_kim_and_a_business_group(client, db):
    kim = bf.kim()
    tags = og(client.get(f"/kim/{kim.slug}").get_data(as_text=True))
    assert tags["og:url"] == f"http://localhost/kim/{kim.slug}"
    assert_jpeg_preview(client, tags, kim.name)

    group = bf.business_group(kim)
    group.logo = real_photo((480, 480))
    _db.session.commit()
    tags = og(client.get(f"/usaha/{group.slug}").get_data(as_text=True))
    assert tags["og:url"] == f"http://localhost/usaha/{group.slug}"
    assert_jpeg_preview(client, tags, group.name)


def test_an_inactive_kim_and_its_groups_have_none(app, db):
    kim = _db.session.scalar(select(KimGroup).limit(1))
    group = bf.business_group(kim)
    item = bf.product(group)
    kim.status = KimStatus.NONAKTIF
    _db.session.commit()
    with app.test_request_context("/"):
        assert [previews.preview(x) for x in (kim, group, item)] == [None, None, None]


def test_an_unpublished_product_has_none_even_for_its_manager(client, db):
    from tests.conftest import login

    group = bf.business_group(bf.kim())
    manager = bf.manager_of(group)
    hidden = bf.product(group, "Keripik Rahasia", published=False)
    login(client, manager)
    html = client.get(f"/usaha/{group.slug}/{hidden.slug}").get_data(as_text=True)
    assert "Keripik Rahasia" in html and og(html) == {}


def test_something_hidden_by_a_moderator_has_none(app, db, petugas, warga):
    thread = new_thread(warga)
    advance(thread, petugas, ThreadStatus.DIVERIFIKASI)
    with app.test_request_context("/"):
        assert previews.preview(thread) is not None
        thread.hidden_at = thread.created_at  # the moderation column, once it exists
        assert previews.preview(thread) is None


def test_excerpt_is_plain_and_short():
    text = "**Penting**: [daftar](https://contoh.invalid) " + "kata " * 100
    short = previews.excerpt(text)
    assert short.startswith("Penting: daftar kata") and short.endswith("…")
    assert len(short) <= previews.DESCRIPTION_MAX + 1 and "*" not in short


@pytest.mark.parametrize("path", ["/media/zzzz-1024.jpg", "/media/a_b-1024.jpg",
                                  f"/media/{'a' * 40}-320.jpg", "/media/abc-99999999.jpg"])
def test_jpeg_of_a_missing_photo_is_404(client, db, path):
    assert client.get(path).status_code == 404
