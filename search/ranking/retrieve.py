"""The documents a plan matches: every word (or, loosened, any word), a name in
any of its spellings, quoted phrases, minus exclusions, within the filters.

Posting lists are sorted arrays of docnums (search/storage/postings.py), so
matching is intersecting and joining arrays; phrases and exclusions, rare,
are left to Whoosh.
"""

from __future__ import annotations

import functools

import numpy as np
from whoosh.query import Phrase, Query
from whoosh.searching import Searcher

from search.query.plan import Group, QueryPlan
from search.ranking.filters import Filters
from search.storage.postings import Columns
from search.storage.schema import ALL_FOLDED, PHRASES

# Documents of the other spellings of names (`ủy ban nhân dân` as a phrase), per generation.
PHRASE_CACHE_SIZE = 256


def intersect(left: np.ndarray, right: np.ndarray) -> np.ndarray:
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


class Retriever:
    """Matches plans against one generation's searcher and arrays."""

    def __init__(self, searcher: Searcher, columns: Columns) -> None:
        self.searcher = searcher
        self.columns = columns
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
            ids = intersect(ids, other)
        return ids

    def group_docs(self, group: Group) -> np.ndarray:
        """Documents holding the name in some spelling: the typed syllables anywhere, another as a phrase."""
        return _union([self._typed_docs(group), *(self._phrase_docs(a) for a in group.alternatives)])

    def matched(self, plan: QueryPlan, loose: bool, filters: Filters) -> np.ndarray:
        """Documents the plan matches, strictly (every word) or loosely (any word)."""
        columns = self.columns
        if loose and plan.can_loosen:
            ids = _union([columns.postings(ALL_FOLDED, s).ids for s in plan.optional])
            ids = _union([ids, *(columns.postings(ALL_FOLDED, t).ids for t in plan.prefix_terms)])
            ids = _union([ids, *(self.group_docs(group) for group in plan.groups)])
            for phrase in plan.phrases:
                ids = intersect(ids, _query_docs(self.searcher, phrase))
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
                ids = intersect(ids, other)
        if plan.excluded is not None and len(ids):
            excluded = _query_docs(self.searcher, plan.excluded)
            ids = ids[~np.isin(ids, excluded, assume_unique=True)]
        return filters.apply(ids, columns)
