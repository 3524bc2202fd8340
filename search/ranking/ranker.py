"""Matching, BM25F scoring, filtering and counting, on a generation's arrays.

Every matched article gets every piece of evidence (title, lead, body, bigrams,
words), not only the best few hundred of a cheaper first pass: with posting
lists as arrays that costs less than Whoosh spent on the first pass alone.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.query import Phrase, Query
from whoosh.searching import Searcher

from search.language.analysis import folded_analyzer
from search.query.plan import Evidence, Group, QueryPlan, Slot, Weights
from search.storage.postings import NO_DATE, ArrayCache, Columns
from search.storage.schema import ALL_FOLDED, PHRASES, folded


_SYLLABLES = folded_analyzer()
# How far down an article whose title is the query is looked for.
EXACT_TITLE_DEPTH = 10
# Cosines of documents (docnums) with the query, or None when some have no vector.
Closeness = Callable[[np.ndarray], "np.ndarray | None"]
# Scores per term, on top of the posting lists cached by Columns (ids are shared).
CONTRIBUTION_CACHE_BYTES = 128 * 1024 * 1024
# Folded titles read by the title rules, kept per generation: about 1 KB each.
TITLE_CACHE_SIZE = 4096
# Documents of the other spellings of names (`ủy ban nhân dân` as a phrase), per generation.
PHRASE_CACHE_SIZE = 256


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def apply(self, ids: np.ndarray, columns: Columns) -> np.ndarray:
        """The documents of `ids` that pass."""
        if self.category:
            codes, values = columns.codes("category")
            if self.category not in values:
                return ids[:0]
            ids = ids[codes[ids] == values.index(self.category)]
        if self.date_from or self.date_to:
            days = columns.dates()[ids]
            keep = days != NO_DATE
            if self.date_from:
                keep &= days >= self.date_from.toordinal()
            if self.date_to:
                keep &= days <= self.date_to.toordinal()
            ids = ids[keep]
        return ids


@dataclass(frozen=True)
class Ranked:
    """Every matched document, and the first `limit` of them in order."""

    matched: np.ndarray  # docnums, ascending
    top: list[tuple[int, float]]  # (docnum, score)


def _intersect(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Sorted unique ids in both; walks the shorter one."""
    if len(left) > len(right):
        left, right = right, left
    if not len(left):
        return left
    at = np.searchsorted(right, left)
    at[at == len(right)] = 0
    return left[right[at] == left]


def _union(parts: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int32)


def _query_docs(searcher: Searcher, query: Query) -> np.ndarray:
    """Documents matching a Whoosh query (phrases, exclusions: rare, so left to Whoosh)."""
    return np.fromiter(sorted(searcher.docs_for_query(query)), dtype=np.int32)


def _by_meaning(
    ids: np.ndarray, scores: np.ndarray, order: np.ndarray, closeness: Closeness, weights: Weights
) -> tuple[np.ndarray, np.ndarray]:
    """The first `dense_depth` of `order` ranked again by score / best score +
    dense x cosine (as score + best score x dense x cosine, to stay on the BM25
    scale); the rest keep their place. Unchanged if any of them lacks a vector.

    Words and meaning are right on different questions: the syllables hold
    names and numbers, the vector holds paraphrase. Either alone ranks worse
    than their sum (bench/rerank_ceiling.py --dense).
    """
    head = order[: weights.dense_depth]
    cosines = closeness(ids[head])
    best = float(scores[order[0]]) if len(order) else 0.0
    if cosines is None or best <= 0:
        return order, scores
    scores = scores.copy()
    # Clipped at 0, so the head never drops below the rest, which has no bonus.
    scores[head] += (best * weights.dense) * np.maximum(cosines, 0).astype(np.float32)
    head = head[np.lexsort((ids[head], -scores[head]))]
    return np.concatenate([head, order[weights.dense_depth :]]), scores


def _in_order(slots: tuple[Slot, ...], sequence: tuple[str, ...]) -> bool:
    """Whether `sequence` holds a spelling of every slot, in the slots' order."""
    at = 0
    for spellings in slots:
        ends = [i + len(spelling) for spelling in spellings if (i := _find(sequence, spelling, at)) >= 0]
        if not ends:
            return False
        at = min(ends)
    return True


def _holds(slots: tuple[Slot, ...], sequence: tuple[str, ...]) -> bool:
    """Whether `sequence` holds a spelling of every slot, in any order."""
    return all(any(_find(sequence, spelling, 0) >= 0 for spelling in spellings) for spellings in slots)


def _find(sequence: tuple[str, ...], spelling: tuple[str, ...], start: int) -> int:
    """Where `spelling` first stands, syllable after syllable, in `sequence` from `start`; -1 if nowhere."""
    n = len(spelling)
    for i in range(start, len(sequence) - n + 1):
        if sequence[i : i + n] == spelling:
            return i
    return -1


class Ranker:
    """Runs plans against one generation's searcher and arrays."""

    def __init__(self, searcher: Searcher, columns: Columns, cache_bytes: int = CONTRIBUTION_CACHE_BYTES) -> None:
        self.searcher = searcher
        self.columns = columns
        self._contributions = ArrayCache(cache_bytes)
        self._title_syllables = functools.lru_cache(maxsize=TITLE_CACHE_SIZE)(self._read_title_syllables)
        self._phrase_docs = functools.lru_cache(maxsize=PHRASE_CACHE_SIZE)(self._read_phrase_docs)

    def _read_phrase_docs(self, spelling: tuple[str, ...]) -> np.ndarray:
        """Documents holding the syllables of `spelling` side by side, in order."""
        if len(spelling) == 1:
            return self.columns.postings(ALL_FOLDED, spelling[0]).ids
        return _query_docs(self.searcher, Phrase(PHRASES, list(spelling)))

    def _typed_docs(self, group: Group) -> np.ndarray:
        """Documents holding the name's syllables as typed (anywhere, as a plain query matches)."""
        typed = sorted((self.columns.postings(ALL_FOLDED, s).ids for s in group.typed), key=len)
        ids = typed[0]
        for other in typed[1:]:
            ids = _intersect(ids, other)
        return ids

    def group_docs(self, group: Group) -> np.ndarray:
        """Documents holding the name in some spelling: the typed syllables anywhere, another as a phrase."""
        return _union([self._typed_docs(group), *(self._phrase_docs(a) for a in group.alternatives)])

    def _read_title_syllables(self, docnum: int) -> tuple[str, ...]:
        title = self.searcher.stored_fields(docnum).get("title") or ""
        return tuple(t.text for t in _SYLLABLES(title))

    def contribution(self, field: str, term: str, weights: Weights) -> tuple[np.ndarray, np.ndarray]:
        """(documents, BM25 score of the term in each): computed once, shared by later queries."""
        b = weights.length_normalization(field)
        return self._contributions.get(
            (field, term, weights.k1, b), lambda: self._bm25(field, term, weights.k1, b), lambda c: c[1].nbytes
        )

    def _bm25(self, field: str, term: str, k1: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        columns = self.columns
        postings = columns.postings(field, term)
        df = len(postings.ids)
        # Lucene's BM25 idf: a syllable in most articles is worth almost nothing,
        # which long queries full of common syllables need.
        idf = np.log(1.0 + (columns.doc_count - df + 0.5) / (df + 0.5))
        norm = (1 - b) + b * columns.lengths(field)[postings.ids] / columns.average_length(field)
        tf = postings.freqs
        return postings.ids, (idf * (tf * (k1 + 1)) / (tf + k1 * norm)).astype(np.float32)

    def matched(self, plan: QueryPlan, loose: bool, filters: Filters) -> np.ndarray:
        """Documents the plan matches, strictly (every word) or loosely (any word)."""
        columns = self.columns
        if loose and plan.can_loosen:
            ids = _union([columns.postings(ALL_FOLDED, s).ids for s in plan.optional])
            ids = _union([ids, *(columns.postings(ALL_FOLDED, t).ids for t in plan.prefix_terms)])
            ids = _union([ids, *(self.group_docs(group) for group in plan.groups)])
            for phrase in plan.phrases:
                ids = _intersect(ids, _query_docs(self.searcher, phrase))
        else:
            lists = sorted((columns.postings(ALL_FOLDED, s).ids for s in plan.required), key=len)
            if plan.prefix_terms:
                lists.append(_union([columns.postings(ALL_FOLDED, t).ids for t in plan.prefix_terms]))
            lists.extend(_query_docs(self.searcher, phrase) for phrase in plan.phrases)
            lists.extend(self.group_docs(group) for group in plan.groups)
            if not lists:
                return np.empty(0, np.int32)
            lists.sort(key=len)
            ids = lists[0]
            for other in lists[1:]:
                ids = _intersect(ids, other)
        if plan.excluded is not None and len(ids):
            excluded = _query_docs(self.searcher, plan.excluded)
            ids = ids[~np.isin(ids, excluded, assume_unique=True)]
        return filters.apply(ids, columns)

    def scores(self, plan: QueryPlan, ids: np.ndarray, weights: Weights) -> np.ndarray:
        """BM25F score of each document of `ids` (sorted), all evidence summed."""
        dense = self._holding(plan.evidence, weights)
        for group in plan.groups:
            # A document is scored by the best spelling of the name it holds: the
            # typed one's evidence is in plan.evidence already, so another spelling
            # adds what it is worth beyond the typed one, and is worth
            # `other_spelling` of the typed one (`tp hcm` for `tphcm` is the same
            # letters spaced otherwise: worth as much).
            best = np.zeros_like(dense)
            for alternative, spelling in zip(group.alternatives, group.evidence):
                same = "".join(alternative) == "".join(group.typed)
                share = 1.0 if same else weights.other_spelling
                np.maximum(best, share * self._holding(spelling, weights), out=best)
            dense += np.maximum(best - self._holding(group.typed_evidence, weights), 0)
        return dense[ids]

    def _holding(self, evidence: tuple[Evidence, ...], weights: Weights) -> np.ndarray:
        """Every document's score from `evidence` alone."""
        holding = np.zeros(self.columns.size, dtype=np.float32)
        for item in evidence:
            docs, scores = self.contribution(item.field, item.term, weights)
            if len(docs):
                holding[docs] += item.boost * scores
        return holding

    def rank(
        self,
        plan: QueryPlan,
        weights: Weights,
        loose: bool,
        filters: Filters,
        limit: int,
        sort: str,
        closeness: Closeness | None = None,
    ) -> Ranked:
        ids = self.matched(plan, loose, filters)
        if not len(ids):
            return Ranked(ids, [])
        scores = self.scores(plan, ids, weights)
        if sort == "date":
            days = self.columns.dates()[ids]
            order = np.lexsort((-scores, -days.astype(np.int64)))[:limit]
        else:
            by_meaning = closeness is not None and plan.semantic
            in_order = not loose and len(plan.ordered) >= 2
            depth = max(
                limit,
                EXACT_TITLE_DEPTH,
                weights.dense_depth if by_meaning else 0,
                weights.title_order_depth if in_order else 0,
            )
            if len(ids) > depth:
                best = np.argpartition(-scores, depth - 1)[:depth]
            else:
                best = np.arange(len(ids))
            # Ties go to the lower docnum, as Whoosh ordered them.
            order = best[np.lexsort((ids[best], -scores[best]))]
            if by_meaning:
                order, scores = _by_meaning(ids, scores, order, closeness, weights)
            if in_order:
                order = self._in_title_order(plan, ids, order, scores, weights)
            order = self._exact_title_first(plan, ids, order)[:limit]
        return Ranked(ids, [(int(ids[i]), float(scores[i])) for i in order])

    def best(
        self,
        plan: QueryPlan,
        weights: Weights,
        filters: Filters,
        limit: int,
        sort: str,
        closeness: Closeness | None = None,
    ) -> tuple[Ranked, bool]:
        """The ranking a results page shows, and whether it is loose (any word):
        long queries are from the start; others when no article has every word."""
        ranked = self.rank(plan, weights, plan.long, filters, limit, sort, closeness)
        if not ranked.top and not plan.long and plan.can_loosen:
            return self.rank(plan, weights, True, filters, limit, sort, closeness), True
        return ranked, plan.long

    def _in_title_order(
        self, plan: QueryPlan, ids: np.ndarray, order: np.ndarray, scores: np.ndarray, weights: Weights
    ) -> np.ndarray:
        """Short queries: among the first `title_order_depth`, titles that hold
        the typed words in the order typed come first, then the other titles
        that hold every word (in another order, or with a name spelled
        otherwise), then the rest; the middle group by score with a title
        holding the name as typed counting `typed_title` more.

        Vietnamese grammar is word order (`nhà tổ chức` is not `tổ chức ... nhà`),
        and people type a headline's words in the order they remember them.
        Bigrams reward only neighbours; this keeps the order across gaps. A title
        holding every word typed is about all of them, where BM25 would put a
        shorter title holding fewer first: `tphcm xuân công` finds "Kim Xuân,
        Công Ninh ... Nhà hát Kịch TPHCM" before "Cao thủ Vịnh Xuân đến TP HCM".
        A name as typed (`Ủy ban nhân dân`) is preferred to another spelling of
        it (`UBND`), but by evidence, not as a rule: one story is often told
        under both spellings, and a user who types `việt nam thủ tướng` may
        remember a title that says `VN` (a strict rule cost those queries 0.008
        of MRR for 0.0001 on the queries that name it as the title does).
        """
        head = order[: weights.title_order_depth]
        # Only titles holding every syllable are read: their postings are already cached.
        holders = np.sort(ids[head])
        for slot in set(plan.ordered):
            if len(slot) == 1:
                for syllable in slot[0]:
                    holders = _intersect(holders, self.columns.postings(folded("title"), syllable).ids)
        covered = np.isin(ids[head], holders)
        as_typed = np.zeros_like(covered)
        in_order = np.zeros_like(covered)
        typed_slots = tuple(slot[:1] for slot in plan.ordered)  # a slot's first spelling is the typed one
        for n in np.flatnonzero(covered):
            title = self._title_syllables(int(ids[head[n]]))
            covered[n] = _holds(plan.ordered, title)
            as_typed[n] = covered[n] and _holds(typed_slots, title)
            in_order[n] = as_typed[n] and _in_order(typed_slots, title)
        middle = covered & ~in_order
        evidence = scores[head[middle]] * (1 + weights.typed_title * as_typed[middle])
        # Stable, so equal evidence keeps the score order (and its docnum tie-break).
        by_evidence = head[middle][np.argsort(-evidence, kind="stable")]
        return np.concatenate([head[in_order], by_evidence, head[~covered], order[len(head) :]])

    def _exact_title_first(self, plan: QueryPlan, ids: np.ndarray, order: np.ndarray) -> np.ndarray:
        """A pasted headline finds its article first: among the best few, a title
        that is the query word for word (diacritics and case aside) goes to the top."""
        if len(plan.whole) < 2:
            return order
        # Only titles of about the query's length are read (Whoosh keeps lengths coarsely).
        lengths = self.columns.lengths(folded("title"))
        for rank, i in enumerate(order[:EXACT_TITLE_DEPTH]):
            if abs(int(lengths[ids[i]]) - len(plan.whole)) > 2:
                continue
            if self._title_syllables(int(ids[i])) == plan.whole:
                return np.concatenate([order[rank : rank + 1], order[:rank], order[rank + 1 :]]) if rank else order
        return order

    def facets(self, ids: np.ndarray) -> dict[str, list[tuple[str, int]]]:
        """(value, count) per section and per year among `ids`, blanks left out."""
        out: dict[str, list[tuple[str, int]]] = {}
        for name in ("category", "year"):
            codes, values = self.columns.codes(name)
            counts = np.bincount(codes[ids], minlength=len(values))
            out[name] = [(values[c], int(n)) for c, n in enumerate(counts) if n and values[c]]
        return out
