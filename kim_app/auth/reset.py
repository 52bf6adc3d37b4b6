"""Password help without email: reset codes issued by officers, and their redemption.

Rules:
- an admin or petugas issues a code for one person: random (8 characters from an alphabet
  without look-alikes, about 40 bits), shown once, stored only as an Argon2 hash, valid
  `RESET_CODE_HOURS` (24 h), spent by its first use; issuing a new code voids older ones;
- `/auth/atur-ulang` takes phone + code + new password; success sets the password, ends
  every session of the account and spends the code;
- `RESET_FAILURE_LIMIT` (5) wrong codes for one phone number within `RESET_LOCK_MINUTES`
  (60) lock that number's reset for the rest of the hour, even with the right code. Wrong
  tries are kept under a keyed hash of the number, never the number;
- nothing tells whether a number is registered: an unknown number and a wrong code get the
  same answer and cost the same time; "expired" or "already used" is said only to someone
  who typed a code that really was issued for that number;
- a pengurus may *request* a code for an active member of their KIM; an officer sees the
  request and issues a code or declines.
"""

import hashlib
import hmac
import secrets
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import func, select

from kim_app.auth import services as accounts
from kim_app.common import audit
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Membership,
    MembershipStatus,
    ResetCode,
    ResetFailure,
    ResetRequest,
    ResetRequestStatus,
    User,
    utcnow,
)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# Only the newest few codes of a person are tried (a new code voids the older ones anyway).
CODES_TRIED = 5


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def display(code: str) -> str:
    """`K7Q4M2PX` → `K7Q4-M2PX`, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(raw: str) -> str:
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    return cleaned.replace("O", "0").replace("I", "1")


def issue(actor: User, user: User, reason: str = "") -> str:
    """A new reset code for `user`, returned once in plain text (for display only)."""
    now = utcnow()
    for old in db.session.scalars(
        select(ResetCode).where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None),
                                ResetCode.expires_at > now)
    ):
        old.expires_at = now
    code = new_code()
    db.session.add(ResetCode(
        user_id=user.id, code_hash=accounts.hash_password(code), issued_by_id=actor.id,
        created_at=now, expires_at=now + timedelta(hours=current_app.config["RESET_CODE_HOURS"]),
    ))
    for request in pending_requests_for(user):
        request.status = ResetRequestStatus.ISSUED
        request.decided_at, request.decided_by_id = now, actor.id
    audit.record(actor, "user.reset_code", "user", user.id, reason=reason)
    return code


def phone_key(raw_phone: str) -> str:
    """A keyed hash of the phone number as typed (normalised when it is a valid number)."""
    key = accounts.identifier_key(raw_phone)
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"reset:" + key.encode(), hashlib.sha256).hexdigest()


def _recent_failures(key: str) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["RESET_LOCK_MINUTES"])
    return db.session.scalar(
        select(func.count()).select_from(ResetFailure).where(
            ResetFailure.phone_key == key, ResetFailure.created_at > since)
    ) or 0


def is_locked(raw_phone: str) -> bool:
    return _recent_failures(phone_key(raw_phone)) >= current_app.config["RESET_FAILURE_LIMIT"]


class ResetError(Exception):
    """Why a code was not accepted: 'locked', 'wrong', 'expired' or 'spent'."""

    MESSAGES = {
        "locked": _l("Terlalu banyak kode yang salah untuk nomor ini. Coba lagi dalam satu jam, "
                     "atau minta kode baru kepada petugas."),
        "wrong": _l("Nomor HP atau kode salah. Periksa kodenya, atau minta kode baru kepada "
                    "petugas."),
        "expired": _l("Kode ini sudah kedaluwarsa (berlaku %(hours)s jam). Minta kode baru "
                      "kepada petugas."),
        "spent": _l("Kode ini sudah dipakai. Minta kode baru kepada petugas."),
    }

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.kind] % {"hours": current_app.config["RESET_CODE_HOURS"]}
                   if self.kind == "expired" else self.MESSAGES[self.kind])


def _fail(key: str, kind: str) -> ResetError:
    db.session.add(ResetFailure(phone_key=key))
    db.session.commit()
    return ResetError(kind)


def redeem(raw_phone: str, raw_code: str, new_password: str) -> User:
    """Set the new password with a valid code, or raise ResetError. Commits a failure, so
    it counts even though the request answers with an error."""
    key = phone_key(raw_phone)
    if _recent_failures(key) >= current_app.config["RESET_FAILURE_LIMIT"]:
        raise ResetError("locked")
    code = normalise_code(raw_code)
    user = accounts.find_by_identifier(raw_phone) if "@" not in (raw_phone or "") else None
    candidates = [] if user is None or not user.active else list(db.session.scalars(
        select(ResetCode).where(ResetCode.user_id == user.id)
        .order_by(ResetCode.created_at.desc(), ResetCode.id.desc()).limit(CODES_TRIED)
    ))
    if not candidates:
        accounts.check_code_timing(code)
        raise _fail(key, "wrong")
    match = next((c for c in candidates if accounts.verify_hash(c.code_hash, code)), None)
    if match is None:
        raise _fail(key, "wrong")
    if match.used_at is not None:
        raise _fail(key, "spent")
    expires = match.expires_at
    if expires.tzinfo is None:  # SQLite gives naive UTC
        expires = expires.replace(tzinfo=UTC)
    if expires <= utcnow():
        raise _fail(key, "expired")
    match.used_at = utcnow()
    accounts.change_password(user, new_password)
    audit.record(user, "user.password_reset", "user", user.id, method="code")
    return user


def pending_requests_for(user: User) -> list[ResetRequest]:
    return list(db.session.scalars(
        select(ResetRequest).where(ResetRequest.user_id == user.id,
                                   ResetRequest.status == ResetRequestStatus.PENDING)
    ))


def pending_requests(limit: int = 50) -> list[ResetRequest]:
    """Open requests from pengurus, oldest first (what officers decide on)."""
    return list(db.session.scalars(
        select(ResetRequest).where(ResetRequest.status == ResetRequestStatus.PENDING)
        .order_by(ResetRequest.created_at, ResetRequest.id).limit(limit)
    ))


class RequestError(Exception):
    pass


def request_code(pengurus: User, membership: Membership) -> tuple[ResetRequest, bool]:
    """A pengurus asks the officers for a code for this active member. Returns the request
    and whether it is new (an open request for the same person is reused)."""
    if membership.status != MembershipStatus.ACTIVE or not membership.user.active:
        raise RequestError(_l("Kode hanya bisa diminta untuk anggota aktif."))
    existing = pending_requests_for(membership.user)
    if existing:
        return existing[0], False
    request = ResetRequest(user_id=membership.user_id, group_id=membership.group_id,
                           requested_by_id=pengurus.id)
    db.session.add(request)
    db.session.flush()
    audit.record(pengurus, "user.reset_code_request", "user", membership.user_id,
                 kim_group_id=membership.group_id)
    return request, True


def decline(actor: User, request: ResetRequest, reason: str = "") -> None:
    request.status = ResetRequestStatus.DECLINED
    request.decided_at, request.decided_by_id = utcnow(), actor.id
    audit.record(actor, "user.reset_code_decline", "user", request.user_id,
                 kim_group_id=request.group_id, reason=reason)
