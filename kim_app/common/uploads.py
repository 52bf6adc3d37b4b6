"""Photo uploads: verified, re-encoded, stripped, stored at the sizes the pages show.

Rules:
- only JPEG, PNG and WebP, recognised by their content (Pillow), not by name or MIME type;
- at most `UPLOAD_MAX_BYTES` bytes and `PHOTO_MAX_PIXELS` pixels (KIM_PHOTO_MAX_PIXELS):
  larger images, and decompression bombs, are refused from their header, before decoding;
- the image is turned upright (EXIF orientation), then re-encoded to WebP renditions at
  `PHOTO_WIDTHS` without any metadata: phone photos carry GPS positions, which must never be
  published; the original file is not kept;
- it is fast enough to store while the person waits (a 12-megapixel phone JPEG well under
  200 ms, `python -m bench.photo`): a JPEG is decoded at the smallest scale that still
  covers the largest rendition, and each rendition is scaled from the next larger one;
- files are kept by `common.storage` (a local folder, or S3-compatible object storage for
  several app machines) under a random token and are served with a one-year cache; a link
  preview's JPEG (WhatsApp shows no WebP) is made from a rendition when first asked for
  and kept beside it (`preview_jpeg`).

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
from PIL import Image, UnidentifiedImageError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kim_app.common.storage import LocalStorage, S3Storage, storage
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models.media import Document, Photo

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
ORIENTATION = 0x0112  # EXIF tag
SIDEWAYS = {5, 6, 7, 8}  # orientations that turn the picture by a quarter
TRANSPOSE = {  # as ImageOps.exif_transpose does it
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class UploadError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def photo_key(token: str, width: int) -> str:
    return f"{token[:2]}/{token}-{width}.webp"


def read_photo(token: str, width: int) -> bytes | None:
    """The stored rendition, or None when there is none."""
    return storage().get(photo_key(token, width))


def preview_jpeg_key(token: str, width: int) -> str:
    return f"{token[:2]}/{token}-{width}.jpg"


def preview_jpeg(token: str, width: int) -> bytes | None:
    """A rendition as JPEG, for link previews (WhatsApp shows no WebP); None when there is
    no such rendition. Made from the WebP rendition the first time it is asked for and kept
    beside it, so the crawlers' later visits only read a file. It goes with the photo's
    other files (`delete_photo`, `sweep_orphans`)."""
    store = storage()
    key = preview_jpeg_key(token, width)
    data = store.get(key)
    if data is not None:
        return data
    webp = store.get(photo_key(token, width))
    if webp is None:
        return None
    with Image.open(io.BytesIO(webp)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=82, progressive=True)
    data = buffer.getvalue()
    try:
        store.put(key, data, "image/jpeg")
    except OSError as error:  # a full disk: served all the same, and made again next time
        current_app.logger.error("preview JPEG not stored: %s", error)
    return data


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


def _open_checked(data: bytes, largest_width: int) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image, at reduced scale where the format allows (a JPEG decodes at 1/2,
    1/4 or 1/8 of its size straight from the file, `Image.draft`), but never below
    `largest_width` once upright; and the upright size of the original."""
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
            turned = image.getexif().get(ORIENTATION, 1) in SIDEWAYS
            size = (image.height, image.width) if turned else image.size
            if image.format == "JPEG":
                image.draft("RGB", (1, largest_width) if turned else (largest_width, 1))
            image.load()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    return image, size


def _renditions(image: Image.Image, widths: list[int], full_size: tuple[int, int]
                ) -> dict[int, bytes]:
    """WebP renditions, the largest first, each scaled from the one before it (the smallest
    source that is still large enough); the largest is turned upright once it is small.

    The largest is scaled from the decoded image with Hamming, the smaller ones with bicubic.
    That first step is the dearest (a phone JPEG's half-scale decode, 2000 × 1500, down to
    1365 × 1024) and Hamming's kernel is half as wide as bicubic's: 9 % fewer instructions
    for the whole store, for a largest rendition a little softer once encoded (PSNR against
    a Lanczos downscale of the full photo 0.2 dB lower on photos, up to 0.8 dB on thin
    lines). Hamming for the smaller steps too would save 6 % more and lose up to 1.1 dB."""
    orientation = image.getexif().get(ORIENTATION, 1)
    transpose = TRANSPOSE.get(orientation)
    turned = orientation in SIDEWAYS
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    source = image if image.mode == mode else image.convert(mode)
    # No upscaling: widths beyond the image's own give one rendition at its own width.
    full_width, full_height = full_size
    targets = sorted({min(width, full_width) for width in widths}, reverse=True)
    out: dict[int, bytes] = {}
    resample = Image.Resampling.HAMMING  # from the decoded image; then from a rendition
    for target in targets:
        height = max(1, round(full_height * target / full_width))  # as Photo.height_at
        size = (height, target) if turned else (target, height)
        if source.size != size:
            source = source.resize(size, resample, reducing_gap=2.0)
        resample = Image.Resampling.BICUBIC
        if transpose is not None:
            source = source.transpose(transpose)
            transpose, turned = None, False
        buffer = io.BytesIO()
        # WebP's effort (`method`: 0 fastest … 6 smallest file) changes the size of the file,
        # not how the picture looks (the same PSNR against its source at every effort). The
        # larger renditions at effort 0: 0.6 of the time of effort 2 for 8–16 % more bytes;
        # thumbnails, which list pages show by the dozen, at effort 2: half the time of
        # effort 4 for 5 % more.
        thumbnail = target <= 480
        source.save(buffer, "WEBP", quality=70 if thumbnail else 80,
                    method=2 if thumbnail else 0)  # no exif=: metadata dropped
        out[target] = buffer.getvalue()
    return dict(sorted(out.items()))


def store_photo(file_storage, uploaded_by=None, widths=None) -> Photo:
    """Validate and store one uploaded photo; returns the (added, unflushed) Photo.

    `widths` are the renditions to make (default: config `PHOTO_WIDTHS`); a page that shows
    photos at more sizes (product pages) asks for more.
    """
    data = _read_limited(file_storage)
    widths = sorted(widths or current_app.config["PHOTO_WIDTHS"])
    image, (width, height) = _open_checked(data, widths[-1])
    renditions = _renditions(image, widths, (width, height))
    token = _new_token()
    _write({photo_key(token, rendition): (body, "image/webp")
            for rendition, body in renditions.items()})
    photo = Photo(token=token, width=width, height=height,
                  widths=sorted(renditions), uploaded_by_id=getattr(uploaded_by, "id", None))
    db.session.add(photo)
    return photo


def document_key(token: str) -> str:
    return f"docs/{token[:2]}/{token}.pdf"


def read_document(token: str) -> bytes | None:
    return storage().get(document_key(token))


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
    _write({document_key(token): (data, "application/pdf")})
    document = Document(token=token, filename=_download_name(file_storage.filename),
                        size=len(data), uploaded_by_id=getattr(uploaded_by, "id", None))
    db.session.add(document)
    return document


def _write(files: dict[str, tuple[bytes, str]]) -> None:
    """Store the files of one upload (key → body, content type), each registered for cleanup
    *before* it is written.

    A full disk or an I/O error removes what this upload wrote so far (partial files too)
    and becomes an `UploadError`: the form is shown again with its text, nothing is left
    behind. Files of earlier uploads in the same transaction go when it rolls back.
    """
    store = storage()
    created = _pending(db.session(), "created")
    written: list[str] = []
    try:
        for key, (body, content_type) in files.items():
            created.append((store, key))
            written.append(key)
            store.put(key, body, content_type)
    except OSError as error:
        current_app.logger.error("upload not stored: %s", error)
        for key in written:
            with contextlib.suppress(OSError):
                store.delete(key)
        raise UploadError(_l(
            "Berkas tidak dapat disimpan karena penyimpanan server penuh atau bermasalah. "
            "Isian Anda tidak hilang; coba kirim lagi beberapa saat lagi.")) from None


def _new_token() -> str:
    return secrets.token_urlsafe(16).replace("-", "a").replace("_", "b")


def delete_photo(photo: Photo) -> None:
    """Delete the row; its files go when the transaction commits (and stay if it fails)."""
    store = storage()
    _pending(db.session(), "deleted").extend(
        (store, key) for width in photo.widths or []
        for key in (photo_key(photo.token, width), preview_jpeg_key(photo.token, width)))
    db.session.delete(photo)


def upload_dir() -> Path:
    """The local upload folder (`KIM_UPLOAD_DIR`), where the local store keeps its files."""
    return Path(current_app.config["UPLOAD_DIR"])


def photo_path(token: str, width: int) -> Path:
    """Where the local store keeps a photo rendition."""
    return upload_dir() / photo_key(token, width)


def document_path(token: str) -> Path:
    """Where the local store keeps a PDF."""
    return upload_dir() / document_key(token)


def orphaned_files(min_age_seconds: float = 3600) -> list[Path]:
    """Files in the local upload folder (photo renditions and their preview JPEGs, PDFs)
    that no row references, last
    written more than `min_age_seconds` ago (a younger file may belong to a request still
    running). A worker killed between writing and committing leaves such files; nothing
    else does. With object storage (`KIM_STORAGE=s3`) the folder is not used and this finds
    nothing: a bucket lifecycle rule does that job there."""
    if not isinstance(storage(), LocalStorage):
        return []
    root = upload_dir()
    if not root.is_dir():
        return []
    photos = set(db.session.scalars(select(Photo.token)))
    documents = set(db.session.scalars(select(Document.token)))
    cutoff = time.time() - min_age_seconds
    candidates = [(path, path.name.rsplit("-", 1)[0], photos)
                  for pattern in ("??/*.webp", "??/*.jpg") for path in root.glob(pattern)]
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

def _pending(session: Session, kind: str) -> list[tuple[LocalStorage | S3Storage, str]]:
    return session.info.setdefault(f"kim_upload_{kind}", [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for store, key in session.info.pop("kim_upload_deleted", []):
        store.delete(key)
    session.info.pop("kim_upload_created", None)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """A transaction that ends without a commit (rolled back, or the session closed at the
    end of the request) removes the files written for it; a commit took them over already."""
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    for store, key in session.info.pop("kim_upload_created", []):
        with contextlib.suppress(OSError):
            store.delete(key)
    session.info.pop("kim_upload_deleted", None)
