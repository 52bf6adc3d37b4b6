"""Home, language switch, photo renditions and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from kim_app.main import privacy, pwa, routes  # noqa: E402,F401
