"""The running service's keeper of article vectors: it embeds, in the background,
whatever the live generation still lacks.

A build, an update or the admin's job makes a generation live without waiting
for its vectors; the keeper notices (it looks every few seconds: one stat of
CURRENT and of the vectors file) and runs index.vectors_worker, one child
process at a low CPU priority, which resumes from the last checkpoint. Only one
run happens at once across every process on the index: the child takes the
vectors lock (index/vectors.py), and the keeper does not even start a child
while another process (`bantin index vectors`, another service) holds it.

It is driven by `check()`, called by its owner's loop, or by `run()` in a
thread of its own (web/serving/background.py chooses). `stop()` sends the child
SIGTERM: it saves what it computed and the next start goes on from there.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

from index.build import INDEXING_NICE
from index.vectors_worker import BUSY
from index.vectors_state import beat, lock_held
from search import meaning
from search.storage.generations import POINTER, IndexMissing, IndexStore

log = logging.getLogger(__name__)
CHECK_EVERY_S = 2.0
# After a failed run, the next try waits this long, unless a new generation goes live sooner.
RETRY_AFTER_S = 600.0
# A stopped child that has not saved and ended by then is killed (losing at most one checkpoint's work).
STOP_WAIT_S = 30.0

Stamp = tuple[tuple[int, int] | None, ...]


def _stat(path: os.PathLike) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class VectorsKeeper:
    def __init__(self, store: IndexStore, nice: int = INDEXING_NICE, check_every: float = CHECK_EVERY_S) -> None:
        self.store = store
        self.nice = nice
        self.check_every = check_every
        self.child: subprocess.Popen | None = None
        self._checked = float("-inf")
        self._complete: Stamp | None = None  # the stamps at which the live generation had every vector
        self._failed: tuple[Stamp, float] | None = None  # the stamps and time of the last failure
        self._guard = threading.Lock()

    def _stamps(self) -> Stamp:
        pointer = _stat(self.store.root / POINTER)
        try:
            vectors = _stat(self.store.current().path / meaning.VECTORS)
        except IndexMissing:
            vectors = None
        return (pointer, vectors)

    def missing(self) -> bool:
        """Whether the live generation lacks a vector for some article. The vectors
        are counted only when CURRENT or the vectors file changed since the last look."""
        stamps = self._stamps()
        if stamps == self._complete:
            return False
        try:
            generation = self.store.current()
            articles = int(generation.meta().get("articles", 0))
        except (IndexMissing, OSError, ValueError):
            return False
        if meaning.count_present(generation.path / meaning.VECTORS) >= articles:
            self._complete = stamps
            return False
        return True

    def check(self, force: bool = False) -> None:
        """One look, at most every `check_every` seconds: reap a finished child, start one if needed."""
        with self._guard:
            now = time.monotonic()
            if not force and now - self._checked < self.check_every:
                return
            self._checked = now
            if not self.store.root.is_dir():
                return
            beat(self.store)
            if self.child is not None:
                if self.child.poll() is None:
                    return
                self._ended(self.child.returncode)
            if self._failed and self._failed[0] == self._stamps() and now - self._failed[1] < RETRY_AFTER_S:
                return
            if lock_held(self.store) or not self.missing():
                return
            self._start()

    def _ended(self, code: int) -> None:
        self.child = None
        if code not in (0, BUSY, -signal.SIGTERM):
            log.error("tính vector ngữ nghĩa trong nền thất bại (mã %s); thử lại sau %.0f phút hoặc khi có chỉ mục mới",
                      code, RETRY_AFTER_S / 60)
            self._failed = (self._stamps(), time.monotonic())

    def _start(self) -> None:
        command = [sys.executable, "-m", "index.vectors_worker", "--index-dir", str(self.store.root),
                   "--nice", str(self.nice)]
        # Its own session: Ctrl-C at the terminal reaches the service, which stops it in order.
        self.child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      start_new_session=True)
        log.info("bắt đầu tính vector ngữ nghĩa trong nền (tiến trình %s)", self.child.pid)

    def run(self, stopping: threading.Event) -> None:
        """Look every `check_every` seconds until `stopping` is set; then stop the child."""
        try:
            while not stopping.is_set():
                try:
                    self.check()
                except Exception:  # noqa: BLE001 (the site serves on; the next look tries again)
                    log.exception("lỗi khi xem vector ngữ nghĩa của chỉ mục")
                stopping.wait(self.check_every)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the child, if one runs: it saves what it computed first."""
        with self._guard:
            child, self.child = self.child, None
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
