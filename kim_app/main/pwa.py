"""The installable web app: the manifest, the service worker and its offline page.

The service worker (`static/js/sw.js`) is served from `/sw.js` so that its scope is the
whole site. It is a static file; this route puts in front of it the list of files to
precache, with the content hash of each (`static_url`), so a change to any of them is a new
service worker, which replaces the old cache. It never caches pages with someone's data:
pages come from the network, and only when the network fails the offline page (fetched
without cookies) is shown. A question typed offline is kept on the phone by `app.js`.
"""

import hashlib
import json
from pathlib import Path

from flask import current_app, render_template, url_for

from kim_app.i18n import gettext as _
from kim_app.main import bp
from kim_app.templating import static_url

PRECACHED_STATIC = ("vendor/pico.min.css", "css/app.css", "vendor/htmx.min.js", "js/app.js",
                    "img/favicon.svg", "img/icon-192.png")
THEME_COLOUR = "#0b6e4f"
BACKGROUND_COLOUR = "#f4f7f6"


@bp.get("/manifest.webmanifest")
def manifest():
    regency = current_app.config["REGENCY_NAME"]
    icon = lambda name, size, purpose: {  # noqa: E731 - three lines of data
        "src": static_url(f"img/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
        "purpose": purpose}
    body = {
        "name": _("Portal KIM %(regency)s", regency=regency),
        "short_name": _("Portal KIM"),
        "description": _("Informasi pemerintah, tanya jawab warga, dan produk usaha KIM."),
        "lang": "id",
        "start_url": url_for("main.home"),
        "scope": url_for("main.home"),
        "id": url_for("main.home"),
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [icon("icon-192.png", 192, "any"), icon("icon-512.png", 512, "any"),
                  icon("icon-maskable-512.png", 512, "maskable")],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sw.js")
def service_worker():
    precache = [static_url(name) for name in PRECACHED_STATIC] + [url_for("main.offline")]
    version = hashlib.sha256("\n".join(precache).encode()).hexdigest()[:12]
    script = Path(current_app.static_folder, "js", "sw.js").read_text(encoding="utf-8")
    head = (f"self.KIM_VERSION = {json.dumps(version)};\n"
            f"self.KIM_PRECACHE = {json.dumps(precache)};\n"
            f"self.KIM_OFFLINE = {json.dumps(url_for('main.offline'))};\n")
    response = current_app.response_class(head + script, mimetype="text/javascript")
    # Browsers check for a new worker at most daily anyway; never keep an old one longer.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("main/offline.html")
