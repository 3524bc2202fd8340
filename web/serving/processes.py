"""`bantin serve --workers N`: N waitress processes answering on one listening socket.

One Python process runs one request's Python at a time (the GIL), so on a
machine with two cores one process leaves half of it idle while searches
queue. The socket is bound once, here, and every worker accepts from it: the
kernel hands each new connection to a worker that is waiting, so no proxy or
port per worker is needed. The app is made once, here, and forked before any
request: its search engine opens the index only when first used, so each
worker opens it after the fork (no open file is shared) and keeps its own
caches, while the imported code is shared.

This process only supervises: a worker that dies (the out-of-memory killer, a
crash) is started again; SIGTERM or Ctrl-C stops them all. A worker whose
supervisor disappears (SIGKILL) stops too, so none is left holding the port.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.connection import wait

from flask import Flask

log = logging.getLogger(__name__)
# A worker that dies sooner than this after its start is failing to start, not
# crashing under load: starting it again at once would spin.
RESTART_DELAY_S = 1.0
FAST_FAILURES_ALLOWED = 5


def listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.create_server((host, port), backlog=1024)
    sock.set_inheritable(True)
    return sock


def _worker(app: Flask, sock: socket.socket, threads: int, supervisor: int) -> None:
    from waitress import serve

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the supervisor decides

    def follow_supervisor() -> None:
        while os.getppid() == supervisor:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=follow_supervisor, name="bantin-supervisor-watch", daemon=True).start()
    app.extensions["bantin.engine"].warm(wait=True)
    serve(app, sockets=[sock], threads=threads)


def serve_workers(app: Flask, sock: socket.socket, workers: int, threads: int) -> int:
    """Run `workers` processes until SIGTERM/SIGINT; the exit status for the command."""
    context = multiprocessing.get_context("fork")
    stopping = threading.Event()

    def start() -> multiprocessing.Process:
        process = context.Process(
            target=_worker, args=(app, sock, threads, os.getpid()), name="bantin-worker", daemon=True
        )
        process.start()
        return process

    running = {start(): time.monotonic() for _ in range(workers)}

    def stop(signum: int, _frame: object) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    fast_failures = 0
    try:
        while not stopping.is_set():
            ended = wait([p.sentinel for p in running], timeout=0.5)
            for process in [p for p in running if p.sentinel in ended]:
                started = running.pop(process)
                process.join()
                if stopping.is_set():
                    break
                lived = time.monotonic() - started
                fast_failures = fast_failures + 1 if lived < 30 else 0
                log.error("tiến trình phục vụ %s dừng (mã %s) sau %.0f s; khởi động lại", process.pid,
                          process.exitcode, lived)
                if fast_failures > FAST_FAILURES_ALLOWED:
                    log.error("các tiến trình phục vụ liên tục dừng ngay khi khởi động: ngừng")
                    return 1
                time.sleep(RESTART_DELAY_S)
                running[start()] = time.monotonic()
        return 0
    finally:
        for process in running:
            process.terminate()
        for process in running:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
