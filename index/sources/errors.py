"""What a source reader reports instead of raising, so one bad file never stops a build."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SkippedSource:
    """A file (or a JSONL line, `path:lineno`) that gave no article, and why.

    Staff read these in the build report, so `reason` is short and says what to fix.
    """

    path: str
    reason: str


class SourceError(Exception):
    """Raised by decoders and parsers; the reader turns it into a `SkippedSource`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
