"""Diacritics put back from context: `tiet kiem dien` -> `tiết kiệm điện`.

Each syllable typed without diacritics could be any accented syllable that
folds to it (`dien`: `điện`, `diễn`, `điền`, `diên` ...). The reading chosen is
the sequence the articles make most likely, found by Viterbi decoding over the
candidates of every syllable with a trigram model of the build's counts
(search/language/ngrams.py) and "stupid backoff" (Brants et al., 2007): a triple never
seen backs off to its last pair, a pair to the syllable alone, each step worth
`BACKOFF` of the one above. It ranks readings rather than giving
probabilities, which is all a decoder needs, and it needs no smoothing
counts at query time.

A syllable typed with diacritics is kept exactly as typed: the user said what
they meant, and it is context for its neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from search.language.ngrams import BOUNDARY, SyllableModel
from search.language.text import fold_term, has_diacritics

BACKOFF = 0.4
_LOG_BACKOFF = math.log(BACKOFF)
# Accented forms tried per syllable typed without diacritics, the most frequent
# first: `a` has a dozen, of which the rarest never win in context.
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Slot:
    """One syllable of the query and the accented forms it may stand for."""

    typed: str  # lowercase, as typed
    numbers: tuple[int, ...]  # candidates; (BOUNDARY,) when the text has no form of it
    fixed: bool  # typed with diacritics (or unknown): kept as typed


def slots(model: SyllableModel, syllables: list[str], keep_plain: bool = False) -> list[Slot]:
    """The candidates of each lowercase syllable; `keep_plain` keeps plain ones as typed too."""
    out = []
    for syllable in syllables:
        if has_diacritics(syllable) or keep_plain:
            out.append(Slot(syllable, (model.number(syllable),), True))
            continue
        found = model.candidates(fold_term(syllable), MAX_CANDIDATES)
        out.append(Slot(syllable, tuple(found), False) if found else Slot(syllable, (BOUNDARY,), True))
    return out


def _log_scores(model: SyllableModel, first: np.ndarray, second: np.ndarray, third: np.ndarray) -> np.ndarray:
    """log S(third | first, second) by stupid backoff, broadcast over the three arrays."""
    first, second, third = np.broadcast_arrays(first, second, third)
    triple = model.triple_count(first, second, third)
    pair_context = model.pair_count(first, second)
    pair = model.pair_count(second, third)
    single_context = model.unigrams[second].astype(np.float64)
    single = model.unigrams[third].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_triple = np.log(triple / pair_context)
        from_pair = _LOG_BACKOFF + np.log(pair / single_context)
        # A syllable the text never has still gets a score, far below any it has.
        from_single = 2 * _LOG_BACKOFF + np.log(np.maximum(single, 0.1) / model.total)
    return np.where(triple > 0, from_triple, np.where(pair > 0, from_pair, from_single))


def decode(model: SyllableModel, query: list[Slot], favoured: Mapping[int, float] | None = None) -> list[str]:
    """The most likely accented reading of `query`, one syllable per slot.

    Viterbi over states (candidate of the slot before, candidate of this slot):
    with at most MAX_CANDIDATES per slot that is a few hundred scores per
    syllable, computed at once by numpy. A candidate in `favoured` (the
    syllables of the first results) gains its log-score bonus there.
    """
    if not query:
        return []
    numbers = [np.asarray(slot.numbers, np.int64) for slot in query]
    favoured = favoured or {}
    bonus = [np.asarray([favoured.get(n, 0.0) for n in slot.numbers]) for slot in query]
    boundary = np.asarray([BOUNDARY], np.int64)
    # scores[a, b]: best log score of a reading whose last two syllables are
    # candidate a of the slot before and candidate b of this slot.
    scores = _log_scores(model, boundary[:, None], boundary[:, None], numbers[0][None, :]) + bonus[0][None, :]
    before = boundary
    pointers: list[np.ndarray] = []
    for i in range(1, len(numbers)):
        last, current = numbers[i - 1], numbers[i]
        total = scores[:, :, None] + _log_scores(model, before[:, None, None], last[None, :, None], current[None, None, :])
        total += bonus[i][None, None, :]
        pointers.append(np.argmax(total, axis=0))  # (a, b) -> the best candidate of the slot before a
        scores = np.max(total, axis=0)
        before = last
    a, b = np.unravel_index(int(np.argmax(scores)), scores.shape)
    chosen = [int(b)]
    previous = int(a)
    for pointer in reversed(pointers):
        chosen.append(previous)
        previous = int(pointer[previous, chosen[-2]])
    chosen.reverse()
    reading = []
    for slot, candidate in zip(query, chosen):
        number = slot.numbers[candidate]
        reading.append(slot.typed if slot.fixed or number == BOUNDARY else model.words[number])
    return reading
