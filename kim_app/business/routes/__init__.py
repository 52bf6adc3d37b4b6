"""The business area's pages, one module for each thing it manages, all on `business.bp`:
`catalog` (`/usaha/`), `groups` (a group's page, profile and manage page), `members`
(managers, join requests), `products` and `photos`.

Thin: who may act is `common.permissions.business_authority` (asked in `access`), the rules
are the area's modules of the same names. A plain form gets a redirect (post/redirect/get),
an htmx request the changed fragment; a failed form comes back with 422 and the person's
text in it.
"""

from flask import current_app

from kim_app.business import bp, labels


class _WhenIterated:
    """A list built when a template iterates it: the context processor runs for every page
    of the app, and few of them show these choices."""

    def __init__(self, build):
        self._build = build

    def __iter__(self):
        return iter(self._build())


@bp.app_context_processor
def business_context():
    return {
        "category_label": labels.category_label,
        "availability_label": labels.availability_label,
        "category_choices": _WhenIterated(labels.category_choices),
        "availability_choices": _WhenIterated(labels.availability_choices),
        "max_photos": current_app.config["PRODUCT_MAX_PHOTOS"],
    }


from kim_app.business.routes import (  # noqa: E402,F401
    catalog,
    groups,
    members,
    orders,
    permits,
    photos,
    products,
    sales,
)
