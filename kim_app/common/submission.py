"""Idempotent submission: a form that creates something is sent at most once.

The form carries a random hidden key, stored in the created row's unique `submission_key`
column. A second submit of the same form (a double tap, a retry on a slow connection) finds
the row the first one made and answers with it instead of making another.
"""

import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import HiddenField

from kim_app.common.uploads import delete_photo
from kim_app.extensions import db
from kim_app.models import HeldPhoto, Photo, utcnow

KEY_MAX = 64  # the length of the `submission_key` columns


class SubmissionKeyMixin:
    """For a FlaskForm that creates a row: a fresh key when the form is first shown, kept
    from the request when it is submitted (a key that is no key of ours, too long for the
    column, is replaced by a fresh one)."""

    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data or len(self.submission_key.data) > KEY_MAX:
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


# --- photos held for a form shown again -------------------------------------------------
#
# A form with photos that comes back (a mistake in another field, or the no-JavaScript
# kecamatan step) keeps the photos already sent: they are stored as usual (re-encoded,
# stripped) and held under the form's submission key for `HOLD_SECONDS`, for the person who
# sent them only. The next submit of the same form takes them over (`release_held`);
# `flask clean-uploads` removes what nobody took over. A person holds at most
# `HOLD_LIMIT_PER_USER` photos at a time, so failed forms cannot fill the disk.

HOLD_SECONDS = 3600
HOLD_LIMIT_PER_USER = 9


def _hold_cutoff():
    return utcnow() - timedelta(seconds=HOLD_SECONDS)


def _held_rows(key: str | None, user) -> list[HeldPhoto]:
    if not key or len(key) > KEY_MAX or user is None or not user.is_authenticated:
        return []
    return list(db.session.scalars(
        select(HeldPhoto)
        .where(HeldPhoto.submission_key == key, HeldPhoto.user_id == user.id,
               HeldPhoto.created_at >= _hold_cutoff())
        .options(joinedload(HeldPhoto.photo))
        .order_by(HeldPhoto.id)
    ))


def held_photos(key: str | None, user) -> list[Photo]:
    """The photos this person sent earlier with this form (younger than an hour)."""
    return [row.photo for row in _held_rows(key, user)]


def may_hold(user, count: int) -> bool:
    """Whether `count` more photos may be held for this person."""
    held = db.session.scalar(
        select(func.count()).select_from(HeldPhoto)
        .where(HeldPhoto.user_id == user.id, HeldPhoto.created_at >= _hold_cutoff()))
    return held + count <= HOLD_LIMIT_PER_USER


def hold_photos(key: str | None, user, photos: list[Photo]) -> bool:
    """Hold these (added) photos under the key; False when they may not be held (no key,
    or the person holds too many already), and the caller says they must be chosen again."""
    if not photos:
        return True
    if not key or len(key) > KEY_MAX or not may_hold(user, len(photos)):
        return False
    db.session.flush()
    db.session.add_all(HeldPhoto(submission_key=key, user_id=user.id, photo_id=photo.id)
                       for photo in photos)
    return True


def drop_held(key: str | None, user, tokens) -> list[Photo]:
    """Remove the held photos the person unticked (by token); returns those still held."""
    wanted = set(tokens or ())
    kept = []
    for row in _held_rows(key, user):
        if row.photo.token in wanted:
            photo = row.photo
            db.session.delete(row)
            db.session.flush()
            delete_photo(photo)
        else:
            kept.append(row.photo)
    return kept


def release_held(key: str | None, user) -> None:
    """What the form created now owns the held photos: they are no longer held."""
    for row in _held_rows(key, user):
        db.session.delete(row)


def clean_held(older_than_seconds: float = HOLD_SECONDS) -> int:
    """Remove photos held longer than `older_than_seconds` (nobody took them over), with
    their files once the caller commits; returns how many."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    rows = db.session.scalars(
        select(HeldPhoto).where(HeldPhoto.created_at < cutoff)
        .options(joinedload(HeldPhoto.photo))).all()
    for row in rows:
        photo = row.photo
        db.session.delete(row)
        db.session.flush()
        delete_photo(photo)
    return len(rows)
