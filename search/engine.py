"""Running searches against the live generation.

One Searcher is opened and shared by all requests (Whoosh searchers are safe to
share for reading); it is swapped when CURRENT names a new generation, so a
rebuild is picked up without a restart.
"""

from __future__ import annotations

import datetime as dt
import os
from html import escape
import threading

from whoosh import highlight, scoring
from whoosh.query import And, AndMaybe, Or, Query, Term
from whoosh.searching import Searcher

from search.analysis import folded_analyzer, word_analyzer
from search.results import Hit, SearchPage
from search.article import Article
from search.schema import folded, from_stored
from search.store import POINTER, Generation, IndexStore
from search.text import clean_line, has_diacritics

MAX_QUERY_CHARS = 500
FIELD_WEIGHTS = {"title": 3.0, "lead": 1.5, "body": 1.0}
# Exact (accented) word matches count for more than folded syllable matches.
WORD_WEIGHT = 1.0
FOLDED_WEIGHT = 0.6


class MarkFormatter(highlight.HtmlFormatter):
    """Plain `<mark>` around matches; Whoosh escapes the text between them."""

    template = "<%(tag)s>%(t)s</%(tag)s>"


class SearchEngine:
    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._searcher: Searcher | None = None
        self._pointer_stamp: tuple[int, int] | None = None
        self._words = word_analyzer()
        self._syllables = folded_analyzer()
        self._highlighter = highlight.Highlighter(
            fragmenter=highlight.PinpointFragmenter(maxchars=220, surround=80, autotrim=True),
            formatter=MarkFormatter(tagname="mark", between=" … "),
        )

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.store.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def searcher(self) -> Searcher:
        """The shared searcher of the live generation, reopened when it changes."""
        stamp = self._stamp()
        with self._lock:
            if self._searcher is None or stamp != self._pointer_stamp:
                generation = self.store.current()
                if generation != self._generation or self._searcher is None:
                    old = self._searcher
                    self._searcher = generation.open().searcher(weighting=scoring.BM25F())
                    self._generation = generation
                    if old is not None:
                        # Requests still holding the old searcher finish on open files (POSIX).
                        old.close()
                self._pointer_stamp = stamp
            return self._searcher

    @property
    def generation(self) -> Generation:
        self.searcher()
        return self._generation

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def build_query(self, text: str) -> Query | None:
        folded_terms = [t.text for t in self._syllables(text)]
        if not folded_terms:
            return None
        required = And(
            [Or([Term(folded(f), s, boost=w * FOLDED_WEIGHT) for f, w in FIELD_WEIGHTS.items()]) for s in folded_terms]
        )
        if not has_diacritics(text):
            return required
        words = [t.text for t in self._words(text)]
        exact = Or([Term(f, w, boost=b * WORD_WEIGHT) for w in words for f, b in FIELD_WEIGHTS.items()])
        return AndMaybe(required, exact)

    def search(self, text: str, page: int = 1, per_page: int = 10) -> SearchPage:
        query_text = clean_line(text)[:MAX_QUERY_CHARS]
        page = max(page, 1)
        per_page = min(max(per_page, 1), 100)
        query = self.build_query(query_text)
        if query is None:
            return SearchPage(query=query_text, total=0, page=page, per_page=per_page)
        searcher = self.searcher()
        results = searcher.search_page(query, page, pagelen=per_page, terms=True)
        hits = [self._hit(hit) for hit in results]
        return SearchPage(query=query_text, total=results.total, page=page, per_page=per_page, results=hits)

    def _hit(self, hit) -> Hit:
        fields = hit.fields()
        date = fields.get("date")
        return Hit(
            id=fields["id"],
            url=fields.get("url", ""),
            title=fields.get("title", ""),
            date=date.date() if isinstance(date, dt.datetime) else None,
            category=fields.get("category", ""),
            snippet=self._snippet(hit, fields),
            score=float(hit.score or 0.0),
        )

    def _snippet(self, hit, fields) -> str:
        for name in ("body", "lead"):
            text = fields.get(name) or ""
            for fieldname in (name, folded(name)):
                fragment = self._highlighter.highlight_hit(hit, fieldname, text=text)
                if fragment:
                    return fragment
        body = fields.get("lead") or fields.get("body") or ""
        return escape(body[:220])

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        fields = self.searcher().document(id=article_id)
        return from_stored(fields) if fields else None
