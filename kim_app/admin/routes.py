"""The admin area's index and its guard. Each section's pages check their own rule."""

from functools import wraps

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from kim_app.admin import sections
from kim_app.common import permissions

bp = Blueprint("admin", __name__)


def requires(rule):
    """Log in first (a guest is sent to the login page), then 403 unless `rule(user)`."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not rule(current_user):
                permissions.deny()
            return view(*args, **kwargs)
        return login_required(guarded)
    return decorate


bp.add_app_template_global(sections.may_use_admin, "may_use_admin")


@bp.context_processor
def admin_navigation() -> dict:
    return {"admin_sections": sections.sections_for(current_user)}


@bp.get("/")
@requires(sections.may_use_admin)
def index():
    return render_template("admin/index.html")


from kim_app.admin import people_routes  # noqa: E402,F401
