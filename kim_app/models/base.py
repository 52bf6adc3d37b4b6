"""Shared column helpers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timestamps are stored in UTC and shown in Asia/Jakarta by Flask-Babel."""
    return datetime.now(UTC)


def value_enum(cls, length: int = 16):
    """A Python enum stored by its *value* in a plain string column (no native DB enum:
    adding a value later needs no ALTER TYPE, and SQLite and PostgreSQL store the same)."""
    from sqlalchemy import Enum

    return Enum(cls, native_enum=False, length=length,
                values_callable=lambda members: [member.value for member in members])
