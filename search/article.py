"""The one Article type that travels from source files through the index to the reader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from search.language.text import clean_line


@dataclasses.dataclass(frozen=True)
class Article:
    """A news article as Bantin knows it, all text NFC.

    `body` keeps the paragraphs as written: the reader shows them, and speech
    pauses between them.
    """

    id: str
    title: str
    body: tuple[str, ...] = ()
    url: str = ""
    lead: str = ""
    caption: str = ""
    date: dt.date | None = None
    author: str = ""
    category: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        # Normalize at the boundary so no later stage has to wonder.
        for name in ("title", "lead", "caption", "author", "category", "url", "source"):
            object.__setattr__(self, name, clean_line(getattr(self, name) or ""))
        paragraphs = tuple(p for p in (clean_line(p) for p in self.body) if p)
        object.__setattr__(self, "body", paragraphs)

    @property
    def text(self) -> str:
        """Body paragraphs joined by newlines: the stored and indexed body."""
        return "\n".join(self.body)

    def content_hash(self) -> str:
        """A digest of everything indexed or shown, so `update` can skip unchanged articles."""
        payload = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["body"] = list(self.body)
        data["date"] = self.date.isoformat() if self.date else None
        return data
