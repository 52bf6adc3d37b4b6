"""Business groups (kelompok usaha) of the KIMs and their product catalog.

The rules, by what they manage: `groups`, `members` (managers and join requests), `products`
(prices, the product page's links), `photos`, `catalog` (the public list), `slugs`, `labels`;
a refused change is `errors.BusinessError`. The pages are `routes/`, one module for each.
"""

from flask import Blueprint

bp = Blueprint("business", __name__)

from kim_app.business import routes  # noqa: E402,F401
