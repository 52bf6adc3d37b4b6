"""Counting "Pesan via WhatsApp": one click per browser, product and day, nothing personal.

The button on a product page links to `/usaha/<group>/<product>/pesan`, which counts the
click and sends the buyer on to `wa.me` with the prefilled message. The rules:

- The count is one number per product and day in Pati's calendar (`OrderClickDay`),
  raised by an upsert, so two simultaneous clicks both count and never make two rows.
- One count per browser, product and day: the answer sets a cookie scoped to that
  product's order path only, holding the product and the date, signed with the secret key
  (`ORDER_COOKIE`). It names no one; it ends at midnight in Pati. A second click that day
  carries it and is not counted. No address, account, browser token or hash of them is
  stored anywhere.
- Not counted: known bots and link-preview fetchers (by their User-Agent, or none at
  all), the group's own managers trying their button, and clicks over the rate limit
  (those still reach WhatsApp).
"""

import re
from datetime import date, datetime, time, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kim_app.common.workdays import JAKARTA
from kim_app.extensions import db
from kim_app.models import OrderClickDay, Product

ORDER_COOKIE = "kim_pesan"

# Crawlers, monitors, and the apps that fetch a link to draw its preview.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|skype|"
    r"headless|curl|wget|python-|httpclient|okhttp|java/|go-http|libwww|scrapy|"
    r"lighthouse|pingdom|uptime|monitor",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    return not user_agent or BOT_AGENT.search(user_agent) is not None


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kim-order-click")


def cookie_value(product: Product, day: date) -> str:
    return _signer().dumps([product.id, day.isoformat()])


def counted_already(product: Product, day: date, cookie: str | None) -> bool:
    """The browser's cookie says this product's click was counted today."""
    if not cookie:
        return False
    try:
        product_id, counted_on = _signer().loads(cookie)
    except (BadSignature, ValueError, TypeError):
        return False
    return product_id == product.id and counted_on == day.isoformat()


def seconds_until_midnight(now: datetime) -> int:
    """How long the cookie lives: until the day ends in Pati."""
    local = now.astimezone(JAKARTA)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), JAKARTA)
    return max(1, int((midnight - local).total_seconds()))


def count_click(product: Product, day: date) -> None:
    """Add one click to the product's count of the day (one statement, race-free)."""
    insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite_insert)
    statement = insert(OrderClickDay).values(
        business_group_id=product.business_group_id, product_id=product.id, day=day,
        clicks=1,
    ).on_conflict_do_update(index_elements=["product_id", "day"],
                            set_={"clicks": OrderClickDay.clicks + 1})
    db.session.execute(statement)
