"""Running searches against the live generation: the library API that web/ and the CLI use.

One Searcher is opened and shared by all requests (Whoosh searchers are safe to
share for reading); it is swapped when CURRENT names a new generation, so a
rebuild is picked up without a restart.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

from whoosh import collectors, sorting
from whoosh.query import And, DateRange, Query, Term
from whoosh.searching import Results, Searcher

from search.article import Article
from search.matching import DEFAULT_WEIGHTS, Weights, build_plan, weighting
from search.query import parse_query
from search.results import Facet, Hit, SearchPage
from search.schema import from_stored
from search.snippets import match_spans, snippet
from search.store import POINTER, Generation, IndexStore
from search.suggest import Suggester

MAX_PER_PAGE = 100
MAX_PAGE = 1000
SORTS = ("relevance", "date")


def _top(searcher: Searcher, query: Query, limit: int, sort: str, filter_query: Query | None) -> Results:
    """The best `limit` documents, by score or by date.

    Whoosh's TopCollector periodically "replaces" the matcher tree with a pruned
    one; with boosted sub-queries that pruning drops documents that belong in
    the top (the best article for a query can vanish), so it is turned off.
    Block-quality skipping, which is sound, stays on.
    """
    if sort == "date":
        collector = collectors.SortingCollector(sorting.FieldFacet("date", reverse=True), limit=limit)
    else:
        collector = collectors.TopCollector(limit, usequality=True, replace=0)
    if filter_query is not None:
        collector = collectors.FilterCollector(collector, allow=filter_query)
    searcher.search_with_collector(query, collector)
    return collector.results()


def _count(searcher: Searcher, query: Query, filter_query: Query | None) -> Results:
    """Every matching document, unscored: the exact total and the facet counts."""
    groups = {"category": sorting.FieldFacet("category"), "year": sorting.FieldFacet("year")}
    collector = collectors.FacetCollector(collectors.UnsortedCollector(), groups, maptype=sorting.Count)
    if filter_query is not None:
        collector = collectors.FilterCollector(collector, allow=filter_query)
    searcher.search_with_collector(query, collector)
    return collector.results()


def _exists(searcher: Searcher, query: Query, filter_query: Query | None) -> bool:
    return not _top(searcher, query, 1, "relevance", filter_query).is_empty()


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def query(self) -> Query | None:
        parts: list[Query] = []
        if self.category:
            parts.append(Term("category", self.category))
        if self.date_from or self.date_to:
            start = dt.datetime.combine(self.date_from, dt.time.min) if self.date_from else None
            end = dt.datetime.combine(self.date_to, dt.time.max) if self.date_to else None
            parts.append(DateRange("date", start, end))
        return And(parts) if parts else None


class _Live:
    """The searcher of one generation and what is derived from it."""

    def __init__(self, generation: Generation, weights: Weights) -> None:
        self.generation = generation
        self.searcher: Searcher = generation.open().searcher(weighting=weighting(weights))
        self.suggester = Suggester(self.searcher.reader())


class SearchEngine:
    def __init__(self, store: IndexStore, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.store = store
        self.weights = weights
        self._lock = threading.Lock()
        self._live: _Live | None = None
        self._pointer_stamp: tuple[int, int] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.store.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _current(self) -> _Live:
        """The live generation's searcher, reopened when CURRENT changes (one stat per call)."""
        stamp = self._stamp()
        with self._lock:
            if self._live is None or stamp != self._pointer_stamp:
                generation = self.store.current()
                if self._live is None or generation != self._live.generation:
                    # The old searcher is left to the garbage collector: requests still
                    # using it finish on its open files.
                    self._live = _Live(generation, self.weights)
                self._pointer_stamp = stamp
            return self._live

    def searcher(self) -> Searcher:
        return self._current().searcher

    @property
    def generation(self) -> Generation:
        return self._current().generation

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        fields = self.searcher().document(id=article_id)
        return from_stored(fields) if fields else None

    def categories(self) -> list[str]:
        """Every section in the index, for filter menus."""
        return sorted(t for t in self.searcher().lexicon("category"))

    def search(
        self,
        text: str,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
        filters: Filters = Filters(),
        prefix: bool = False,
        snippets: bool = True,
        facets: bool = True,
        suggest: bool = True,
    ) -> SearchPage:
        """One page of results for what the user typed; never raises for any `text`."""
        live = self._current()
        searcher = live.searcher
        parsed = parse_query(text, prefix=prefix)
        page = min(max(page, 1), MAX_PAGE)
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        sort = sort if sort in SORTS else "relevance"
        empty = SearchPage(query=parsed.text, total=0, page=page, per_page=per_page, sort=sort)
        if parsed.empty:
            return empty
        plan = build_plan(parsed, searcher, self.weights, live.suggester.accented_words)
        filter_query = filters.query()
        limit = page * per_page
        loose = plan.long
        results = _top(searcher, plan.scored(loose), limit, sort, filter_query)
        partial = loose
        if results.is_empty() and not loose and plan.any_word is not None:
            loose = partial = True
            results = _top(searcher, plan.scored(loose), limit, sort, filter_query)
        if partial and plan.long:
            # A long query is ranked on any word; say so only if no article has them all.
            partial = not _exists(searcher, plan.matching(False), filter_query)
        counted = _count(searcher, plan.matching(loose), filter_query) if facets else None
        hits = results[(page - 1) * per_page : page * per_page]
        docnums = [hit.docnum for hit in hits]
        spans = match_spans(searcher, docnums, plan.highlight) if snippets else {}
        suggestion = live.suggester.suggest(" ".join(parsed.plain + parsed.phrases)) if suggest else None
        return SearchPage(
            query=parsed.text,
            total=len(counted) if counted is not None else results.estimated_length(),
            page=page,
            per_page=per_page,
            sort=sort,
            results=[self._hit(hit, spans.get(hit.docnum, {}) if snippets else None, sort) for hit in hits],
            suggestion=suggestion,
            partial=partial,
            facets=self._facets(counted) if counted is not None else {},
        )

    @staticmethod
    def _facets(results) -> dict[str, list[Facet]]:
        out: dict[str, list[Facet]] = {}
        for name in ("category", "year"):
            counts = {k: v for k, v in results.groups(name).items() if k}
            order = sorted(counts.items(), key=(lambda kv: kv[0]) if name == "year" else (lambda kv: (-kv[1], kv[0])))
            if name == "year":
                order.reverse()
            out[name] = [Facet(value=value, count=count) for value, count in order]
        return out

    @staticmethod
    def _hit(hit, spans, sort: str) -> Hit:
        fields = hit.fields()
        date = fields.get("date")
        return Hit(
            id=fields["id"],
            url=fields.get("url", ""),
            title=fields.get("title", ""),
            date=date.date() if isinstance(date, dt.datetime) else None,
            category=fields.get("category", ""),
            snippet=snippet(fields, spans) if spans is not None else "",
            # Sorted by date, Whoosh's "score" is the sort key: no relevance to show.
            score=float(hit.score or 0.0) if sort == "relevance" else 0.0,
        )

