"""What a search returns: the shape of `/api/search` and `bantin search --json`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hit:
    id: str
    url: str
    title: str
    date: dt.date | None
    category: str
    snippet: str  # HTML-safe: article text escaped, matches in <mark>
    score: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["score"] = round(self.score, 4)
        return data


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    results: list[Hit] = field(default_factory=list)
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [hit.to_dict() for hit in self.results],
            "suggestion": self.suggestion,
        }
