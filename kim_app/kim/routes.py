"""KIM directory (`/kim/`) and a KIM's page (`/kim/<slug>`)."""

from flask import abort, render_template, request
from flask_login import current_user

from kim_app.common.htmx import render_page
from kim_app.kim import bp, services


@bp.get("/")
def index():
    districts = services.districts_with_groups()
    chosen = request.args.get("kecamatan", "")
    if chosen not in {code for code, _name, _count in districts}:
        chosen = ""
    groups = services.directory(chosen or None)
    return render_page(
        "kim/index.html",
        "kim/_group_list.html",
        groups=groups,
        districts=districts,
        chosen=chosen,
    )


@bp.get("/<slug>")
def show(slug: str):
    group = services.get_by_slug(
        slug, include_inactive=current_user.is_authenticated and current_user.is_admin
    )
    if group is None:
        abort(404)
    return render_template("kim/show.html", group=group)
