"""Friendly error pages in the reader's language, and the same errors for htmx requests.

An htmx request gets its error as a message retargeted into `#flash` (see
`common.htmx.retarget_to_flash`), so no error page is ever swapped into a fragment.

An error page never touches the database (it may be what failed): it shows the public
navigation only, and the locale selector then reads only what is already loaded (see
`select_locale`). When the database cannot answer (`database.UNAVAILABLE`: refused, dropped,
timed out), every request gets 503 with `Retry-After` instead of a 500.
"""

from flask import Flask, current_app, g, make_response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from kim_app.common.htmx import retarget_to_flash, wants_fragment
from kim_app.database import UNAVAILABLE
from kim_app.extensions import db
from kim_app.i18n import gettext as _

# Shown if even the error page cannot be rendered: plain HTML, in Bahasa Indonesia.
LAST_RESORT = (
    '<!doctype html><html lang="id"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Portal KIM</title><h1>Terjadi gangguan</h1>"
    "<p>Maaf, layanan sedang terganggu. Silakan coba lagi beberapa saat lagi.</p>"
    '<p><a href="/">Ke beranda</a></p></html>'
)


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
        503: (_("Layanan sedang terganggu"),
              _("Portal sedang tidak dapat membuka datanya. Silakan coba lagi beberapa "
                "saat lagi; kiriman Anda belum tersimpan.")),
    }


def render_error(code: int, title: str | None = None, message: str | None = None):
    g.kim_error_page = True
    if "_login_user" not in g:
        # Flask-Login's template context would load the account: the page is shown as to
        # a visitor instead (it names no one, and the database may be what failed).
        g._login_user = current_app.login_manager.anonymous_user()
    messages = _messages()
    fallback = messages[500] if code >= 500 else messages[400]
    default_title, default_message = messages.get(code, fallback)
    title = title or default_title
    message = message or default_message
    if wants_fragment():
        return retarget_to_flash(message, "error", code)
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it
        current_app.logger.warning("rollback failed after a database error", exc_info=True)


def _last_resort(code: int, render):
    """`render()`, or the plain page when even that fails (never Werkzeug's English page)."""
    try:
        return make_response(render())
    except Exception:  # noqa: BLE001 - an error page must answer whatever went wrong
        current_app.logger.exception("error page failed")
        return make_response(LAST_RESORT, code)


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

    def database_unavailable(error):
        app.logger.error("database unavailable: %s", error)
        _rollback()
        response = _last_resort(503, lambda: render_error(503))
        response.headers["Retry-After"] = str(app.config["DB_RETRY_AFTER_SECONDS"])
        response.headers["Cache-Control"] = "no-store"
        return response

    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(500)
    def server_error(error):
        _rollback()
        return _last_resort(500, lambda: render_error(500))
