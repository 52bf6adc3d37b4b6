"""`/akun/data` (download everything) and `/akun/hapus` (delete the account)."""

from flask import Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from kim_app.account import bp, deletion, export
from kim_app.account.forms import ConfirmPasswordForm
from kim_app.auth import services as accounts
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.models import utcnow


@bp.get("/data")
@login_required
def data_export():
    archive = export.build_zip(current_user)
    filename = f"portal-kim-data-{utcnow():%Y%m%d}.zip"
    return Response(archive, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


def _delete_page(form, status=200):
    return render_template(
        "account/delete.html", form=form, blockers=deletion.blockers(current_user),
        deactivate_only=deletion.will_be_deactivated(current_user),
    ), status


@bp.route("/hapus", methods=["GET", "POST"])
@login_required
def delete():
    form = ConfirmPasswordForm()
    if not form.validate_on_submit():
        return _delete_page(form, 422 if form.is_submitted() else 200)
    if not accounts.check_password(current_user, form.current_password.data):
        form.current_password.errors = [_("Kata sandi salah.")]
        return _delete_page(form, 422)
    try:
        outcome = deletion.delete_account(current_user)
    except deletion.DeletionBlockedError:
        return _delete_page(form, 409)
    db.session.commit()
    logout_user()
    session.clear()
    if outcome == "deactivated":
        flash(_("Akun Anda dinonaktifkan. Jawaban resmi Anda tetap tersimpan sebagai catatan "
                "pemerintah."), "success")
    else:
        flash(_("Akun Anda sudah dihapus. Terima kasih telah memakai Portal KIM."), "success")
    return redirect(url_for("main.home"))
