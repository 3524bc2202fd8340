"""BM25F: every matched article gets every piece of evidence (title, lead, body,
bigrams, words), not only the best few hundred of a cheaper first pass: with
posting lists as arrays that costs less than Whoosh spent on the first pass alone.
"""

from __future__ import annotations

import numpy as np

from search.query.plan import Evidence, QueryPlan, Weights
from search.storage.postings import ArrayCache, Columns
from search.storage.schema import ALL_FOLDED, TEXT_BIGRAMS, TITLE_BIGRAMS, folded

# Scores per term, on top of the posting lists cached by Columns (ids are shared).
CONTRIBUTION_CACHE_BYTES = 128 * 1024 * 1024
# Where a name's evidence is compared between its spellings: the title (its
# syllables and pairs) and the text (every other field). Compared field by
# field, the pairs of `ủy ban nhân dân` would be added to the syllable of
# `UBND` in the same text, the name counted twice.
ZONES = {
    folded("title"): "title", TITLE_BIGRAMS: "title",
    ALL_FOLDED: "text", folded("lead"): "text", folded("body"): "text", TEXT_BIGRAMS: "text",
}


class Scorer:
    """Scores documents of one generation; each term's scores are computed once."""

    def __init__(self, columns: Columns, cache_bytes: int = CONTRIBUTION_CACHE_BYTES) -> None:
        self.columns = columns
        self._contributions = ArrayCache(cache_bytes)

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

    def scores(self, plan: QueryPlan, ids: np.ndarray, weights: Weights) -> np.ndarray:
        """BM25F score of each document of `ids` (sorted), all evidence summed."""
        total = self._holding(plan.evidence, weights)
        for group in plan.groups:
            # A name is one word whatever its spelling, in the title and in the
            # text: "Ủy ban nhân dân tỉnh ..." above a body saying `UBND` holds
            # the name in both, whichever is typed. In each zone the best
            # spelling there counts; the typed one's evidence is in
            # plan.evidence already, so another spelling adds what it is worth
            # beyond the typed one, at `other_spelling` of the typed one (`tp
            # hcm` for `tphcm` is the same letters spaced otherwise: as much).
            typed = self._by_zone(group.typed_evidence, weights)
            best = {zone: holding.copy() for zone, holding in typed.items()}
            for alternative, spelling in zip(group.alternatives, group.evidence):
                same = "".join(alternative) == "".join(group.typed)
                share = 1.0 if same else weights.other_spelling
                for zone, holding in self._by_zone(spelling, weights).items():
                    holding *= share
                    if zone in best:
                        np.maximum(best[zone], holding, out=best[zone])
                    else:
                        best[zone] = holding
            for zone, holding in best.items():
                total += holding - typed[zone] if zone in typed else holding
        return total[ids]

    def _by_zone(self, evidence: tuple[Evidence, ...], weights: Weights) -> dict[str, np.ndarray]:
        """Every document's score from `evidence`, per zone of the article."""
        zones: dict[str, np.ndarray] = {}
        for item in evidence:
            zone = ZONES[item.field]
            if zone not in zones:
                zones[zone] = np.zeros(self.columns.size, dtype=np.float32)
            self._add(zones[zone], item, weights)
        return zones

    def _holding(self, evidence: tuple[Evidence, ...], weights: Weights) -> np.ndarray:
        """Every document's score from `evidence` alone."""
        holding = np.zeros(self.columns.size, dtype=np.float32)
        for item in evidence:
            self._add(holding, item, weights)
        return holding

    def _add(self, holding: np.ndarray, item: Evidence, weights: Weights) -> None:
        docs, scores = self.contribution(item.field, item.term, weights)
        if len(docs):
            holding[docs] += item.boost * scores
