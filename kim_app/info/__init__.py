"""Information that flows down: announcements, relays by KIMs, reach."""

from flask import Blueprint

bp = Blueprint("info", __name__)


@bp.record_once
def _template_globals(state) -> None:
    """The KIM page shows what its KIM relayed, through `info/_kim_relays.html`."""
    from kim_app.info.services import relays_for_group

    state.app.jinja_env.globals["kim_relays"] = relays_for_group


from kim_app.info import routes  # noqa: E402,F401
