"""The htmx contract, in one place.

One URL answers in two shapes: the whole page, or only the fragment when the request comes
from htmx (and is neither boosted nor a history restore, which need the whole page). Both
shapes send `Vary: HX-Request`; fragments are never cached.
"""

from flask import Response, flash, get_flashed_messages, make_response, render_template

from kim_app.extensions import htmx


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _finish(response: Response, fragment: bool) -> Response:
    response.vary.add("HX-Request")
    if fragment:
        response.headers["Cache-Control"] = "no-store"
    return response


def render_page(page: str, fragment: str, status: int = 200, **context) -> Response:
    """Render `page`, or only `fragment` for an htmx request. `page` includes `fragment`."""
    as_fragment = wants_fragment()
    body = render_template(fragment if as_fragment else page, **context)
    if as_fragment:
        body += render_template("_flash_oob.html", messages=get_flashed_messages(True))
    return _finish(make_response(body, status), as_fragment)


def fragment_response(template: str, status: int = 200, trigger: str | None = None,
                      **context) -> Response:
    """A fragment-only response (for fragment endpoints and htmx POST answers)."""
    body = render_template(template, **context)
    body += render_template("_flash_oob.html", messages=get_flashed_messages(True))
    response = _finish(make_response(body, status), True)
    if trigger:
        response.headers["HX-Trigger"] = trigger
    return response


def retarget_to_flash(message: str, category: str, status: int) -> Response:
    """An error for an htmx request: shown in `#flash` instead of the fired element's target."""
    flash(message, category)
    body = render_template("_flash.html", messages=get_flashed_messages(True))
    response = _finish(make_response(body, status), True)
    response.headers["HX-Retarget"] = "#flash"
    response.headers["HX-Reswap"] = "innerHTML"
    return response
