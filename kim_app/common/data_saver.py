"""Data saver ("Hemat data"): photos load only when tapped.

On when the browser asks for it (`Save-Data: on`, Chrome's Lite mode and data-saving
browsers send it) or the person turned it on in /akun (`User.save_data`). Pages ask
`saves_data()` (the `picture` macro does); a page that asked says `Vary: Save-Data`, so a
cache in front keeps the two versions apart. `static/js/app.js` loads a photo on tap;
the placeholder has the photo's size, so nothing moves.
"""

from flask import Flask, g, request
from flask_login import current_user


def wanted() -> bool:
    """Whether this reader gets the data-saving page (without marking the page as asking)."""
    if request.headers.get("Save-Data", "").strip().lower() == "on":
        return True
    return bool(current_user.is_authenticated and current_user.save_data)


def saves_data() -> bool:
    mark_asked()
    return wanted()


def mark_asked() -> None:
    g.kim_asked_save_data = True


def was_asked() -> bool:
    return bool(g.get("kim_asked_save_data"))


def forget_asked() -> None:
    """Start counting anew (a kept region notes whether it asked itself)."""
    g.kim_asked_save_data = False


def _vary(response):
    if was_asked():
        response.vary.add("Save-Data")
    return response


def register(app: Flask) -> None:
    app.jinja_env.globals["saves_data"] = saves_data
    app.after_request(_vary)
