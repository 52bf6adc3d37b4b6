"""Absolute links, built from `SITE_URL` (KIM_SITE_URL), never from the request's Host.

Production refuses to start without `SITE_URL`; in development an unset `SITE_URL` falls
back to the address the browser used, so links work on a laptop.
"""

from flask import current_app, has_request_context, request, url_for


def site_url() -> str:
    """The portal's public address without a trailing slash ("" outside a request when
    unset)."""
    base = current_app.config.get("SITE_URL") or (
        request.host_url if has_request_context() else ""
    )
    return base.rstrip("/")


def absolute_url(link: str) -> str:
    """`link` (a path on this site) as an absolute URL; URLs with a scheme pass as they are."""
    if not link or "://" in link:
        return link
    base = site_url()
    return base + link if base else link


def external_url_for(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` as an absolute URL on the public address."""
    values.pop("_external", None)
    return absolute_url(url_for(endpoint, **values))
