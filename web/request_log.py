"""One log line per request with its status and time, and the same time in Server-Timing.

Only the path is logged, not the query string: search words can be personal.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("bantin.web")


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
        request.path,
        response.status_code,
        elapsed_ms,
        response.content_length if response.content_length is not None else "-",
    )
    return response


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
