"""Rate limits: whom a limit counts, the pair of limits every posting form has, and the
answer when one is reached.

Each limited form has two limits: one per person (a guest by address), and a generous one
per IP address, since villagers share carrier addresses. Both are config keys, read at
request time. When a limit is reached, a form that can show the message next to its field
answers itself (`on_breach`); anything else answers through `limit_reached`.
"""

from collections.abc import Callable

from flask import current_app, flash, redirect
from flask_limiter.util import get_remote_address
from flask_login import current_user

from kim_app.common.htmx import retarget_to_flash, wants_fragment
from kim_app.errors import render_error
from kim_app.extensions import limiter


def account_key() -> str:
    """The logged-in person, or a guest's IP address."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"ip:{get_remote_address()}"


def account_and_ip_limits(name: str, account_limit: str, ip_limit: str, *,
                          key: Callable[[], str] = account_key, methods: list[str] | None = None,
                          deduct_when: Callable | None = None, on_breach: Callable | None = None,
                          shared: bool = False):
    """Decorate a view with the person's limit (`account_limit`, counted by `key`, only the
    responses `deduct_when` accepts) and the address's limit (`ip_limit`). `shared`: the
    views decorated with the same `name` draw on one budget."""
    add_limit = limiter.shared_limit if shared else limiter.limit

    def decorate(view):
        view = add_limit(lambda: current_app.config[account_limit], scope=f"{name}-account",
                         key_func=key, methods=methods, deduct_when=deduct_when,
                         on_breach=on_breach)(view)
        return add_limit(lambda: current_app.config[ip_limit], scope=f"{name}-ip",
                         methods=methods, on_breach=on_breach)(view)

    return decorate


def limit_reached(message: str, back_to: str | None = None):
    """An htmx request gets `message` in `#flash` (429). A page goes `back_to` a page with the
    message flashed, or, without one, gets the error page with the message (429)."""
    if wants_fragment():
        return retarget_to_flash(message, "error", 429)
    if back_to is not None:
        flash(message, "error")
        return redirect(back_to)
    return render_error(429, message=message)
