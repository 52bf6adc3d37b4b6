"""Adding a row whose slug must be unique, safely under concurrency.

A slug is chosen by reading which ones are taken; two requests doing that at the same moment
(PostgreSQL: both read before either commits) pick the same one, and the second INSERT hits
the unique constraint. `add_with_slug` flushes in a savepoint and, when the slug was taken
meanwhile, chooses again (now seeing the other request's row) and retries.
"""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from kim_app.extensions import db

ATTEMPTS = 5


def add_with_slug(instance, choose: Callable[[], str]):
    """Add and flush `instance` (its `slug` already chosen); on a taken slug, `choose()` a
    free one and try again. Other integrity errors are raised as they are."""
    for _attempt in range(ATTEMPTS):
        try:
            with db.session.begin_nested():
                db.session.add(instance)
                db.session.flush()
            return instance
        except IntegrityError:
            slug = choose()
            if slug == instance.slug:  # not the slug: another constraint failed
                raise
            instance.slug = slug
    raise RuntimeError("could not find a free slug")  # pragma: no cover
