"""Running searches against the live generation: the library API that web/ and the CLI use.

One Searcher per generation is shared by all requests. Its readers share open
files (a seek then a read), so reads from two threads at once can interleave
and return garbage: each generation has one lock, held by a request for its
Whoosh reads and its (cached, mostly numpy) ranking. When CURRENT names a new
generation, its tables are built in the background while requests are still
answered from the old one; the switch happens when they are ready, so a
rebuild is picked up without a restart and without a stall.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

import numpy as np
from whoosh.searching import Searcher

from search import meaning
from search.article import Article
from search.language import segmenter
from search.language.ngrams import NGRAMS_FILE, SyllableModel
from search.names.mined import MinedPairs
from search.names.staff import StaffSynonyms
from search.query.expansion import Expanders
from search.query.parse import parse_query
from search.query.plan import DEFAULT_WEIGHTS, Weights, build_plan
from search.query.suggest import Context, Suggester
from search.ranking.filters import Filters
from search.ranking.ranker import Ranker
from search.results.facets import count_facets
from search.results.hits import read_hits
from search.results.page import SearchPage
from search.results.snippets import Highlighter
from search.storage.generations import POINTER, Generation, IndexMissing, IndexStore
from search.storage.postings import Columns
from search.storage.schema import ALL_ACCENTED, ALL_FOLDED, TEXT_BIGRAMS, TEXT_FIELDS, TITLE_BIGRAMS, folded, from_stored

MAX_PER_PAGE = 100
MAX_PAGE = 1000
SORTS = ("relevance", "date")
# Every field whose BM25 scores need document lengths.
SCORED_FIELDS = (ALL_FOLDED, ALL_ACCENTED, TITLE_BIGRAMS, TEXT_BIGRAMS, *TEXT_FIELDS, *map(folded, TEXT_FIELDS))
# Posting lists carried over (read again) when a new generation replaces one.
HOT_TERMS = 2000
# Results whose titles and leads guide the suggestion's diacritics.
CONTEXT_RESULTS = 3
log = logging.getLogger(__name__)
__all__ = ["Filters", "SearchEngine", "MAX_PAGE", "MAX_PER_PAGE", "SORTS"]


class _Live:
    """The searcher of one generation and what is derived from it."""

    def __init__(self, generation: Generation, replacing: _Live | None = None) -> None:
        self.generation = generation
        # The posting lists that searches read last: read again from this
        # generation before it serves, so it takes over warm (a cold one had
        # the first seconds of searches read them all at once).
        self._hot = replacing.columns.recent_terms(HOT_TERMS) if replacing else []
        self.lock = threading.RLock()
        self.searcher: Searcher = generation.open().searcher()
        self.columns = Columns(self.searcher.reader())
        self.ranker = Ranker(self.searcher, self.columns)
        # Written by the build (search/language/ngrams.py); a generation built before it
        # existed is searched as ever, without suggestions until it is rebuilt.
        model = SyllableModel.load(generation.path)
        if model is None:
            log.warning("%s: chưa có bảng n-gram (%s): không có gợi ý cho tới khi chạy `bantin index build`",
                        generation.name, NGRAMS_FILE)
            model = SyllableModel.empty()
        self.suggester = Suggester(model)
        self.highlighter = Highlighter(model)
        self.expanders = Expanders(MinedPairs.load(generation.path).names())
        self.vectors = meaning.VectorFile(generation.path / meaning.VECTORS)
        # The suggestion table and the per-document arrays take seconds on a large
        # index: build them now, off the request path, not in the first search.
        self.ready = threading.Event()
        threading.Thread(target=self._prepare, name="bantin-prepare", daemon=True).start()

    def _prepare(self) -> None:
        try:
            segmenter.load()  # shared by every generation, and it reads no index file
            # Step by step, so that requests (if this generation is already served) interleave.
            for step in (lambda: self.columns.warm(SCORED_FIELDS), self.highlighter.prepare, self.suggester.prepare):
                with self.lock:
                    step()
            if meaning.enabled():
                self.vectors.current()  # and the model, if there are vectors to compare with
            for start in range(0, len(self._hot), 100):
                with self.lock:
                    for field, term in self._hot[start : start + 100]:
                        self.columns.postings(field, term)
        finally:
            self.ready.set()


class SearchEngine:
    def __init__(self, store: IndexStore, weights: Weights = DEFAULT_WEIGHTS, synonyms: StaffSynonyms | None = None) -> None:
        self.store = store
        self.weights = weights
        self.synonyms = synonyms or StaffSynonyms(None)
        self._lock = threading.Lock()
        self._live: _Live | None = None
        self._next: _Live | None = None  # the new generation, until its tables are ready
        self._opener: threading.Thread | None = None  # checking and opening a new CURRENT
        self._pointer_stamp: tuple[int, int] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.store.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _current(self) -> _Live:
        """The live generation, switched when CURRENT changes (one stat per call) and
        the new generation is ready to serve.

        Only the first generation is opened on the request path. A new one is
        checked and opened by a thread of its own: that takes a second or more of
        reading, and requests (which all pass through here) would wait on it.
        """
        stamp = self._stamp()
        with self._lock:
            if self._live is None:
                self._live = _Live(self.store.current())
                self._pointer_stamp = stamp
            elif stamp != self._pointer_stamp and self._opener is None:
                self._pointer_stamp = stamp
                self._opener = threading.Thread(
                    target=self._open_next, args=(self._live,), name="bantin-open", daemon=True
                )
                self._opener.start()
            if self._next is not None and self._next.ready.is_set():
                # The old searcher is left to the garbage collector: requests still
                # using it finish on its open files.
                self._live, self._next = self._next, None
            return self._live

    def _open_next(self, live: _Live) -> None:
        try:
            generation = self.store.current()
            pending = self._next
            if generation != live.generation and (pending is None or generation != pending.generation):
                pending = _Live(generation, replacing=live)
            with self._lock:
                self._next = pending
        except Exception:  # noqa: BLE001 (the generation being served goes on; the next request retries)
            log.exception("không mở được thế hệ chỉ mục mới; vẫn dùng %s", live.generation.name)
            with self._lock:
                self._pointer_stamp = None
        finally:
            with self._lock:
                self._opener = None

    def warm(self, wait: bool = False) -> None:
        """Open the live generation now (its tables build in the background), so the
        first visitor does not wait for it; `wait` until they, and any newer
        generation's, are built. No index yet is not an error here."""
        try:
            self._current()
        except IndexMissing:
            return
        if wait:
            opener = self._opener
            if opener is not None:
                opener.join()
            for pending in (self._live, self._next):
                if pending is not None:
                    pending.ready.wait()
            self._current()

    @property
    def generation(self) -> Generation:
        return self._current().generation

    def doc_count(self) -> int:
        live = self._current()
        with live.lock:
            return live.searcher.doc_count()

    def latest(self, limit: int, category: str | None = None) -> Iterator[Article]:
        """The newest articles (undated ones after every dated one), optionally of one
        section. Lazy: rebuilding an Article from stored fields is most of the cost."""
        live = self._current()
        with live.lock:
            ids = Filters(category=category).apply(np.flatnonzero(live.columns.alive).astype(np.int32), live.columns)
            newest_first = np.argsort(-live.columns.dates()[ids].astype(np.int64), kind="stable")[:limit]
        for position in newest_first:
            with live.lock:
                fields = live.searcher.stored_fields(int(ids[position]))
            yield from_stored(fields)

    def has_category(self, category: str) -> bool:
        live = self._current()
        with live.lock:
            return live.searcher.reader().doc_frequency("category", category) > 0

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        live = self._current()
        with live.lock:
            fields = live.searcher.document(id=article_id)
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
        """One page of results for what the user typed; never raises for any `text`.

        The query walks forward through the rooms: understood (query/: parsed,
        its names expanded, planned), ranked (ranking/: matched, scored,
        ordered), then made a page (results/: hits and their snippets, facets,
        and query/suggest's "did you mean"). A query typed without diacritics
        is read once more with its first results as context, as the suggestion
        is (the articles sought say how its syllables are accented), and
        planned and ranked again only if that reading differs.
        """
        live = self._current()
        page = min(max(page, 1), MAX_PAGE)
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        sort = sort if sort in SORTS else "relevance"
        parsed = parse_query(text, prefix=prefix)
        if parsed.empty:
            return SearchPage(query=parsed.text, total=0, page=page, per_page=per_page, sort=sort)
        by_meaning = sort == "relevance" and self.weights.meaning > 0 and parsed.worth_meaning(self.weights.long_query)
        # Embedding the query takes ~20 ms: done before taking the generation's lock.
        closeness = meaning.closeness(live.vectors, parsed.text) if by_meaning else None
        with live.lock:
            expander = live.expanders.current(self.synonyms)
            reader = live.searcher.reader()
            plan = build_plan(parsed, reader, self.weights, live.suggester.accented_words, expander)
            if not plan.searchable:
                return SearchPage(query=parsed.text, total=0, page=page, per_page=per_page, sort=sort,
                                  partial=bool(plan.unknown))
            limit = page * per_page
            ranked = live.ranker.best(plan, self.weights, filters, limit, sort, closeness)
            context: Context | None = None
            if plan.guessed and ranked.top:
                context = Context.read(live.searcher, ranked.top[:CONTEXT_RESULTS])
                words = live.suggester.accented_words(" ".join(parsed.plain + parsed.phrases), context)
                if words != list(plan.guessed):
                    plan = build_plan(parsed, reader, self.weights, lambda _: words, expander)
                    ranked = live.ranker.best(plan, self.weights, filters, limit, sort, closeness)
            pattern = live.highlighter.pattern(plan.highlight, plan.highlight_phrases) if snippets else None
            results = read_hits(live.searcher, ranked.top[(page - 1) * per_page : limit], snippets, pattern)
            suggestion = None
            if suggest:
                # Read again only if ranked again, differently.
                context = Context.read(live.searcher, ranked.top[:CONTEXT_RESULTS], known=context)
                suggestion = live.suggester.suggest(parsed.text, context)
            return SearchPage(
                query=parsed.text,
                total=len(ranked.matched),
                page=page,
                per_page=per_page,
                sort=sort,
                results=results,
                suggestion=suggestion,
                partial=ranked.partial,
                facets=count_facets(live.columns, ranked.matched) if facets else {},
                expansions=list(plan.expansions),
            )

    def reading(self, text: str) -> str:
        """The accented reading search gives `text` (the suggestion's, even when it equals the query)."""
        parsed = parse_query(text)
        live = self._current()
        with live.lock:
            plan = build_plan(parsed, live.searcher.reader(), self.weights, live.suggester.accented_words,
                              live.expanders.current(self.synonyms))
            top: list[tuple[int, float]] = []
            if plan.searchable:
                top = live.ranker.best(plan, self.weights, Filters(), CONTEXT_RESULTS, "relevance").top
            return " ".join(live.suggester.reading(parsed.text, Context.read(live.searcher, top)))
