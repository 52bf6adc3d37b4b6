"""Shared column helpers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timestamps are stored in UTC and shown in Asia/Jakarta by Flask-Babel."""
    return datetime.now(UTC)
