"""The person's own account: profile and password (the notification centre is in notifications/)."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from kim_app.account import routes  # noqa: E402,F401
