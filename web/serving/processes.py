"""`bantin serve --workers N`: N waitress processes answering on one listening socket.

One Python process runs one request's Python at a time (the GIL), so on a
machine with two cores one process leaves half of it idle while searches
queue. The socket is bound once, here, and every worker accepts from it: the
kernel hands each new connection to a worker that is waiting, so no proxy or
port per worker is needed. The app is made once, here, and forked before any
request: its search engine opens the index only when first used, so each
worker opens it after the fork (no open file is shared) and keeps its own
caches, while the imported code is shared.

This process supervises, and keeps the article vectors (serving/background.py): a worker that dies (the out-of-memory killer, a
crash) is started again; SIGTERM or Ctrl-C stops them all. A worker whose
supervisor disappears (SIGKILL) stops too, so none is left holding the port.

The workers' metrics (web/plumbing/metrics.py) meet in a folder of files made
fresh for each run (shared_metrics): a count left by a previous run would be
added to this one's.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait
from pathlib import Path

import psutil
from flask import Flask

from index.vectors_keeper import VectorsKeeper
from web.plumbing import proxy

log = logging.getLogger(__name__)
# A worker that dies sooner than this after its start is failing to start, not
# crashing under load: starting it again at once would spin.
RESTART_DELAY_S = 1.0
FAST_FAILURES_ALLOWED = 5
# The workers' metrics folder, in the system's temporary folder: bantin-metrics-<supervisor pid>-<random>.
METRICS_PREFIX = "bantin-metrics-"


def listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.create_server((host, port), backlog=1024)
    sock.set_inheritable(True)
    return sock


def _remove_orphaned_metrics(root: Path) -> None:
    """The folders of supervisors that are gone: one killed with SIGKILL could not remove its own."""
    for folder in root.glob(f"{METRICS_PREFIX}*-*"):
        owner = folder.name.removeprefix(METRICS_PREFIX).split("-")[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def shared_metrics() -> Iterator[str]:
    """PROMETHEUS_MULTIPROC_DIR, a new empty folder, for as long as the block runs; then removed.

    prometheus_client chooses per-process files or plain memory when it is first
    imported: so before the app is made, and this refuses to run after.
    """
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client đã được nạp trước khi đặt PROMETHEUS_MULTIPROC_DIR")
    _remove_orphaned_metrics(Path(tempfile.gettempdir()))
    folder = tempfile.mkdtemp(prefix=f"{METRICS_PREFIX}{os.getpid()}-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    try:
        yield folder
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        shutil.rmtree(folder, ignore_errors=True)


def _worker(app: Flask, sock: socket.socket, threads: int, supervisor: int) -> None:
    from waitress import serve

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the supervisor decides

    def follow_supervisor() -> None:
        while os.getppid() == supervisor:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=follow_supervisor, name="bantin-supervisor-watch", daemon=True).start()
    app.extensions["bantin.metrics"].worker_started()
    app.extensions["bantin.engine"].warm(wait=True)
    serve(app, sockets=[sock], threads=threads, **proxy.WAITRESS)


def serve_workers(
    app: Flask, sock: socket.socket, workers: int, threads: int, keeper: VectorsKeeper | None = None
) -> int:
    """Run `workers` processes until SIGTERM/SIGINT, and the keeper's looks; the exit status for the command."""
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
            if keeper is not None:
                try:
                    keeper.check()
                except Exception:  # noqa: BLE001 (the site serves on; the next look tries again)
                    log.exception("lỗi khi xem vector ngữ nghĩa của chỉ mục")
            ended = wait([p.sentinel for p in running], timeout=0.5)
            for process in [p for p in running if p.sentinel in ended]:
                started = running.pop(process)
                process.join()
                app.extensions["bantin.metrics"].worker_gone(process.pid)
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
        if keeper is not None:
            keeper.stop()
        for process in running:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
