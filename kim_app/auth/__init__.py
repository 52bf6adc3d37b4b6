"""Accounts: register, log in, log out."""

import secrets

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import LoginManager
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from kim_app.extensions import db, htmx
from kim_app.i18n import lazy_gettext as _l

bp = Blueprint("auth", __name__)


def load_user(session_id: str):
    from kim_app.models import User

    user_id, _sep, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    # Without the village and kecamatan a User brings along by default: every request of
    # someone logged in asks for its account, the few pages that show them load them.
    user = db.session.scalar(select(User).where(User.id == int(user_id))
                             .options(lazyload(User.village)))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def unauthorized():
    flash(_l("Silakan masuk terlebih dahulu untuk melanjutkan."), "info")
    target = request.full_path if request.method == "GET" else request.referrer or "/"
    login_url = url_for("auth.login", next=target.rstrip("?"))
    if htmx:
        response = redirect(login_url)
        response.status_code = 401
        response.headers["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


def init_login(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)
    manager.session_protection = "basic"


from kim_app.auth import recovery, routes  # noqa: E402,F401
