"""The admin pages' old addresses (`/tanya/kelola/…`, `/kim/baru`, `/kim/<slug>/status`).

They answer with a permanent redirect to the new address: 301 for a GET (a bookmark, a
link), 308 for a POST (a form left open in a tab), which keeps the method and the body so
the submission still arrives, and is checked, where it now belongs.
"""

from flask import Blueprint, redirect, request, url_for

bp = Blueprint("admin_moved", __name__)


def _moved(endpoint: str, **values):
    target = url_for(endpoint, **values)
    if request.query_string:
        target += "?" + request.query_string.decode()
    return redirect(target, 301 if request.method in ("GET", "HEAD") else 308)


@bp.route("/tanya/kelola/<kind>", methods=["GET", "POST"])
def reference_list(kind: str):
    return _moved("admin.reference_list", kind=kind)


@bp.post("/tanya/kelola/<kind>/<int:row_id>")
def reference_edit(kind: str, row_id: int):
    return _moved("admin.reference_edit", kind=kind, row_id=row_id)


@bp.route("/kim/baru", methods=["GET", "POST"])
def kim_create():
    return _moved("admin.kim_create")


@bp.post("/kim/<slug>/status")
def kim_status(slug: str):
    return _moved("admin.kim_status", slug=slug)
