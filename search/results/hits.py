"""A page's hits, from the stored fields of their articles: the one place a Hit is made."""

from __future__ import annotations

import datetime as dt
import re

from whoosh.searching import Searcher

from search.results.page import Hit
from search.results.snippets import match_spans, snippet


def read_hits(
    searcher: Searcher, top: list[tuple[int, float]], snippets: bool, pattern: re.Pattern[str] | None
) -> list[Hit]:
    """The hits of (docnum, score) pairs, with snippets marking `pattern` (the query's forms) if asked."""
    return [_hit(searcher.stored_fields(docnum), score, snippets, pattern) for docnum, score in top]


def _hit(fields: dict, score: float, snippets: bool, pattern: re.Pattern[str] | None) -> Hit:
    date = fields.get("date")
    return Hit(
        id=fields["id"],
        url=fields.get("url", ""),
        title=fields.get("title", ""),
        date=date.date() if isinstance(date, dt.datetime) else None,
        category=fields.get("category", ""),
        snippet=snippet(fields, match_spans(fields, pattern)) if snippets else "",
        score=float(score),
    )
