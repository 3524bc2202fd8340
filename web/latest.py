"""The newest articles of the index, optionally of one section: what the podcast feed lists.

This belongs in search/ as `SearchEngine.latest(n, category)`: `search()` needs
query words and nothing else lists articles by date. Until search/ has it, it is
read here through the engine's public searcher, with Whoosh's own sorting.
"""

from __future__ import annotations

from whoosh import query, sorting
from whoosh.searching import Searcher

from search.article import Article
from search.schema import from_stored


def latest_articles(searcher: Searcher, limit: int, category: str | None = None) -> list[Article]:
    """Newest first; articles without a date after all dated ones (Whoosh would sort
    a missing date before every real one)."""
    within = query.Term("category", category) if category else None
    newest = sorting.FieldFacet("date", reverse=True)
    dated = searcher.search(query.Every("date"), filter=within, limit=limit, sortedby=newest)
    found = [from_stored(hit.fields()) for hit in dated]
    if len(found) < limit:
        undated = searcher.search(query.Every(), filter=within, mask=query.Every("date"), limit=limit - len(found))
        found += [from_stored(hit.fields()) for hit in undated]
    return found


def has_category(searcher: Searcher, category: str) -> bool:
    return searcher.reader().doc_frequency("category", category) > 0
