"""Security headers on every response.

Hand-written rather than flask-talisman: the whole policy is these few headers,
and Talisman's defaults (redirect everything to HTTPS, its own session-cookie
rules) would have to be turned off for a service that is often run over plain
HTTP behind a portal's TLS proxy and keeps no session.
"""

from __future__ import annotations

from flask import Flask, Response, request

# No inline script or style anywhere (not even style="" attributes): everything
# is served from /static. media-src and connect-src leave room for the article audio.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Search words travel in URLs: never hand them to another site.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# Versioned static URLs (see web.assets) never change content, so they may be kept.
STATIC_CACHE = "public, max-age=31536000, immutable"


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint == "static" and request.args.get("v"):
        response.headers["Cache-Control"] = STATIC_CACHE
    elif response.mimetype == "text/html":
        # Pages are rendered with the reader's text size and theme from cookies:
        # a shared cache must not hand one reader's page to another.
        response.vary.add("Cookie")
        response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def register(app: Flask) -> None:
    app.after_request(_secure)
