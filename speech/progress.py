"""Progress for `bantin audio warm`: tqdm's bar on a terminal, a plain line every few seconds elsewhere.

The same split as index/progress.py; speech/ may not import index/, so this is
its own small copy (it could move to search/ for both).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm


class LogLines:
    """Readable in CI logs and journald, where a redrawn bar is noise."""

    def __init__(self, total: int, what: str, stream: TextIO, every: float = 5.0) -> None:
        self.total, self.what, self.stream, self.every = total, what, stream, every
        self.done = 0
        self.started = self.last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done += n
        if time.monotonic() - self.last >= self.every:
            self._line()

    def close(self) -> None:
        self._line()

    def _line(self) -> None:
        self.last = time.monotonic()
        rate = self.done / max(self.last - self.started, 1e-9)
        print(f"{self.what}: {self.done}/{self.total} bài, {rate:.1f} bài/giây", file=self.stream, flush=True)


def progress(total: int, what: str, stream: TextIO | None = None) -> tqdm | LogLines:
    """Something with update(n) and close(), on `stream` (the current sys.stderr by default)."""
    stream = stream or sys.stderr
    if stream.isatty():
        return tqdm(total=total, desc=what, unit=" bài", file=stream, dynamic_ncols=True)
    return LogLines(total, what, stream)
