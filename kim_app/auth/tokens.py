"""Signed, expiring tokens for links sent by email (password reset, email verification).

A token carries its purpose (as the signing salt) and a small payload; nothing is stored.
A reset link also carries a fingerprint of the current password hash, so it works once:
after the password changes, the link no longer matches.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESET = "password-reset"
VERIFY_EMAIL = "verify-email"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kim-{purpose}")


def make(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


class InvalidTokenError(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read(purpose: str, token: str, max_age_seconds: int) -> dict:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise InvalidTokenError(expired=True) from exc
    except BadSignature as exc:
        raise InvalidTokenError(expired=False) from exc
    if not isinstance(payload, dict):
        raise InvalidTokenError(expired=False)
    return payload


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]
