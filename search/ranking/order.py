"""The order of the matched documents: by score, then the rules that know what
a score cannot (ranking by meaning for questions, the order of a short query's
words in titles, a pasted headline first), or by date.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from whoosh.searching import Searcher

from search.language.analysis import folded_analyzer
from search.query.plan import QueryPlan, Slot, Weights
from search.ranking.retrieve import intersect
from search.storage.postings import Columns
from search.storage.schema import folded

_SYLLABLES = folded_analyzer()
# How far down an article whose title is the query is looked for.
EXACT_TITLE_DEPTH = 10
# Cosines of documents (docnums) with the query, or None when some have no vector.
Closeness = Callable[[np.ndarray], "np.ndarray | None"]
# Folded titles read by the title rules, kept per generation: about 1 KB each.
TITLE_CACHE_SIZE = 4096


def _by_meaning(
    ids: np.ndarray, scores: np.ndarray, order: np.ndarray, closeness: Closeness, weights: Weights
) -> tuple[np.ndarray, np.ndarray]:
    """The first `meaning_depth` of `order` ranked again by score / best score +
    meaning x cosine (as score + best score x meaning x cosine, to stay on the BM25
    scale); the rest keep their place. Unchanged if any of them lacks a vector.

    Words and meaning are right on different questions: the syllables hold
    names and numbers, the vector holds paraphrase. Either alone ranks worse
    than their sum (bench/rerank_ceiling.py --meaning).
    """
    head = order[: weights.meaning_depth]
    cosines = closeness(ids[head])
    best = float(scores[order[0]]) if len(order) else 0.0
    if cosines is None or best <= 0:
        return order, scores
    scores = scores.copy()
    # Clipped at 0, so the head never drops below the rest, which has no bonus.
    scores[head] += (best * weights.meaning) * np.maximum(cosines, 0).astype(np.float32)
    head = head[np.lexsort((ids[head], -scores[head]))]
    return np.concatenate([head, order[weights.meaning_depth :]]), scores


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


class Orderer:
    """Orders one generation's matched documents; reads their titles (cached)."""

    def __init__(self, searcher: Searcher, columns: Columns) -> None:
        self.searcher = searcher
        self.columns = columns
        self._title_syllables = functools.lru_cache(maxsize=TITLE_CACHE_SIZE)(self._read_title_syllables)

    def order(
        self,
        plan: QueryPlan,
        ids: np.ndarray,
        scores: np.ndarray,
        weights: Weights,
        loose: bool,
        limit: int,
        sort: str,
        closeness: Closeness | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The first `limit` positions of `ids` in order, and the scores (ranking by meaning adds to them)."""
        if sort == "date":
            days = self.columns.dates()[ids]
            return np.lexsort((-scores, -days.astype(np.int64)))[:limit], scores
        by_meaning = closeness is not None and plan.semantic
        in_order = not loose and len(plan.ordered) >= 2
        depth = max(
            limit,
            EXACT_TITLE_DEPTH,
            weights.meaning_depth if by_meaning else 0,
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
        return self._exact_title_first(plan, ids, order)[:limit], scores

    def _read_title_syllables(self, docnum: int) -> tuple[str, ...]:
        title = self.searcher.stored_fields(docnum).get("title") or ""
        return tuple(t.text for t in _SYLLABLES(title))

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
                    holders = intersect(holders, self.columns.postings(folded("title"), syllable).ids)
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
