"""The ranking stage: the documents a plan matches (retrieve.py), their scores
(score.py), their order (order.py); loosened to any word when none has every word.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from whoosh.searching import Searcher

from search.query.plan import QueryPlan, Weights
from search.ranking.filters import Filters
from search.ranking.order import Closeness, Orderer
from search.ranking.retrieve import Retriever
from search.ranking.score import CONTRIBUTION_CACHE_BYTES, Scorer
from search.storage.postings import Columns


@dataclass(frozen=True)
class Ranked:
    """Every matched document, and the first `limit` of them in order."""

    matched: np.ndarray  # docnums, ascending
    top: list[tuple[int, float]]  # (docnum, score)
    # Whether the results may lack some of the words: ranked on any word and no
    # article has them all, or some word is in no article at all.
    partial: bool = False


class Ranker:
    """Runs plans against one generation's searcher and arrays."""

    def __init__(self, searcher: Searcher, columns: Columns, cache_bytes: int = CONTRIBUTION_CACHE_BYTES) -> None:
        self.retriever = Retriever(searcher, columns)
        self.scorer = Scorer(columns, cache_bytes)
        self.orderer = Orderer(searcher, columns)

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
        ids = self.retriever.matched(plan, loose, filters)
        if not len(ids):
            return Ranked(ids, [])
        scores = self.scorer.scores(plan, ids, weights)
        order, scores = self.orderer.order(plan, ids, scores, weights, loose, limit, sort, closeness)
        return Ranked(ids, [(int(ids[i]), float(scores[i])) for i in order])

    def best(
        self,
        plan: QueryPlan,
        weights: Weights,
        filters: Filters,
        limit: int,
        sort: str,
        closeness: Closeness | None = None,
    ) -> Ranked:
        """The ranking a results page shows: long queries are ranked on any word from
        the start; others when no article has every word."""
        ranked = self.rank(plan, weights, plan.long, filters, limit, sort, closeness)
        loose = plan.long
        if not ranked.top and not plan.long and plan.can_loosen:
            ranked, loose = self.rank(plan, weights, True, filters, limit, sort, closeness), True
        if loose and plan.long:
            # A long query is ranked on any word; say so only if no article has them all.
            loose = not len(self.retriever.matched(plan, False, filters))
        return replace(ranked, partial=loose or (bool(plan.unknown) and bool(ranked.top)))
