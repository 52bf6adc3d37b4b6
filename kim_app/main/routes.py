"""Home, language switch, photo renditions and the health check."""

import contextlib
import io
import threading

from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from kim_app.auth.routes import safe_next
from kim_app.business.catalog import newest_products
from kim_app.common.fragments import Deferred
from kim_app.common.uploads import preview_jpeg, read_photo
from kim_app.extensions import db
from kim_app.info import services as info_services
from kim_app.kim import services as kim_services
from kim_app.main import bp
from kim_app.threads import services as thread_services

HOME_PRODUCTS = 6
LANGUAGE_COOKIE_DAYS = 365
HOME_ANSWERED = 5


@bp.get("/")
def home():
    # Deferred: a page whose sections come from the fragment cache runs none of these.
    return render_template(
        "main/home.html",
        districts=Deferred(kim_services.districts_with_groups),
        announcements=Deferred(info_services.for_home, current_user),
        new_products=Deferred(newest_products, HOME_PRODUCTS, current_user),
        answered=Deferred(thread_services.recently_answered, HOME_ANSWERED),
    )


@bp.get("/bahasa")
@bp.post("/bahasa")
def set_language():
    """The language switch. A guest's form is a GET (no form token, so no session): it only
    sets the language cookie. Logged in, it is a POST with the token and also changes the
    account's language."""
    values = request.form if request.method == "POST" else request.args
    language = values.get("lang", "")
    response = redirect(safe_next(values.get("next")) or url_for("main.home"))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(current_app.config["LANGUAGE_COOKIE"], language,
                            max_age=LANGUAGE_COOKIE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        if request.method == "POST" and current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    return response


_MEDIA_SAMPLE = ("T0KEN", 1)
_media_patterns: dict[str, tuple[str, str]] = {}


@bp.app_template_global()
def media_url(token: str, width: int) -> str:
    """`url_for("main.media", token=…, width=…)`, worked out once per mount point: a page
    of product cards links each photo in four or five widths, and url_for costs more than
    the rest of a card. The shape of the URL still comes from the route below."""
    script_root = request.script_root
    pattern = _media_patterns.get(script_root)
    if pattern is None:
        sample = url_for("main.media", token=_MEDIA_SAMPLE[0], width=_MEDIA_SAMPLE[1])
        before, _, after = sample.partition(f"{_MEDIA_SAMPLE[0]}-{_MEDIA_SAMPLE[1]}")
        pattern = _media_patterns[script_root] = (before, after)
    return f"{pattern[0]}{token}-{int(width)}{pattern[1]}"


@bp.get("/media/<token>-<int:width>.webp")
def media(token: str, width: int):
    """A stored photo rendition. Names are random tokens; files never change, so cache long."""
    if not token.isalnum() or len(token) > 32:
        abort(404)
    data = read_photo(token, width)
    if data is None:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype="image/webp", max_age=31536000,
                         conditional=True, etag=f"{token}-{width}")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/media/<token>-<int:width>.jpg")
def media_jpeg(token: str, width: int):
    """A stored rendition as JPEG, for link previews (WhatsApp shows no WebP): made once,
    then kept (`common.uploads.preview_jpeg`); cached a year like the rendition."""
    if not token.isalnum() or len(token) > 32:
        abort(404)
    data = preview_jpeg(token, width)
    if data is None:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype="image/jpeg", max_age=31536000,
                         conditional=True, etag=f"{token}-{width}-jpeg")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/healthz")
def healthz():
    healthy = _database_answers(current_app._get_current_object())
    response = jsonify(status="ok" if healthy else "error",
                       database="ok" if healthy else "error")
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_answers(app) -> bool:
    """`SELECT 1` within `HEALTH_TIMEOUT` seconds. The probe runs in a thread of its own, so
    a database that accepts connections and then says nothing cannot hold the health check;
    while an earlier probe still hangs, the answer is "no" at once (no pile of threads)."""
    running = app.extensions.get("kim_health_probe")
    if running is not None and running.is_alive():
        return False
    outcome: list[bool] = []

    def probe():
        with app.app_context():
            try:
                db.session.execute(text("SELECT 1"))
                outcome.append(True)
            except Exception:  # noqa: BLE001 - any failure means the database is not usable
                outcome.append(False)
            finally:
                with contextlib.suppress(Exception):
                    db.session.remove()

    thread = threading.Thread(target=probe, name="healthz-probe", daemon=True)
    app.extensions["kim_health_probe"] = thread
    thread.start()
    thread.join(app.config["HEALTH_TIMEOUT"])
    return outcome == [True]
