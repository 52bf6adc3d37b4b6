"""Register, log in, log out. Thin: the rules live in `auth.services` and the forms."""

from urllib.parse import urlsplit

from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from kim_app.auth import bp, services
from kim_app.auth.forms import LoginForm, RegisterForm
from kim_app.common.htmx import fragment_response
from kim_app.common.ratelimit import account_and_ip_limits
from kim_app.common.region_fields import VillageForm
from kim_app.extensions import db


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: never an absolute or protocol-relative URL."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _typed_identifier(field: str):
    """A limit's key: the account typed into `field` (phone or email), whoever types it."""
    return lambda: services.identifier_key(request.form.get(field, ""))


def _failed(response) -> bool:
    return response.status_code != 302


def _login_limited(_limit):
    form = LoginForm()
    form.identifier.errors = [
        _("Terlalu banyak percobaan masuk untuk akun ini. Tunggu beberapa menit, lalu coba lagi.")
    ]
    return make_response(render_template("auth/login.html", form=form), 429)


def _register_limited(_limit):
    form = RegisterForm()
    form.phone.errors = [
        _("Terlalu banyak pendaftaran dari nomor atau jaringan ini. "
          "Tunggu sebentar, lalu coba lagi.")
    ]
    return make_response(render_template("auth/register.html", form=form), 429)


@bp.route("/daftar", methods=["GET", "POST"])
@account_and_ip_limits("register", "REGISTER_LIMIT_PER_PHONE", "REGISTER_LIMIT_PER_IP",
                       key=_typed_identifier("phone"), methods=["POST"],
                       on_breach=_register_limited)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if not form.choosing_district and form.validate_on_submit():
        user = services.create_user(
            name=form.name.data,
            phone=form.phone.data,
            email=form.email.data,
            password=form.password.data,
            village_code=form.village.data,
            locale=session.get("locale"),
        )
        db.session.commit()
        session.clear()
        login_user(user, remember=True)
        flash(_("Selamat datang, %(name)s! Akun Anda sudah dibuat.", name=user.name), "success")
        return redirect(url_for("main.home"))
    status = 422 if request.method == "POST" and not form.choosing_district else 200
    return render_template("auth/register.html", form=form), status


@bp.get("/desa")
def village_options():
    """The village <select> of a kecamatan, swapped into any form with `VillageFields`."""
    form = VillageForm(formdata=None, district=request.args.get("district", ""))
    return fragment_response("_village_field.html", form=form)


@bp.route("/masuk", methods=["GET", "POST"])
@account_and_ip_limits("login", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP",
                       key=_typed_identifier("identifier"), methods=["POST"],
                       deduct_when=_failed, on_breach=_login_limited)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.identifier.data, form.password.data)
        if user is not None:
            db.session.commit()
            next_url = safe_next(form.next.data)
            session.clear()
            login_user(user, remember=form.remember.data)
            flash(_("Anda berhasil masuk sebagai %(name)s.", name=user.name), "success")
            return redirect(next_url or url_for("main.home"))
        form.password.errors = [_("Nomor HP/email atau kata sandi salah.")]
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/keluar")
def logout():
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
        logout_user()
    flash(_("Anda sudah keluar."), "success")
    return redirect(url_for("main.home"))
