"""Forgotten passwords: `/auth/lupa` (a link by email) and `/auth/atur-ulang` (a reset code
from an officer). The rules live in `auth.reset` and `auth.tokens`."""

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from kim_app.auth import bp, messages, reset, services, tokens
from kim_app.auth.forms import CodeResetForm, ForgotForm, NewPasswordForm
from kim_app.auth.routes import _typed_identifier
from kim_app.common import audit
from kim_app.common.ratelimit import account_and_ip_limits
from kim_app.extensions import db, limiter
from kim_app.i18n import gettext as _
from kim_app.models import User


def _forgot_limited(_limit):
    form = ForgotForm()
    form.identifier.errors = [
        _("Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.")
    ]
    return make_response(render_template("auth/forgot.html", form=form, sent=False), 429)


@bp.route("/lupa", methods=["GET", "POST"])
@account_and_ip_limits("forgot", "FORGOT_LIMIT_PER_ACCOUNT", "FORGOT_LIMIT_PER_IP",
                       key=_typed_identifier("identifier"), methods=["POST"],
                       on_breach=_forgot_limited)
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        user = services.find_by_identifier(form.identifier.data)
        if user is not None and user.active and user.email_verified:
            messages.send_reset_link(user)
            db.session.commit()
        # The same answer whether or not the account exists or has an email.
        return render_template("auth/forgot.html", form=ForgotForm(formdata=None), sent=True)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form, sent=False), status


def _link_user(token: str) -> User | None:
    """The account a reset link is for, if the link is valid and unused."""
    minutes = current_app.config["RESET_LINK_MINUTES"]
    try:
        payload = tokens.read(tokens.RESET, token, minutes * 60)
    except tokens.InvalidTokenError:
        return None
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.active or payload.get("p") != tokens.password_fingerprint(
            user.password_hash):
        return None
    return user


@bp.route("/lupa/<token>", methods=["GET", "POST"])
def reset_with_link(token: str):
    user = _link_user(token)
    if user is None:
        return render_template("auth/reset_link.html", form=None), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data)
        audit.record(user, "user.password_reset", "user", user.id, method="email")
        db.session.commit()
        flash(_("Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_link.html", form=form), status


@bp.route("/atur-ulang", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FORGOT_LIMIT_PER_IP"], methods=["POST"],
               scope="reset-code-ip")
def reset_with_code():
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = CodeResetForm()
    if form.validate_on_submit():
        try:
            reset.redeem(form.phone.data, form.code.data, form.password.data)
        except reset.ResetError as error:
            form.code.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Kata sandi sudah diganti dan semua sesi lama diakhiri. Silakan masuk "
                    "dengan kata sandi baru."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_code.html", form=form,
                           hours=current_app.config["RESET_CODE_HOURS"]), status
