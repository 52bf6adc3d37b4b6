"""The person's own account: profile and password."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required, login_user

from kim_app.account import bp
from kim_app.account.forms import DataSaverForm
from kim_app.auth import services
from kim_app.auth.forms import PasswordChangeForm
from kim_app.common.ratelimit import account_key
from kim_app.extensions import db, limiter
from kim_app.i18n import gettext as _
from kim_app.kim.services import memberships_of
from kim_app.threads import titipan


@bp.get("")
@login_required
def profile():
    return _profile_page(PasswordChangeForm())


def _profile_page(password_form, status: int = 200):
    on_behalf, more_on_behalf = titipan.on_behalf_of(current_user)
    return make_response(render_template(
        "account/profile.html", password_form=password_form,
        data_saver_form=DataSaverForm(formdata=None, save_data=bool(current_user.save_data)),
        memberships=memberships_of(current_user), on_behalf=on_behalf,
        more_on_behalf=more_on_behalf), status)


@bp.post("/hemat-data")
@login_required
def data_saver():
    """The person's own "Hemat data" setting (common/data_saver.py)."""
    form = DataSaverForm()
    if not form.validate_on_submit():
        abort(400)
    current_user.save_data = bool(form.save_data.data)
    db.session.commit()
    flash(_("Hemat data aktif: foto dimuat hanya saat Anda mengetuknya.") if form.save_data.data
          else _("Hemat data dimatikan: foto dimuat seperti biasa."), "success")
    return redirect(url_for("account.profile"))


def _wrong_password(response) -> bool:
    """Only a wrong current password counts against the guessing limit."""
    return response.status_code == 422 and g.get("kim_wrong_current_password", False)


def _password_limited(_limit):
    form = PasswordChangeForm()
    form.current_password.errors = [_("Terlalu banyak percobaan kata sandi yang salah. Tunggu "
                                      "beberapa menit, lalu coba lagi.")]
    return _profile_page(form, 429)


@bp.post("/kata-sandi")
@login_required
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_LIMIT"], key_func=account_key,
               deduct_when=_wrong_password, on_breach=_password_limited,
               scope="password-change")
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if services.check_password(current_user, form.current_password.data):
            services.change_password(current_user, form.password.data)
            db.session.commit()
            # This device stays logged in with the new token; every other session ends.
            login_user(current_user._get_current_object(), remember=True)
            flash(_("Kata sandi sudah diganti. Sesi di perangkat lain telah diakhiri."),
                  "success")
            return redirect(url_for("account.profile"))
        g.kim_wrong_current_password = True
        form.current_password.errors = [_("Kata sandi sekarang salah.")]
    return _profile_page(form, 422)
