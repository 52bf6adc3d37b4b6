"""`/akun/profil`: correcting one's own name, village, email, language and phone number."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_login import current_user, login_required

from kim_app.account import bp, services
from kim_app.account.forms import PhoneChangeForm, ProfileForm
from kim_app.auth import services as accounts
from kim_app.auth import tokens
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import User
from kim_app.notifications.mail import email_configured


def _profile_form(formdata=None) -> ProfileForm:
    user = current_user
    village = user.village
    form = ProfileForm(
        formdata=formdata, user=user, languages=current_app.config["LANGUAGES"],
        data={"name": user.name, "district": village.district_code if village else "",
              "village": user.village_code or "", "locale": user.locale or "id",
              "email": user.pending_email or user.email or ""},
    )
    return form


def _page(form, phone_form, status=200):
    return render_template("account/edit_profile.html", form=form, phone_form=phone_form,
                           mail_ready=email_configured()), status


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def edit_profile():
    if request.method == "GET":
        return _page(_profile_form(), PhoneChangeForm(formdata=None))
    form = _profile_form(request.form)
    if form.choosing_district:
        return _page(form, PhoneChangeForm(formdata=None))
    if form.validate_on_submit():
        sent = services.update_profile(current_user, name=form.name.data,
                                       village_code=form.village.data, email=form.email.data,
                                       locale=form.locale.data)
        db.session.commit()
        refresh()  # the confirmation in the language just chosen, not the one read before
        flash(_("Profil sudah disimpan."), "success")
        if sent:
            flash(_("Kami mengirim tautan ke %(email)s. Email dikirim ke alamat baru setelah "
                    "tautan itu dibuka.", email=current_user.pending_email), "info")
        return redirect(url_for("account.edit_profile"))
    return _page(form, PhoneChangeForm(formdata=None), 422)


@bp.post("/profil/nomor-hp")
@login_required
def change_phone():
    form = PhoneChangeForm()
    if form.validate_on_submit():
        if not accounts.check_password(current_user, form.current_password.data):
            form.current_password.errors = [_("Kata sandi sekarang salah.")]
        else:
            try:
                services.change_phone(current_user, form.phone.normalised)
            except services.PhoneTakenError:
                form.phone.errors = [_("Nomor HP ini sudah dipakai akun lain.")]
            else:
                db.session.commit()
                flash(_("Nomor HP sudah diganti menjadi %(phone)s. Masuk berikutnya dengan "
                        "nomor ini.", phone=current_user.phone), "success")
                return redirect(url_for("account.edit_profile"))
    return _page(_profile_form(), form, 422)


@bp.post("/profil/verifikasi-ulang")
@login_required
def resend_verification():
    if services.resend_verification(current_user):
        db.session.commit()
        flash(_("Tautan verifikasi dikirim lagi."), "success")
    return redirect(url_for("account.edit_profile"))


@bp.get("/email/verifikasi/<token>")
def verify_email(token: str):
    hours = current_app.config["EMAIL_VERIFY_HOURS"]
    try:
        payload = tokens.read(tokens.VERIFY_EMAIL, token, hours * 3600)
    except tokens.InvalidTokenError:
        payload = {}
    user = db.session.get(User, payload["u"]) if isinstance(payload.get("u"), int) else None
    confirmed = False
    if user is not None and user.active:
        try:
            confirmed = services.confirm_email(user, payload.get("e") or "")
        except services.EmailTakenError:
            confirmed = False
    if not confirmed:
        return render_template("account/email_verified.html", ok=False), 410
    db.session.commit()
    return render_template("account/email_verified.html", ok=True, email=user.email)
