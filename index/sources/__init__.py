"""Source readers: turn portal text exports, HTML pages and JSON Lines into `Article`s.

`read_sources` is the entry point; the per-format parsers are importable on their
own for callers that already hold the text.
"""

from index.sources.errors import SkippedSource, SourceError
from index.sources.reader import read_sources

__all__ = ["SkippedSource", "SourceError", "read_sources"]
