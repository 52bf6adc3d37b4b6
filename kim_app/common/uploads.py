"""Photo uploads: verified, re-encoded, stripped, stored at the sizes the pages show.

Rules:
- only JPEG, PNG and WebP, recognised by their content (Pillow), not by name or MIME type;
- at most `UPLOAD_MAX_BYTES` bytes and `PHOTO_MAX_PIXELS` pixels (KIM_PHOTO_MAX_PIXELS):
  larger images, and decompression bombs, are refused from their header, before decoding;
- the image is turned upright (EXIF orientation), then re-encoded to WebP renditions at
  `PHOTO_WIDTHS` without any metadata: phone photos carry GPS positions, which must never be
  published; the original file is not kept;
- files live in `UPLOAD_DIR` under a random token and are served with a one-year cache.

PDF documents (`store_document`) are recognised by their `%PDF-` signature, limited to
`DOCUMENT_MAX_BYTES`, stored as they are under a random token and only ever served as a
download (`Content-Disposition: attachment`, `nosniff`), never shown inline.

Files are registered for cleanup before they are written and follow the transaction (see
the end of this module); `flask sweep-media` (`sweep_orphans`) removes what a killed worker
left behind.

Callers get an `UploadError` with a translated message to show next to the form field.
"""

import contextlib
import io
import secrets
import time
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kim_app.extensions import db
from kim_app.models.media import Document, Photo

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


class UploadError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def photo_path(token: str, width: int) -> Path:
    return upload_dir() / token[:2] / f"{token}-{width}.webp"


def _read_limited(file_storage, limit_key: str = "UPLOAD_MAX_BYTES", too_large=None,
                  empty=None) -> bytes:
    limit = current_app.config[limit_key]
    data = file_storage.stream.read(limit + 1)
    megabytes = f"{limit / 1024 / 1024:g}"
    if len(data) > limit:
        raise UploadError(too_large(megabytes) if too_large else _l(
            "Foto terlalu besar. Ukuran maksimal %(mb)s MB.", mb=megabytes))
    if not data:
        raise UploadError(empty or _l("Berkas foto kosong."))
    return data


def _open_checked(data: bytes) -> Image.Image:
    max_pixels = current_app.config["PHOTO_MAX_PIXELS"]
    not_an_image = UploadError(_l("Berkas ini bukan foto JPEG, PNG, atau WebP."))
    too_large = UploadError(_l(
        "Foto ini terlalu besar (terlalu banyak piksel): paling banyak %(max)s megapiksel. "
        "Perkecil resolusinya, lalu kirim lagi.", max=f"{max_pixels / 1_000_000:g}"))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads only the header: the size is checked before anything is decoded.
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            if probe.width * probe.height > max_pixels:
                raise too_large
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    return image


def _renditions(image: Image.Image, widths: list[int]) -> dict[int, bytes]:
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    out: dict[int, bytes] = {}
    for width in widths:
        # No upscaling: a width beyond the image's own gives one rendition at its own width.
        target = min(width, image.width)
        copy = image.copy()
        copy.thumbnail((target, 10 * target), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        quality = 70 if width <= 480 else 80
        copy.save(buffer, "WEBP", quality=quality, method=4)  # no exif= : metadata is dropped
        out[target] = buffer.getvalue()
        if target == image.width:
            break
    return out


def store_photo(file_storage, uploaded_by=None, widths=None) -> Photo:
    """Validate and store one uploaded photo; returns the (added, unflushed) Photo.

    `widths` are the renditions to make (default: config `PHOTO_WIDTHS`); a page that shows
    photos at more sizes (product pages) asks for more.
    """
    data = _read_limited(file_storage)
    image = _open_checked(data)
    upright = ImageOps.exif_transpose(image)
    renditions = _renditions(image, sorted(widths or current_app.config["PHOTO_WIDTHS"]))
    token = _new_token()
    _write({photo_path(token, width): body for width, body in renditions.items()})
    photo = Photo(token=token, width=upright.width, height=upright.height,
                  widths=sorted(renditions), uploaded_by_id=getattr(uploaded_by, "id", None))
    db.session.add(photo)
    return photo


def document_path(token: str) -> Path:
    return upload_dir() / "docs" / token[:2] / f"{token}.pdf"


def _download_name(raw: str | None) -> str:
    """A plain, safe download name ending in .pdf (letters, digits, - _ . and spaces)."""
    stem = Path(raw or "").name.rsplit(".", 1)[0]
    cleaned = "".join(ch if ch.isalnum() or ch in " -_." else "-" for ch in stem).strip(" .-")
    return (cleaned[:100] or "dokumen") + ".pdf"


def store_document(file_storage, uploaded_by=None) -> Document:
    """Validate and store one uploaded PDF; returns the (added, unflushed) Document."""
    data = _read_limited(
        file_storage, "DOCUMENT_MAX_BYTES",
        too_large=lambda mb: _l("Berkas PDF terlalu besar. Ukuran maksimal %(mb)s MB.", mb=mb),
        empty=_l("Berkas PDF kosong."),
    )
    if not data.startswith(b"%PDF-"):
        raise UploadError(_l("Berkas ini bukan PDF."))
    token = _new_token()
    _write({document_path(token): data})
    document = Document(token=token, filename=_download_name(file_storage.filename),
                        size=len(data), uploaded_by_id=getattr(uploaded_by, "id", None))
    db.session.add(document)
    return document


def _write(files: dict[Path, bytes]) -> None:
    """Write the files of one upload, each registered for cleanup *before* it is written.

    A full disk or an I/O error removes what this upload wrote so far (partial files too)
    and becomes an `UploadError`: the form is shown again with its text, nothing is left
    behind. Files of earlier uploads in the same transaction go when it rolls back.
    """
    created = _pending(db.session(), "created")
    written: list[Path] = []
    try:
        for path, body in files.items():
            created.append(path)
            written.append(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
    except OSError as error:
        current_app.logger.error("upload not stored: %s", error)
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        raise UploadError(_l(
            "Berkas tidak dapat disimpan karena penyimpanan server penuh atau bermasalah. "
            "Isian Anda tidak hilang; coba kirim lagi beberapa saat lagi.")) from None


def _new_token() -> str:
    return secrets.token_urlsafe(16).replace("-", "a").replace("_", "b")


def delete_photo(photo: Photo) -> None:
    """Delete the row; its files go when the transaction commits (and stay if it fails)."""
    files = _pending(db.session(), "deleted")
    files.extend(photo_path(photo.token, width) for width in photo.widths or [])
    db.session.delete(photo)


def orphaned_files(min_age_seconds: float = 3600) -> list[Path]:
    """Stored files (photo renditions, PDFs) that no row references, last written more than
    `min_age_seconds` ago (a younger file may belong to a request still running). A worker
    killed between writing and committing leaves such files; nothing else does."""
    root = upload_dir()
    if not root.is_dir():
        return []
    photos = set(db.session.scalars(select(Photo.token)))
    documents = set(db.session.scalars(select(Document.token)))
    cutoff = time.time() - min_age_seconds
    candidates = [(path, path.name.rsplit("-", 1)[0], photos)
                  for path in root.glob("??/*.webp")]
    candidates += [(path, path.stem, documents) for path in root.glob("docs/??/*.pdf")]
    return sorted(path for path, token, referenced in candidates
                  if token not in referenced and path.stat().st_mtime < cutoff)


def sweep_orphans(min_age_seconds: float = 3600) -> list[Path]:
    """Remove `orphaned_files(min_age_seconds)`; returns what was removed."""
    removed = []
    for path in orphaned_files(min_age_seconds):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


# Files follow the database transaction: files written for a photo whose transaction rolls
# back are removed, and files of a deleted photo are removed only once the delete commits.
# So nothing is left orphaned on disk and nothing referenced goes missing.

def _pending(session: Session, kind: str) -> list[Path]:
    return session.info.setdefault(f"kim_upload_{kind}", [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for path in session.info.pop("kim_upload_deleted", []):
        path.unlink(missing_ok=True)
    session.info.pop("kim_upload_created", None)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """A transaction that ends without a commit (rolled back, or the session closed at the
    end of the request) removes the files written for it; a commit took them over already."""
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for path in session.info.pop("kim_upload_created", []):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    session.info.pop("kim_upload_deleted", None)
