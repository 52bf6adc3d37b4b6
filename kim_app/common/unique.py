"""Slugs: made once from a name, unique, and added safely under concurrency.

`slugify` turns a name into URL words ("Gethuk Lindri Ñyamleng" → "gethuk-lindri-nyamleng");
`free_slug` picks the first of `base`, `base-2`, `base-3` … that no row (and no reserved
path word) uses. Every area with slugs (KIM groups, categories and agencies, business
groups, products) asks these two.

A slug is chosen by reading which ones are taken; two requests doing that at the same moment
(PostgreSQL: both read before either commits) pick the same one, and the second INSERT hits
the unique constraint. `add_with_slug` flushes in a savepoint and, when the slug was taken
meanwhile, chooses again (now seeing the other request's row) and retries.
"""

import re
import unicodedata
from collections.abc import Callable, Collection

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from kim_app.extensions import db

ATTEMPTS = 5


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def free_slug(column, base: str, *conditions, reserved: Collection[str] = ()) -> str:
    """The first of `base`, `base-2`, … that no row matching `conditions` has in `column`
    and that is not `reserved`."""
    pattern = base.replace("\\", "").replace("%", "").replace("_", r"\_") + "-%"
    taken = set(db.session.scalars(
        select(column).where(or_(column == base, column.like(pattern, escape="\\")),
                             *conditions)
    ))
    if base not in taken and base not in reserved:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


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
