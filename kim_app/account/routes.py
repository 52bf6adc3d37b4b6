"""The person's own account: profile and password."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from kim_app.account import bp
from kim_app.auth import services
from kim_app.auth.forms import PasswordChangeForm
from kim_app.extensions import db
from kim_app.kim.services import memberships_of


@bp.get("")
@login_required
def profile():
    return render_template("account/profile.html", password_form=PasswordChangeForm(),
                           memberships=memberships_of(current_user))


@bp.post("/kata-sandi")
@login_required
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
        form.current_password.errors = [_("Kata sandi sekarang salah.")]
    return render_template("account/profile.html", password_form=form,
                           memberships=memberships_of(current_user)), 422
