"""The newest articles of the index, optionally of one section: what the podcast feed lists.

This belongs in search/ as `SearchEngine.latest(n, category)`: `search()` needs
query words and nothing else lists articles by date. Until search/ has it, it is
read here through the engine's public searcher, with Whoosh's own sorting.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import query, sorting
from whoosh.searching import Searcher

from search.article import Article
from search.schema import from_stored

# Every dated article (an open range; Every("date") walks all the date terms, ~15x slower).
DATED = query.DateRange("date", None, None)


def latest_articles(searcher: Searcher, limit: int, category: str | None = None) -> Iterator[Article]:
    """At most `limit` articles, newest first, articles without a date after all dated
    ones (Whoosh would sort a missing date before every real one). Lazy: rebuilding an
    Article from stored fields is most of the cost, and the feed stops once it is full."""
    within = query.Term("category", category) if category else None
    dated = searcher.search(DATED, filter=within, limit=limit, sortedby=sorting.FieldFacet("date", reverse=True))
    for hit in dated:
        yield from_stored(hit.fields())
    if len(dated) < limit:
        for hit in searcher.search(query.Every(), filter=within, mask=DATED, limit=limit - len(dated)):
            yield from_stored(hit.fields())


def has_category(searcher: Searcher, category: str) -> bool:
    return searcher.reader().doc_frequency("category", category) > 0
