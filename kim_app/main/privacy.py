"""`/privasi`: the privacy notice that registration links to."""

from flask import current_app, render_template

from kim_app.common.privacy import NOTICE_VERSION
from kim_app.main import bp


@bp.get("/privasi")
def privacy():
    return render_template("main/privacy.html", version=NOTICE_VERSION,
                           reset_hours=current_app.config["RESET_CODE_HOURS"])
