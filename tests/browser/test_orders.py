"""Orders and income in a real browser: a guest orders via WhatsApp twice in one day (one
click counted), the group's manager records the sale, and the KIM page shows both.

WhatsApp itself is not reached: the test passes the order request to the portal, reads the
redirect to wa.me (and the message the buyer would send) and shows a stand-in page.
"""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import format_date
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import OrderClickDay
from tests import business_factories as bf
from tests.browser.conftest import REPORT_CSP_VIOLATIONS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(app):
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    bf.product(group, "Keripik Tempe Pedas", 15000)
    manager = bf.manager_of(group, "Bu Rina Pengelola")
    return {"group": group.slug, "kim": group.kim_group.slug, "phone": manager.phone}


def clicks_today() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.coalesce(func.sum(OrderClickDay.clicks), 0)).where(
        OrderClickDay.day == local_date(datetime.now(UTC))))


# A phone's browser: headless Chromium names itself "HeadlessChrome", which the counter
# rightly takes for a robot.
PHONE = ("Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0 Mobile Safari/537.36")


@pytest.fixture
def page(new_context, live_server) -> Page:
    # The service worker is blocked for every browser test (conftest): its fetches would
    # pass by the route that stands in for WhatsApp.
    context = new_context(base_url=live_server, user_agent=PHONE)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return context.new_page()


def test_guest_orders_twice_manager_records_a_sale_kim_page_shows_both(
        page: Page, app, shop, console_errors):
    messages = []

    def order(route):
        # The portal answers (and counts); the browser is shown WhatsApp instead of
        # following the redirect off the machine. Cookies go to the context as usual.
        answer = route.fetch(max_redirects=0)
        assert answer.status == 303
        target = urlsplit(answer.headers["location"])
        assert target.netloc == "wa.me"
        messages.append(parse_qs(target.query)["text"][0])
        route.fulfill(status=200, content_type="text/html", body="<p>WhatsApp</p>")

    page.route("**/pesan", order)
    product_page = f"/usaha/{shop['group']}/keripik-tempe-pedas"
    for _time in range(2):
        page.goto(product_page)
        page.locator("a#order-whatsapp").click()
        expect(page.locator("body")).to_have_text("WhatsApp")
    assert len(messages) == 2 and "Keripik Tempe Pedas" in messages[0]
    assert clicks_today() == 1

    page.goto("/auth/masuk")
    page.fill("#identifier", shop["phone"])
    page.fill("#password", PASSWORD)
    page.locator("#main form").get_by_role("button", name="Masuk").click()
    expect(page.locator("#user-name")).to_have_text("Bu Rina Pengelola")
    page.goto(f"/usaha/{shop['group']}")
    page.locator("a", has_text="Catat penjualan").click()
    page.fill("#quantity", "3")
    page.fill("#amount", "45.000")
    page.fill("#note", "Pesanan lewat WhatsApp")
    page.locator("#sale-form").get_by_role("button", name="Catat penjualan").click()
    expect(page.locator("#sale-list")).to_contain_text("Rp\xa045.000")
    assert clicks_today() == 1  # the manager's own visits count nothing

    page.goto(f"/kim/{shop['kim']}")
    section = page.locator("#kim-business-heading").locator("xpath=..")
    section.locator("summary").click()
    with app.test_request_context():
        month = format_date(local_date(datetime.now(UTC)), "MMMM yyyy")
    row = page.locator("#kim-business-table tbody tr").filter(has_text=month)
    expect(row.locator(".order-clicks")).to_have_text("1")
    expect(row.locator(".sales-count")).to_have_text("1")
    expect(row.locator(".sales-amount")).to_have_text("Rp\xa045.000")
    assert console_errors == []
