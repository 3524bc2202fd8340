"""One log line per request with its status and time, and the same time in Server-Timing.

Only the path is logged, not the query string: search words can be personal.
A path is logged on one line and cut short: a hostile one cannot forge log
lines with an encoded newline, or flood the log with 60,000 characters.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

log = logging.getLogger("bantin.web")

MAX_LOGGED_PATH = 200
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown_path(path: str) -> str:
    """`path` as one printable line of bounded length."""
    if len(path) > MAX_LOGGED_PATH:
        path = path[:MAX_LOGGED_PATH] + "…"
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", path)


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("started")
    if started is None:
        return response
    elapsed_ms = (time.perf_counter() - started) * 1000
    response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
    log.info(
        "%s %s %s %.1fms %sB",
        request.method,
        shown_path(request.path),
        response.status_code,
        elapsed_ms,
        response.content_length if response.content_length is not None else "-",
    )
    return response


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
