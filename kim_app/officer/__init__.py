"""The officer's inbox at `/petugas/`: the threads waiting for an officer, by due date."""

from flask import Blueprint

bp = Blueprint("officer", __name__)

from kim_app.officer import routes  # noqa: E402,F401
