"""Uploads that cannot be afforded or stored: pixel floods refused from the header, a full
disk answered 422 with the typed text kept and nothing left on disk."""

import errno
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from kim_app.common.uploads import UploadError, store_document, store_photo
from kim_app.config import Config
from kim_app.models import Document, Photo
from tests.conftest import field_error, login
from tests.test_uploads import image_bytes, png_claiming, upload
from tests.threads.test_ask import form_data, thread_count

FLOOD = png_claiming(6300, 6300)  # a tiny PNG claiming 39.7 megapixels (~160 MB decoded)


@pytest.fixture
def uploads(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def never_decode(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(Image.Image, "load", refuse)


def test_photos_above_16_megapixels_are_refused_before_decoding(app, db, uploads, never_decode):
    assert Config.PHOTO_MAX_PIXELS == 16_000_000
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_photo(upload(FLOOD, "besar.png"))
    message = str(error.value.message)
    assert "terlalu banyak piksel" in message and "16 megapiksel" in message
    assert stored_files(uploads) == []


def test_the_pixel_limit_is_configurable(app, db, uploads):
    app.config["PHOTO_MAX_PIXELS"] = 1_000_000
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_photo(upload(image_bytes("PNG", size=(1200, 900))))
    assert "1 megapiksel" in str(error.value.message)
    with app.test_request_context("/"):
        store_photo(upload(image_bytes("PNG", size=(1000, 1000))))


def test_a_pixel_flood_on_the_ask_form_is_answered_422_with_the_text(client, db, asker, uploads,
                                                                      never_decode):
    login(client, asker)
    response = client.post("/tanya/baru", data=form_data(photos=[
        upload(FLOOD, "besar.png")]), content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "16 megapiksel" in field_error(html, "photos")
    assert "Lampu jalan mati di depan SD" in html


@pytest.fixture
def disk_fills_up(monkeypatch):
    """The disk fills up during the `fail_at`-th file write: half of it is written, then
    ENOSPC (as a real full disk leaves a truncated file behind)."""
    writes = []
    real_write = Path.write_bytes

    def arm(fail_at: int, code: int = errno.ENOSPC):
        def write_bytes(self, data):
            writes.append(self)
            if len(writes) >= fail_at:
                real_write(self, data[: len(data) // 2])
                raise OSError(code, "No space left on device")
            return real_write(self, data)

        monkeypatch.setattr(Path, "write_bytes", write_bytes)
        return writes

    return arm


@pytest.mark.parametrize("fail_at, code", [(1, errno.ENOSPC), (3, errno.ENOSPC), (2, errno.EIO)])
def test_a_full_disk_answers_422_keeps_the_text_and_leaves_no_file(client, db, asker, uploads,
                                                                  disk_fills_up, fail_at, code):
    login(client, asker)
    writes = disk_fills_up(fail_at, code)
    response = client.post("/tanya/baru", data=form_data(photos=[
        upload(image_bytes(), "a.jpg"), upload(image_bytes("PNG"), "b.png")]),
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "penyimpanan server penuh" in field_error(html, "photos")
    assert "Lampu jalan mati di depan SD" in html  # the typed form is kept
    assert len(writes) == fail_at
    assert stored_files(uploads) == []  # partial and earlier files removed
    assert thread_count(db) == 0
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_a_full_disk_while_storing_a_document_leaves_no_file(app, db, uploads, disk_fills_up):
    disk_fills_up(1)
    with app.test_request_context("/"), pytest.raises(UploadError) as error:
        store_document(upload(b"%PDF-1.4 surat edaran", "surat.pdf"))
    assert "penyimpanan server penuh" in str(error.value.message)
    db.session.rollback()
    assert stored_files(uploads) == []
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_files_are_removed_when_the_request_ends_without_a_commit(app, db, uploads):
    """Even a caller that forgets to roll back leaves nothing: closing the session does."""
    with app.test_request_context("/"):
        store_photo(upload(image_bytes()))
        assert len(stored_files(uploads)) == 2
        db.session.close()
    assert stored_files(uploads) == []
