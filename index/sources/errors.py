"""What a source reader reports instead of raising, so one bad file never stops a build."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class SkippedSource:
    """A file (or a JSONL line, `path:lineno`) that gave no article, and why.

    Staff read these in the build report, so `reason` is short and says what to fix.
    """

    path: str
    reason: str

    def __post_init__(self) -> None:
        # A URL typed in a terminal that could not decode it holds lone surrogates; the
        # report is written as UTF-8 (meta.json, the admin page), so they become U+FFFD.
        object.__setattr__(self, "path", _SURROGATE.sub("\ufffd", self.path))


class SourceError(Exception):
    """Raised by decoders and parsers; the reader turns it into a `SkippedSource`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
