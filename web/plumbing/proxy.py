"""Who the client is when Bantin runs behind a portal's reverse proxy.

Rate limits count per client address, and the session cookie is marked Secure
for HTTPS: behind a proxy both must come from the proxy's X-Forwarded-For and
X-Forwarded-Proto. Those headers are trusted only when TRUSTED_PROXIES says how
many proxies stand in front; otherwise any client could pick its own address
and escape its limit.

Waitress, left to itself, deletes those headers before the app sees them
(its own trusted_proxy setting being unset), so ProxyFix would never find
them: every server of the app passes WAITRESS, and this module alone decides.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Options for every waitress server of the app: the proxy headers reach it as they came.
WAITRESS = {"clear_untrusted_proxy_headers": False}


def register(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
