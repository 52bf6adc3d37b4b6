"""The KIM directory and the KIM pages."""

from flask import Blueprint

bp = Blueprint("kim", __name__)

from kim_app.kim import reset_requests, routes  # noqa: E402,F401
