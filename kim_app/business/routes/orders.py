"""`/usaha/<group>/<product>/pesan`: count the order click, then go to WhatsApp."""

from flask import redirect, request
from flask_login import current_user

from kim_app.business import bp, orders, products
from kim_app.business.routes import access
from kim_app.common.permissions import business_authority
from kim_app.common.ratelimit import account_and_ip_limits
from kim_app.common.urls import external_url_for
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import utcnow
from kim_app.response_cache import leave_pages_fresh


def _to_whatsapp(group, product):
    page_url = external_url_for("business.product", group_slug=group.slug,
                                product_slug=product.slug)
    response = redirect(products.whatsapp_order_url(product, page_url), 303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _limited(_limit):
    """Over the limit: WhatsApp all the same, without a count."""
    group = access.group_or_404(request.view_args["group_slug"])
    authority = business_authority(current_user, group)
    return _to_whatsapp(group, access.product_or_404(group, request.view_args["product_slug"],
                                                     authority))


order_limits = account_and_ip_limits("order-clicks", "ORDER_CLICK_LIMIT_PER_ACCOUNT",
                                     "ORDER_CLICK_LIMIT_PER_IP", on_breach=_limited)


@bp.get("/<group_slug>/<product_slug>/pesan")
@order_limits
def order(group_slug: str, product_slug: str):
    group = access.group_or_404(group_slug)
    authority = business_authority(current_user, group)
    product = access.product_or_404(group, product_slug, authority)
    response = _to_whatsapp(group, product)
    now = utcnow()
    today = local_date(now)
    cookie = request.cookies.get(orders.ORDER_COOKIE)
    if (request.method == "GET" and not authority.manages_products
            and not orders.is_bot(request.user_agent.string)
            and not orders.counted_already(product, today, cookie)):
        orders.count_click(product, today)
        # Thousands of clicks a day must not empty the guests' page cache each time.
        leave_pages_fresh(db.session())
        db.session.commit()
        response.set_cookie(
            orders.ORDER_COOKIE, orders.cookie_value(product, today),
            max_age=orders.seconds_until_midnight(now), path=request.path,
            secure=request.is_secure, httponly=True, samesite="Lax",
        )
    return response
