"""Progress for staff: a bar with rate and ETA on a terminal, plain log lines elsewhere.

Here, below index/ and speech/, so that building the index and pre-generating
audio report progress the same way.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from tqdm import tqdm


class Progress(Protocol):
    def start(self, total: int, what: str) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def finish(self) -> None: ...


class SilentProgress:
    """For library callers and tests that want no output."""

    def start(self, total: int, what: str) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class TerminalProgress:
    """tqdm's bar: it already computes a smoothed rate and ETA, and redraws cheaply."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.bar: tqdm | None = None

    def start(self, total: int, what: str) -> None:
        self.bar = tqdm(total=total, desc=what, unit=" bài", file=self.stream, dynamic_ncols=True)

    def advance(self, n: int = 1) -> None:
        if self.bar:
            self.bar.update(n)

    def finish(self) -> None:
        if self.bar:
            self.bar.close()
            self.bar = None


class LogProgress:
    """One line every `every` seconds: readable in CI logs and journald, unlike a bar."""

    def __init__(self, stream: TextIO = sys.stderr, every: float = 5.0) -> None:
        self.stream, self.every = stream, every
        self.total = self.done = 0
        self.what = ""
        self.started = self.last = 0.0

    def start(self, total: int, what: str) -> None:
        self.total, self.done, self.what = total, 0, what
        self.started = self.last = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._line(now)

    def finish(self) -> None:
        self._line(time.monotonic())

    def _line(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else float("inf")
        print(
            f"{self.what}: {self.done}/{self.total} bài, {rate:.1f} bài/giây, còn khoảng {eta:.0f} giây",
            file=self.stream,
            flush=True,
        )


def for_stream(stream: TextIO = sys.stderr) -> Progress:
    return TerminalProgress(stream) if stream.isatty() else LogProgress(stream)
