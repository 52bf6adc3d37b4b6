"""What officers work from, at `/petugas/`: the inbox of threads waiting for an officer
(by due date), the dashboard (workload, overdue, answer times) and the CSV exports.
Officers and admins only."""

from flask import Blueprint
from flask_login import current_user

from kim_app.common import permissions
from kim_app.extensions import login_manager

bp = Blueprint("officer", __name__)


@bp.before_request
def officers_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_petugas(current_user):
        permissions.deny()
    return None


from kim_app.officer import routes, template_routes  # noqa: E402,F401
