"""Accounts: phone numbers, password rules, registration and authentication.

Rules:
- a phone number is stored in E.164 (`+62…`), so `0812…`, `62812…` and `+62 812-…` are one
  number and unique;
- passwords have at least `PASSWORD_MIN_LENGTH` characters and are not on the shipped list
  of the most common passwords; they are hashed with Argon2id;
- an email, when given, is stored lower-case and unique.
"""

from functools import cache
from importlib.resources import files

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from kim_app.extensions import db
from kim_app.models import Role, User, utcnow


@cache
def _hasher_for(profile: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(profile))


def _hasher() -> PasswordHasher:
    """Argon2id with the library's recommended parameters, unless the configuration
    lowers them (the test suite does, to keep thousands of logins fast)."""
    return _hasher_for(tuple(sorted(current_app.config.get("ARGON2_PARAMETERS", {}).items())))


# Verifying against a dummy hash keeps the time of a login for an unknown account like a
# real one.
@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("portal-kim-timing-equaliser")


class InvalidPhoneError(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """Return an Indonesian phone number as `+62…`, or raise InvalidPhoneError."""
    cleaned = (raw or "").strip()
    if not cleaned:
        raise InvalidPhoneError(raw)
    try:
        number = phonenumbers.parse(cleaned, "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneError(raw) from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise InvalidPhoneError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    return value or None


@cache
def common_passwords() -> frozenset[str]:
    text = files("kim_app").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Why this password is refused, as a key ('short' or 'common'), or None if it is fine."""
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        return "short"
    if password.lower() in common_passwords():
        return "common"
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def phone_taken(phone: str) -> bool:
    return db.session.scalar(select(User.id).where(User.phone == phone)) is not None


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def create_user(*, name: str, phone: str, password: str, email: str | None = None,
                village_code: str | None = None, role: Role = Role.WARGA,
                locale: str | None = None) -> User:
    user = User(
        name=name.strip(),
        phone=normalise_phone(phone),
        email=normalise_email(email),
        password_hash=hash_password(password),
        village_code=village_code,
        role=role,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def find_by_identifier(identifier: str) -> User | None:
    """The account for a phone number or an email address, or None."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return db.session.scalar(
            select(User).where(func.lower(User.email) == identifier.lower())
        )
    try:
        phone = normalise_phone(identifier)
    except InvalidPhoneError:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


def identifier_key(identifier: str) -> str:
    """A stable key for rate limits: the normalised phone or email as typed."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return identifier.lower()
    try:
        return normalise_phone(identifier)
    except InvalidPhoneError:
        return identifier.lower()


def authenticate(identifier: str, password: str) -> User | None:
    user = find_by_identifier(identifier)
    if user is None:
        _verify(_dummy_hash(_hasher()), password)
        return None
    if not _verify(user.password_hash, password) or not user.active:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


def verify_hash(stored_hash: str, secret: str) -> bool:
    """Check a secret (password or reset code) against its stored Argon2 hash."""
    return _verify(stored_hash, secret)


def check_code_timing(secret: str) -> None:
    """Spend the time of one verification, for an answer that must not be faster when
    there is nothing to check against (an unknown account)."""
    _verify(_dummy_hash(_hasher()), secret)


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of this account."""
    user.password_hash = hash_password(new_password)
    user.end_sessions()
