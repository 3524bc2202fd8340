"""Rate limits per client on what costs the server most: searches, article audio, sign-in.

Flask-Limiter does the counting (moving windows, in memory by default, or Redis
or Memcached through RATELIMIT_STORAGE_URI when several processes serve one
site) and writes Retry-After; this module says which routes carry which limit
and answers a refusal in Vietnamese.

Limits are put on routes by endpoint or URL rule once every blueprint is
registered (`protect`), not by decorators in the views' own modules. So the
audio routes, wherever they are written, are limited as long as their rules are
`/articles/<id>/audio.<ext>` or `/podcast.xml`, and `protect` runs last in the
factory.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable

from flask import Flask, current_app, jsonify, render_template
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from web.plumbing.errors import PAGES, is_api

DEFAULTS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_HEADERS_ENABLED": True,
    # One budget for the results page and the API together; an empty string turns a limit off.
    "SEARCH_RATE_LIMIT": "60 per minute;600 per hour",
    # A player asks for several ranges of one file; generating new audio costs seconds of CPU.
    "AUDIO_RATE_LIMIT": "120 per minute;1200 per hour",
}

SEARCH_ENDPOINTS = ("search.results", "api.search")
AUDIO_RULE = re.compile(r"^/articles/<[^>]+>/audio\.\w+$|^/podcast\.xml$")


def register(app: Flask) -> Limiter:
    """The app's limiter; limits themselves are put on routes by `protect`."""
    limiter = Limiter(get_remote_address, app=app)
    app.extensions["bantin.limiter"] = limiter
    app.extensions["bantin.limited"] = {}
    app.register_error_handler(RateLimitExceeded, _too_many)
    return limiter


def limit_endpoints(
    app: Flask,
    endpoints: Iterable[str],
    limit: str,
    scope: str,
    *,
    key_func: Callable[[], str] | None = None,
    methods: list[str] | None = None,
    deduct_when: Callable | None = None,
) -> None:
    """Put one limit, shared under `scope`, on each of `endpoints` (an empty limit: none)."""
    if not limit:
        return
    limiter: Limiter = app.extensions["bantin.limiter"]
    rule = limiter.shared_limit(limit, scope, key_func=key_func, methods=methods, deduct_when=deduct_when)
    limited = app.extensions["bantin.limited"]
    for endpoint in endpoints:
        scopes = limited.setdefault(endpoint, [])
        if scope not in scopes:
            app.view_functions[endpoint] = rule(app.view_functions[endpoint])
            scopes.append(scope)


def audio_endpoints(app: Flask) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if AUDIO_RULE.match(rule.rule)})


def protect(app: Flask) -> None:
    """Limit searching and audio per client. Call after every blueprint is registered."""
    limit_endpoints(
        app, [e for e in SEARCH_ENDPOINTS if e in app.view_functions], app.config["SEARCH_RATE_LIMIT"], "search"
    )
    limit_endpoints(app, audio_endpoints(app), app.config["AUDIO_RATE_LIMIT"], "audio")


def retry_after() -> int:
    """Seconds until the breached limit lets this client in again (rounded as Flask-Limiter's header is)."""
    limit = current_app.extensions["bantin.limiter"].current_limit
    return max(1, int(limit.reset_at - time.time())) if limit else 60


def _too_many(error: RateLimitExceeded):
    seconds = retry_after()
    if is_api():
        response = jsonify(error=f"quá nhiều yêu cầu; hãy thử lại sau {seconds} giây", retry_after=seconds)
    else:
        title, _ = PAGES[429]
        text = f"Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Xin đợi {_wait_words(seconds)} rồi thử lại."
        response = current_app.make_response(render_template("error.html", code=429, title=title, text=text))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} giây"
    return f"khoảng {math.ceil(seconds / 60)} phút"
