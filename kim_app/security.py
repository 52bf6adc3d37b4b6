"""Security headers on every response.

The Content-Security-Policy allows scripts and styles from this site only (htmx is vendored
and configured without eval and without injected indicator styles), no plugins, no <base>,
no framing.
"""

from flask import Flask, Response, current_app, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint == "static":
        # static_url() puts a content hash in every link, so a file can be kept a year.
        hashed = "v" in request.args
        headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if hashed else "public, max-age=3600"
        )
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
