"""Absolute links, for text that leaves the site (emails, WhatsApp shares)."""

from flask import current_app, has_request_context, request


def absolute_url(link: str) -> str:
    """`link` with the site's address in front (`SITE_URL`, else the request's host)."""
    if not link or "://" in link:
        return link
    base = current_app.config.get("SITE_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + link if base else link
