"""Business groups (kelompok usaha) of the KIMs and their product catalog."""

from flask import Blueprint

bp = Blueprint("business", __name__)

from kim_app.business import routes  # noqa: E402,F401
