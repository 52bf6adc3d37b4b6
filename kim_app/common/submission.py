"""Idempotent submission: a form that creates something is sent at most once.

The form carries a random hidden key, stored in the created row's unique `submission_key`
column. A second submit of the same form (a double tap, a retry on a slow connection) finds
the row the first one made and answers with it instead of making another.
"""

import secrets

from sqlalchemy import select
from wtforms import HiddenField

from kim_app.extensions import db


class SubmissionKeyMixin:
    """For a FlaskForm that creates a row: a fresh key when the form is first shown, kept
    from the request when it is submitted."""

    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)


def earlier_submission(model, key: str | None, **same):
    """The `model` row an earlier submit with this key created, or None. `same` names
    columns that must match too (e.g. the author), so nobody finds another person's row."""
    if not key:
        return None
    query = select(model).where(model.submission_key == key)
    for column, value in same.items():
        query = query.where(getattr(model, column) == value)
    return db.session.scalar(query)
