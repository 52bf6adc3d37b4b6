"""Friendly error pages in the reader's language, and the same errors for htmx requests.

An htmx request gets its error as a message retargeted into `#flash` (see
`common.htmx.retarget_to_flash`), so no error page is ever swapped into a fragment.
"""

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kim_app.common.htmx import retarget_to_flash, wants_fragment
from kim_app.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Permintaan tidak dapat diproses"),
              _("Ada yang kurang atau salah dalam permintaan ini. Silakan kembali dan coba lagi.")),
        403: (_("Akses ditolak"),
              _("Anda tidak memiliki izin untuk membuka halaman atau melakukan tindakan ini.")),
        404: (_("Halaman tidak ditemukan"),
              _("Halaman yang Anda cari tidak ada atau sudah dipindahkan.")),
        405: (_("Tindakan tidak diizinkan"),
              _("Cara membuka halaman ini tidak didukung.")),
        413: (_("Berkas terlalu besar"),
              _("Berkas yang dikirim melebihi batas ukuran. Perkecil berkas lalu coba lagi.")),
        429: (_("Terlalu banyak percobaan"),
              _("Anda sudah mencoba terlalu sering. Tunggu sebentar, lalu coba lagi.")),
        500: (_("Terjadi kesalahan pada server"),
              _("Maaf, ada gangguan di pihak kami. Silakan coba lagi beberapa saat lagi.")),
    }


def render_error(code: int, title: str | None = None, message: str | None = None):
    messages = _messages()
    fallback = messages[500] if code >= 500 else messages[400]
    default_title, default_message = messages.get(code, fallback)
    title = title or default_title
    message = message or default_message
    if wants_fragment():
        return retarget_to_flash(message, "error", code)
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _("Formulir kedaluwarsa"),
            _("Formulir ini sudah kedaluwarsa atau sesi Anda telah berakhir. "
              "Muat ulang halaman, lalu kirim lagi."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code < 400:
            return error
        if error.response is not None:  # a view prepared its own answer (e.g. a rate limit)
            return error.response
        return render_error(code)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
