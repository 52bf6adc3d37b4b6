"""Device cookies (OWASP's defence against lockout by guessing): a device where someone
logged in successfully gets a signed cookie naming that account. Failed logins are
throttled per account *and* client address; the account-wide throttle, which slows
guessing spread over many addresses, does not apply to a device holding the account's
cookie. So guessing never locks the owner out of their own phone, and stays slow.

The cookie is `kim_device`: a random device id and up to `MAX_ACCOUNTS` account ids, signed
with SECRET_KEY (it cannot be forged or moved to another account), kept
`DEVICE_COOKIE_DAYS` days, HttpOnly, Secure in production.
"""

import secrets

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "kim_device"
MAX_ACCOUNTS = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="kim-device-cookie")


def _read() -> dict:
    if "kim_device" not in g:
        value = {}
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                loaded = _serializer().loads(
                    raw, max_age=current_app.config["DEVICE_COOKIE_DAYS"] * 86400)
                if isinstance(loaded, dict) and isinstance(loaded.get("d"), str):
                    value = {"d": loaded["d"],
                             "u": [u for u in loaded.get("u", []) if isinstance(u, int)]}
            except BadSignature:
                value = {}
        g.kim_device = value
    return g.kim_device


def device_id() -> str | None:
    return _read().get("d")


def trusted_for(user_id: int | None) -> bool:
    """This device has logged in to account `user_id` before."""
    return user_id is not None and user_id in _read().get("u", [])


def remember(response, user) -> None:
    """Mark this device as one `user` logs in from (on a successful login)."""
    current = _read()
    accounts = [user.id] + [u for u in current.get("u", []) if u != user.id]
    value = {"d": current.get("d") or secrets.token_urlsafe(12), "u": accounts[:MAX_ACCOUNTS]}
    days = current_app.config["DEVICE_COOKIE_DAYS"]
    response.set_cookie(COOKIE, _serializer().dumps(value), max_age=days * 86400,
                        httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
