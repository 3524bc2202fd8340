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
class Facet:
    value: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    sort: str = "relevance"
    results: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    # True when no article had every word and these are the best partial matches.
    partial: bool = False
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    # Names in the query also searched in their other spellings: {"typed": "ubnd", "also": ["Ủy ban nhân dân"]}.
    expansions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sort,
            "results": [hit.to_dict() for hit in self.results],
            "suggestion": self.suggestion,
            "partial": self.partial,
            "facets": {name: [asdict(f) for f in values] for name, values in self.facets.items()},
            "expansions": self.expansions,
        }
