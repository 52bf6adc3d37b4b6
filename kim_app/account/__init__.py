"""The person's own account: profile and password, and the notification centre."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from kim_app.account import notifications, routes  # noqa: E402,F401
