"""`flask sweep-media`: files a killed worker left behind (no row references them) go once
they are an hour old; referenced files and young files stay."""

import os
import time

from kim_app.common.uploads import document_path, photo_path, store_document, store_photo
from tests.test_uploads import image_bytes, upload


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_sweep_media_removes_old_unreferenced_files_only(app, db, runner, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    with app.test_request_context("/"):
        kept = store_photo(upload(image_bytes()))
        document = store_document(upload(b"%PDF-1.4 surat", "surat.pdf"))
        db.session.commit()
    assert app.test_client().get(f"/media/{kept.token}-1024.jpg").status_code == 200
    kept_files = [photo_path(kept.token, width) for width in kept.widths]
    kept_files += [photo_path(kept.token, 1024).with_suffix(".jpg"), document_path(document.token)]
    assert all(path.exists() for path in kept_files)
    # What a worker killed between writing and committing leaves: files, no row; and a
    # preview JPEG made while its photo was being deleted.
    orphans = [photo_path("yatim1234abcd", 320), photo_path("yatim1234abcd", 1024),
               photo_path("yatim1234abcd", 1024).with_suffix(".jpg"),
               document_path("yatimdoc5678")]
    young = photo_path("barusaja9999", 320)
    for path in [*orphans, young]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    for path in [*kept_files, *orphans]:
        age(path, 2 * 3600)
    age(young, 10 * 60)  # a request may still be committing it

    dry = runner.invoke(args=["sweep-media", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "sweep-media: 4 file(s) to remove." in dry.output
    assert all(path.exists() for path in orphans)

    result = runner.invoke(args=["sweep-media"])
    assert result.exit_code == 0, result.output
    for path in orphans:
        assert f"removed {path}" in result.output
        assert not path.exists()
    assert "sweep-media: 4 file(s) removed." in result.output
    assert all(path.exists() for path in kept_files) and young.exists()
    assert client_sees(app, kept)

    again = runner.invoke(args=["sweep-media"])
    assert "sweep-media: 0 file(s) removed." in again.output


def client_sees(app, photo) -> bool:
    return app.test_client().get(f"/media/{photo.token}-320.webp").status_code == 200


def test_sweep_media_without_an_upload_folder(app, runner, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "none-yet")
    result = runner.invoke(args=["sweep-media"])
    assert result.exit_code == 0 and "0 file(s) removed" in result.output
