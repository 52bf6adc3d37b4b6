"""Information that flows down: announcements, relays by KIMs, reach."""

from flask import Blueprint

bp = Blueprint("info", __name__)

from kim_app.info import routes  # noqa: E402,F401
