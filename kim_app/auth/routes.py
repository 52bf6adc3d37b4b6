"""Register, log in, log out. Thin: the rules live in `auth.services` and the forms."""

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from kim_app.auth import bp, devices, services
from kim_app.auth.forms import LoginForm, RegisterForm
from kim_app.common import privacy
from kim_app.common.htmx import fragment_response
from kim_app.common.ratelimit import account_and_ip_limits
from kim_app.common.region_fields import VillageForm
from kim_app.extensions import db, limiter
from kim_app.i18n import gettext as _


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: never an absolute or protocol-relative URL, and nothing a
    browser could read as one (a backslash) or that cannot be a header (CR, LF, controls)."""
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _typed_identifier(field: str):
    """A limit's key: the account typed into `field` (phone or email), whoever types it."""
    return lambda: services.identifier_key(request.form.get(field, ""))


def _login_account() -> int | None:
    """The id of the account being logged in to (None: no such account), once a request."""
    if "kim_login_account" not in g:
        user = services.find_by_identifier(request.form.get("identifier", ""))
        g.kim_login_account = user.id if user is not None else None
    return g.kim_login_account


def _login_pair_key() -> str:
    """The account and where the attempt comes from: this device if it logged in to the
    account before (so guessers sharing its carrier address cannot lock it), else the
    client address."""
    source = (f"device:{devices.device_id()}" if devices.trusted_for(_login_account())
              else f"ip:{request.remote_addr}")
    return f"login:{services.identifier_key(request.form.get('identifier', ''))}:{source}"


def _trusted_device() -> bool:
    """A device that logged in to this account before is exempt from the account-wide
    limit (not from the per-device one)."""
    return request.method == "POST" and devices.trusted_for(_login_account())


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
        privacy.accept(user)
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
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"],
               key_func=_login_pair_key, methods=["POST"], deduct_when=_failed,
               on_breach=_login_limited, scope="login-account-address")
@account_and_ip_limits("login", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP",
                       key=_typed_identifier("identifier"), methods=["POST"],
                       deduct_when=_failed, exempt_when=_trusted_device,
                       on_breach=_login_limited)
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
            response = redirect(next_url or url_for("main.home"))
            devices.remember(response, user)
            return response
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
