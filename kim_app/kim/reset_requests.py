"""A pengurus asks the officers for a password reset code for one of their members
(members often ask their ketua first). The officer sees the request on the person's page
and decides; the rules are in `auth.reset`."""

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from kim_app.auth import reset
from kim_app.common import permissions
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.kim import bp
from kim_app.kim.routes import _group_or_404, _membership_or_404


@bp.post("/<slug>/anggota/<int:membership_id>/kode-atur-ulang")
@login_required
def request_reset_code(slug: str, membership_id: int):
    group = _group_or_404(slug)
    membership = _membership_or_404(group, membership_id)
    if not permissions.can_request_reset_code(current_user, membership):
        permissions.deny(private=not permissions.can_manage_kim(current_user, group))
    try:
        _request, new = reset.request_code(current_user, membership)
    except reset.RequestError as error:
        flash(str(error), "error")
        return redirect(url_for("kim.members", slug=group.slug))
    db.session.commit()
    flash(_("Permintaan kode atur ulang untuk %(name)s dikirim ke petugas. Petugas akan "
            "memastikan orangnya, lalu memberi kode.", name=membership.user.name)
          if new else _("Permintaan kode untuk %(name)s sudah menunggu petugas.",
                        name=membership.user.name), "success")
    return redirect(url_for("kim.members", slug=group.slug))
