"""The app on waitress in a thread, on a free local port: for tests and benchmarks
that talk HTTP to it the way `bantin serve` serves it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from waitress.server import create_server

from web.plumbing import proxy


@contextmanager
def serving(app: Flask, threads: int = 4) -> Iterator[str]:
    """The base URL, for as long as the block runs."""
    # poll() rather than select(): closing the server while its loop waits then
    # ends the loop quietly instead of raising EBADF in the server's thread.
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, asyncore_use_poll=True, **proxy.WAITRESS)
    thread = threading.Thread(target=server.run, name="bantin-local-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
