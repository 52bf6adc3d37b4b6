"""Question threads between villagers and government (PRODUCT.md §4)."""

from flask import Blueprint

from kim_app.common import permissions
from kim_app.i18n import gettext as _
from kim_app.models import Post, Thread

bp = Blueprint("threads", __name__)


@bp.app_template_global()
def asker_name(thread: Thread, viewer) -> str:
    """The asker as this viewer may see them: anonymous threads name nobody but to officers."""
    from kim_app.threads.services import is_asker, shows_asker_name

    if not shows_asker_name(viewer, thread):
        if is_asker(viewer, thread):
            return _("Warga (anonim) · Anda")
        return _("Warga (anonim)")
    return thread.on_behalf_name or thread.author.name


@bp.app_template_global()
def post_author(post: Post, thread: Thread, viewer) -> str:
    from kim_app.threads.services import shows_asker_name

    if post.author is None:
        return _("Sistem")
    if post.author_id == thread.author_id and not shows_asker_name(viewer, thread):
        return _("Penanya (anonim)")
    return post.author.name


@bp.app_template_global()
def thread_labels() -> dict:
    from kim_app.threads import labels

    return {"status": labels.STATUS_LABELS, "visibility_note": labels.VISIBILITY_NOTE,
            "visibility_badge": labels.VISIBILITY_BADGE, "reject": labels.REJECT_LABELS}


@bp.app_template_global()
def closed_automatically(post: Post) -> bool:
    from kim_app.threads.lifecycle import closed_automatically

    return closed_automatically(post)


@bp.app_template_global()
def is_officer(user) -> bool:
    return permissions.is_petugas(user)


from kim_app.threads import loop_routes, routes  # noqa: E402,F401
