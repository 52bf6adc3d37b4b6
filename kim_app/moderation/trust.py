"""New accounts are limited until trusted, so a spammer's fresh accounts cannot bury the
question list or hide other people's content with reports.

For `NEW_ACCOUNT_HOURS` after registering, a villager may ask at most
`NEW_ACCOUNT_QUESTIONS` questions and may not report (unless `NEW_ACCOUNT_MAY_REPORT`).
Officers and admins are trusted from the start: their accounts are made by an admin.
"""

from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import func, select

from kim_app.common import permissions
from kim_app.extensions import db
from kim_app.models import Thread, User, utcnow


def is_new(user: User) -> bool:
    if permissions.is_petugas(user):
        return False
    created = user.created_at
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=UTC)
    return created > utcnow() - timedelta(hours=current_app.config["NEW_ACCOUNT_HOURS"])


def may_report(user: User) -> bool:
    return current_app.config["NEW_ACCOUNT_MAY_REPORT"] or not is_new(user)


def question_limit_reached(user: User) -> bool:
    """A new account has asked as many questions as it may for now."""
    if not is_new(user):
        return False
    asked = db.session.scalar(
        select(func.count()).select_from(Thread).where(Thread.author_id == user.id))
    return asked >= current_app.config["NEW_ACCOUNT_QUESTIONS"]
