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
from search.matching import DEFAULT_WEIGHTS, QueryPlan, Weights, build_plan, weighting
from search.query import parse_query
from search.results import Facet, Hit, SearchPage
from search.schema import from_stored
from search.snippets import match_spans, snippet
from search.store import POINTER, Generation, IndexMissing, IndexStore
from search.suggest import Suggester

MAX_PER_PAGE = 100
MAX_PAGE = 1000
# How many of the first-stage results get the full (lead and body) evidence.
RERANK_DEPTH = 200
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


def _scores(searcher: Searcher, query: Query, docnums: list[int]) -> dict[int, float]:
    """The score `query` gives each of `docnums`, reading its postings only up to them.

    Cheaper than a search: the matcher skips straight from one wanted document to
    the next instead of visiting every document the query matches.
    """
    scores: dict[int, float] = {}
    wanted = sorted(docnums)
    context = searcher.context()
    for subsearcher, offset in searcher.leaf_searchers():
        end = offset + subsearcher.doc_count_all()
        local = [d - offset for d in wanted if offset <= d < end]
        if not local:
            continue
        matcher = query.matcher(subsearcher, context)
        for docnum in local:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                scores[docnum + offset] = matcher.score()
    return scores


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
        # The suggestion table takes seconds on a large index: build it now, off the
        # request path, instead of in the first search after a switch.
        threading.Thread(target=self.suggester.table, name="bantin-suggest", daemon=True).start()


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

    def warm(self) -> None:
        """Open the live generation now (its suggestion table builds in the background),
        so the first visitor does not wait for it. No index yet is not an error here."""
        try:
            self._current()
        except IndexMissing:
            pass

    @property
    def generation(self) -> Generation:
        return self._current().generation

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        fields = self.searcher().document(id=article_id)
        return from_stored(fields) if fields else None

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
        ranked = self._rank(searcher, plan, loose, limit, sort, filter_query)
        partial = loose
        if not ranked and not loose and plan.any_word is not None:
            loose = partial = True
            ranked = self._rank(searcher, plan, loose, limit, sort, filter_query)
        if partial and plan.long:
            # A long query is ranked on any word; say so only if no article has them all.
            partial = _top(searcher, plan.matching(False), 1, "relevance", filter_query).is_empty()
        partial = partial or (bool(plan.unknown) and bool(ranked))
        counted = _count(searcher, plan.matching(loose), filter_query) if facets else None
        hits = ranked[(page - 1) * per_page : page * per_page]
        spans = match_spans(searcher, [docnum for docnum, _ in hits], plan.highlight) if snippets else {}
        suggestion = live.suggester.suggest(" ".join(parsed.plain + parsed.phrases)) if suggest else None
        return SearchPage(
            query=parsed.text,
            total=len(counted) if counted is not None else len(ranked),
            page=page,
            per_page=per_page,
            sort=sort,
            results=[
                self._hit(searcher, docnum, score, spans.get(docnum, {}) if snippets else None)
                for docnum, score in hits
            ],
            suggestion=suggestion,
            partial=partial,
            facets=self._facets(counted) if counted is not None else {},
        )

    @staticmethod
    def _rank(
        searcher: Searcher, plan: QueryPlan, loose: bool, limit: int, sort: str, filter_query: Query | None
    ) -> list[tuple[int, float]]:
        """(docnum, score) of the first `limit` results, best first (or newest first)."""
        if sort == "date":
            results = _top(searcher, plan.matching(loose), limit, sort, filter_query)
            return [(hit.docnum, 0.0) for hit in results]
        depth = max(limit, RERANK_DEPTH)
        results = _top(searcher, plan.scored(loose), depth, sort, filter_query)
        first = [(hit.docnum, hit.score) for hit in results]
        if plan.rerank is None or not first:
            return first[:limit]
        extra = _scores(searcher, plan.rerank, [docnum for docnum, _ in first])
        return sorted(((d, s + extra.get(d, 0.0)) for d, s in first), key=lambda ds: -ds[1])[:limit]

    @staticmethod
    def _facets(results: Results) -> dict[str, list[Facet]]:
        """Sections by count (largest first), years newest first; articles without one left out."""
        categories = sorted(((v, n) for v, n in results.groups("category").items() if v), key=lambda vn: (-vn[1], vn[0]))
        years = sorted(((v, n) for v, n in results.groups("year").items() if v), reverse=True)
        return {
            "category": [Facet(value=v, count=n) for v, n in categories],
            "year": [Facet(value=v, count=n) for v, n in years],
        }

    @staticmethod
    def _hit(searcher: Searcher, docnum: int, score: float, spans) -> Hit:
        fields = searcher.stored_fields(docnum)
        date = fields.get("date")
        return Hit(
            id=fields["id"],
            url=fields.get("url", ""),
            title=fields.get("title", ""),
            date=date.date() if isinstance(date, dt.datetime) else None,
            category=fields.get("category", ""),
            snippet=snippet(fields, spans) if spans is not None else "",
            score=float(score),
        )

