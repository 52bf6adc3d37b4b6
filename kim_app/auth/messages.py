"""Account emails: a password reset link, and the link that verifies a new address.

They go to one address in the person's language, through the same queue as notifications
(`flask send-mail` sends it); they are not notifications, so no preference applies.
"""

from flask import current_app, url_for
from flask_babel import force_locale

from kim_app.auth import tokens
from kim_app.common.urls import absolute_url
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import OutgoingEmail, User


def _queue(user: User, address: str, subject: str, lines: list[str]) -> None:
    db.session.add(OutgoingEmail(user_id=user.id, to_address=address, subject=subject[:200],
                                 body="\n".join(lines)))


def send_reset_link(user: User) -> None:
    token = tokens.make(tokens.RESET, {
        "u": user.id, "p": tokens.password_fingerprint(user.password_hash)})
    link = absolute_url(url_for("auth.reset_with_link", token=token))
    minutes = current_app.config["RESET_LINK_MINUTES"]
    with force_locale(user.locale or "id"):
        _queue(user, user.email, _("Portal KIM: ganti kata sandi"), [
            _("Seseorang (semoga Anda) meminta penggantian kata sandi akun Portal KIM Anda."),
            "",
            _("Buka tautan ini dalam %(minutes)s menit untuk memilih kata sandi baru "
              "(hanya bisa dipakai sekali):", minutes=minutes),
            link,
            "",
            _("Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah."),
        ])


def send_verification_link(user: User) -> None:
    token = tokens.make(tokens.VERIFY_EMAIL, {"u": user.id, "e": user.pending_email})
    link = absolute_url(url_for("account.verify_email", token=token))
    hours = current_app.config["EMAIL_VERIFY_HOURS"]
    with force_locale(user.locale or "id"):
        _queue(user, user.pending_email, _("Portal KIM: pastikan alamat email Anda"), [
            _("Alamat ini dimasukkan di akun Portal KIM %(name)s.", name=user.name),
            "",
            _("Buka tautan ini dalam %(hours)s jam agar email dikirim ke alamat ini:",
              hours=hours),
            link,
            "",
            _("Jika bukan Anda yang memasukkannya, abaikan email ini."),
        ])
