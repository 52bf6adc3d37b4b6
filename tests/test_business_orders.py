"""The order counter: "Pesan via WhatsApp" counts one click per browser, product and day,
stores nothing about the buyer, skips bots and managers, and always reaches WhatsApp."""

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import inspect, select

import tests.business_factories as bf
from kim_app.business import orders
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import OrderClickDay
from tests.conftest import login

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 10; SM-A105F) Chrome/120 Mobile"}


@pytest.fixture
def shop(app):
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    return {"group": group, "tempe": bf.product(group, "Keripik Tempe Pedas", 15000),
            "singkong": bf.product(group, "Keripik Singkong", 12000)}


def order_path(group, product) -> str:
    return f"/usaha/{group.slug}/{product.slug}/pesan"


def clicks(product) -> list[tuple[date, int]]:
    db.session.expire_all()
    return [(row.day, row.clicks) for row in db.session.scalars(
        select(OrderClickDay).where(OrderClickDay.product_id == product.id)
        .order_by(OrderClickDay.day))]


def order(client, group, product, headers=BROWSER, **kwargs):
    response = client.get(order_path(group, product), headers=headers, **kwargs)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).netloc == "wa.me"
    return response


def today_in_pati() -> date:
    return local_date(datetime.now(UTC))


def test_first_click_counts_and_goes_to_whatsapp_with_the_message(client, shop):
    response = order(client, shop["group"], shop["tempe"])
    location = urlsplit(response.headers["Location"])
    assert location.path == "/6281234567890"
    assert "Keripik Tempe Pedas" in parse_qs(location.query)["text"][0]
    assert response.headers["Cache-Control"] == "no-store"
    assert clicks(shop["tempe"]) == [(today_in_pati(), 1)]
    cookie = response.headers["Set-Cookie"]
    assert f"Path={order_path(shop['group'], shop['tempe'])}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_second_click_the_same_day_from_the_same_browser_is_not_counted(client, shop):
    order(client, shop["group"], shop["tempe"])
    order(client, shop["group"], shop["tempe"])
    order(client, shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == [(today_in_pati(), 1)]
    order(client, shop["group"], shop["singkong"])  # another product: its own count
    assert clicks(shop["singkong"]) == [(today_in_pati(), 1)]


def test_other_browsers_count_separately(app, shop):
    for _browser in range(3):
        order(app.test_client(), shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == [(today_in_pati(), 3)]


def test_the_next_day_the_same_browser_counts_again(client, shop, monkeypatch):
    from kim_app.business.routes import orders as order_route

    day_one = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)  # 23:59 in Pati
    day_two = datetime(2026, 3, 2, 17, 1, tzinfo=UTC)  # 00:01 the next day in Pati
    monkeypatch.setattr(order_route, "utcnow", lambda: day_one)
    first = order(client, shop["group"], shop["tempe"])
    assert "Max-Age=60;" in first.headers["Set-Cookie"]  # a minute left of the day
    cookie = first.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    monkeypatch.setattr(order_route, "utcnow", lambda: day_two)
    # The browser would have dropped the cookie at midnight; even one that kept it counts.
    client.set_cookie(orders.ORDER_COOKIE, cookie,
                      path=order_path(shop["group"], shop["tempe"]))
    order(client, shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == [(date(2026, 3, 2), 1), (date(2026, 3, 3), 1)]


def test_a_forged_or_foreign_cookie_does_not_stop_the_count(client, shop):
    path = order_path(shop["group"], shop["tempe"])
    client.set_cookie(orders.ORDER_COOKIE, "bukan-tanda-tangan", path=path)
    order(client, shop["group"], shop["tempe"])
    other = bf.product(shop["group"], "Kerupuk Udang", 10000)
    with client.application.test_request_context():
        # A valid cookie of another product does not count for this one.
        assert not orders.counted_already(shop["tempe"], today_in_pati(),
                                          orders.cookie_value(other, today_in_pati()))
    assert clicks(shop["tempe"]) == [(today_in_pati(), 1)]


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "facebookexternalhit/1.1", "WhatsApp/2.23.20.0", "curl/8.4.0",
    "Mozilla/5.0 (compatible; bingbot/2.0)", "",
])
def test_known_bots_and_link_previews_are_not_counted(client, shop, agent):
    response = order(client, shop["group"], shop["tempe"], headers={"User-Agent": agent})
    assert "Set-Cookie" not in response.headers
    assert clicks(shop["tempe"]) == []


def test_the_groups_own_manager_is_not_counted_but_a_warga_is(app, shop):
    manager = bf.person("Bu Pengelola", shop["group"].kim_group)
    bf.appoint(manager, shop["group"])
    mine = app.test_client()
    login(mine, manager)
    order(mine, shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == []
    buyer = app.test_client()
    login(buyer, bf.person("Pak Pembeli"))
    order(buyer, shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == [(today_in_pati(), 1)]


def test_no_address_no_account_and_no_browser_token_is_stored(app, shop):
    buyer = bf.person("Pak Pembeli")
    browser = app.test_client()
    login(browser, buyer)
    response = order(browser, shop["group"], shop["tempe"],
                     environ_base={"REMOTE_ADDR": "203.0.113.77"})
    columns = {column["name"] for column in inspect(db.engine).get_columns("order_click_day")}
    assert columns == {"id", "business_group_id", "product_id", "day", "clicks"}
    (row,) = db.session.execute(select(OrderClickDay.__table__)).all()
    assert tuple(row)[1:] == (shop["group"].id, shop["tempe"].id, today_in_pati(), 1)
    # The cookie carries only the product and the date, signed.
    value = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.test_request_context():
        assert orders._signer().loads(value) == [shop["tempe"].id, today_in_pati().isoformat()]
    assert "203.0.113.77" not in value


def test_over_the_rate_limit_the_buyer_still_reaches_whatsapp_uncounted(app, shop,
                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_CLICK_LIMIT_PER_ACCOUNT", "2 per hour")
    for _browser in range(4):  # four browsers behind one address
        order(app.test_client(), shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == [(today_in_pati(), 2)]


def test_unknown_unpublished_and_absurd_products_are_404(client, shop):
    hidden = bf.product(shop["group"], "Produk Rahasia", 10000, published=False)
    group = shop["group"]
    assert client.get(order_path(group, hidden), headers=BROWSER).status_code == 404
    assert client.get(f"/usaha/{group.slug}/tidak-ada/pesan", headers=BROWSER).status_code == 404
    assert client.get(f"/usaha/tidak-ada/{shop['tempe'].slug}/pesan").status_code == 404
    assert client.get(f"/usaha/{group.slug}/{'x' * 5000}/pesan").status_code == 404
    assert clicks(hidden) == []


def test_a_click_leaves_the_guests_page_cache_fresh(app, client, shop):
    from kim_app.common import cache

    before = cache.generations()
    order(client, shop["group"], shop["tempe"])
    assert clicks(shop["tempe"]) == [(today_in_pati(), 1)]
    assert cache.generations() == before
    bf.product(shop["group"], "Kerupuk Baru", 9000)  # a product write makes its pages stale
    assert cache.generations()[b"product"] != before.get(b"product")
