"""Counts of accented syllables and of their pairs and triples, written by the build.

Putting diacritics back into `tiet kiem dien` needs to know which accented
syllables stand together in Vietnamese as the articles write it (`tiết kiệm
điện`, not `tiết kiệm diễn`). The build counts every run of syllables of the
indexed text (title, lead, body; never across punctuation or lines) and writes
the counts into the generation as one numpy file, so that a worker opening the
generation reads arrays instead of walking Whoosh's lexicon (that walk cost
about six seconds of CPU per worker per generation).

Syllables are numbered in the order of their folded form, the most frequent
accented form first, so that the candidates for a syllable typed without
diacritics are one contiguous run of numbers found by bisection. A pair is one
int64 (`a << 21 | b`), a triple another (`a << 42 | b << 21 | c`); both are
sorted, so counts are looked up for many keys at once with `searchsorted`.
Number 0 is the boundary of a run (the start or end of a sentence).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from search.language.analysis import SYLLABLE
from search.language.text import fold_term, nfc
from search.language.tones import standard_tones

NGRAMS_FILE = "ngrams.npz"
BITS = 21
MAX_ID = (1 << BITS) - 1
BOUNDARY = 0
# Tokens longer than this are codes, URLs or run-together words: no syllable is.
MAX_TOKEN_CHARS = 24
# Pairs and triples seen once are mostly noise and most of the table.
MIN_COUNT = 2
# Keys gathered before they are sorted and merged into the running counts.
MERGE_EVERY = 4_000_000
# Runs of syllables end at punctuation and at line ends.
_BREAKS = re.compile(r"[^\w\s]+|\n")


def _merge(keys: np.ndarray, counts: np.ndarray, new: list[np.ndarray], signs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Running (keys, counts) plus the keys gathered in `new` (each array counted with its sign)."""
    if not new:
        return keys, counts
    gathered = np.concatenate(new)
    weights = np.concatenate([np.full(len(a), s, np.int64) for a, s in zip(new, signs)])
    all_keys = np.concatenate([keys, gathered])
    all_counts = np.concatenate([counts, weights])
    unique, inverse = np.unique(all_keys, return_inverse=True)
    summed = np.bincount(inverse, weights=all_counts, minlength=len(unique)).astype(np.int64)
    keep = summed > 0
    return unique[keep], summed[keep]


class NgramCounter:
    """Counts a build's text; `save` prunes and writes it into a generation.

    An update starts from the live generation's counts (`from_model`), adds
    the new text of changed articles and takes away their old text, so the
    table stays that of the articles the index holds.
    """

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._words: list[str] = [""]
        self._unigrams = np.zeros(1, np.int64)
        self._pairs = (np.empty(0, np.int64), np.empty(0, np.int64))
        self._triples = (np.empty(0, np.int64), np.empty(0, np.int64))
        self._pending: list[tuple[np.ndarray, int]] = []
        self._pending_keys = 0

    @classmethod
    def from_model(cls, model: "SyllableModel") -> "NgramCounter":
        counter = cls()
        counter._words = list(model.words)
        counter._vocab = {word: number for number, word in enumerate(model.words) if number}
        counter._unigrams = model.unigrams.astype(np.int64).copy()
        counter._pairs = (model.pair_keys.copy(), model.pair_counts.astype(np.int64))
        counter._triples = (model.triple_keys.copy(), model.triple_counts.astype(np.int64))
        return counter

    def _number(self, token: str) -> int:
        number = self._vocab.get(token)
        if number is None:
            if len(token) > MAX_TOKEN_CHARS or len(self._words) > MAX_ID:
                return BOUNDARY
            number = self._vocab[token] = len(self._words)
            self._words.append(token)
        return number

    def add(self, texts: Iterable[str], sign: int = 1) -> None:
        """Count the syllable runs of `texts` (an article's fields); sign -1 takes them away."""
        numbers = [BOUNDARY]
        for text in texts:
            for run in _BREAKS.split(standard_tones(nfc(text)).lower()):
                tokens = SYLLABLE.findall(run)
                if tokens:
                    numbers.extend(self._number(token) for token in tokens)
                    numbers.append(BOUNDARY)
        if len(numbers) < 2:
            return
        ids = np.asarray(numbers, np.int64)
        if len(self._unigrams) < len(self._words):
            self._unigrams = np.concatenate([self._unigrams, np.zeros(len(self._words) - len(self._unigrams), np.int64)])
        np.add.at(self._unigrams, ids, sign)
        pairs = (ids[:-1] << BITS) | ids[1:]
        middle = ids[1:-1]
        triples = ((ids[:-2] << (2 * BITS)) | (middle << BITS) | ids[2:])[middle != BOUNDARY]
        self._pending.append((pairs, sign))
        self._pending.append((triples, sign))
        self._pending_keys += len(pairs) + len(triples)
        if self._pending_keys >= MERGE_EVERY:
            self._flush()

    def _flush(self) -> None:
        pair_parts = self._pending[0::2]
        triple_parts = self._pending[1::2]
        self._pairs = _merge(*self._pairs, [a for a, _ in pair_parts], [s for _, s in pair_parts])
        self._triples = _merge(*self._triples, [a for a, _ in triple_parts], [s for _, s in triple_parts])
        self._pending, self._pending_keys = [], 0

    def save(self, directory: Path) -> dict[str, int]:
        """Prune, renumber in folded order and write NGRAMS_FILE; returns the table's sizes."""
        self._flush()
        unigrams = self._unigrams
        words = self._words
        keep = unigrams > 0
        keep[BOUNDARY] = True
        folded = [fold_term(word) for word in words]
        # Boundary first, then by folded form, the most frequent accented form first.
        order = sorted((n for n in range(1, len(words)) if keep[n]), key=lambda n: (folded[n], -unigrams[n], words[n]))
        renumber = np.zeros(len(words), np.int64)
        renumber[order] = np.arange(1, len(order) + 1)
        kept_words = [""] + [words[n] for n in order]
        new_unigrams = np.concatenate([[unigrams[BOUNDARY]], unigrams[order]]).astype(np.int64)

        def renumbered(keys: np.ndarray, counts: np.ndarray, parts: int) -> tuple[np.ndarray, np.ndarray]:
            frequent = counts >= MIN_COUNT
            keys, counts = keys[frequent], counts[frequent]
            pieces = [(keys >> (BITS * (parts - 1 - i))) & MAX_ID for i in range(parts)]
            alive = np.all([keep[p] for p in pieces], axis=0) if len(keys) else np.ones(0, bool)
            pieces = [renumber[p[alive]] for p in pieces]
            new = np.zeros(int(alive.sum()), np.int64)
            for piece in pieces:
                new = (new << BITS) | piece
            sort = np.argsort(new, kind="stable")
            return new[sort], counts[alive][sort].astype(np.int32)

        pair_keys, pair_counts = renumbered(*self._pairs, 2)
        triple_keys, triple_counts = renumbered(*self._triples, 3)
        path = Path(directory) / NGRAMS_FILE
        with open(path, "wb") as out:
            np.savez(
                out,
                words=np.frombuffer("\n".join(kept_words).encode("utf-8"), np.uint8),
                unigrams=new_unigrams,
                pair_keys=pair_keys,
                pair_counts=pair_counts,
                triple_keys=triple_keys,
                triple_counts=triple_counts,
            )
        return {"syllables": len(kept_words) - 1, "pairs": len(pair_keys), "triples": len(triple_keys)}


@dataclass(frozen=True)
class SyllableModel:
    """One generation's counts, read-only and shared by every request of a worker."""

    words: list[str]
    unigrams: np.ndarray
    pair_keys: np.ndarray
    pair_counts: np.ndarray
    triple_keys: np.ndarray
    triple_counts: np.ndarray

    @classmethod
    def load(cls, directory: Path) -> "SyllableModel | None":
        """The generation's table, or None if it has none (written before there was one)."""
        path = Path(directory) / NGRAMS_FILE
        if not path.is_file():
            return None
        with np.load(path) as data:
            words = data["words"].tobytes().decode("utf-8").split("\n")
            return cls(
                words=words,
                unigrams=data["unigrams"],
                pair_keys=data["pair_keys"],
                pair_counts=data["pair_counts"],
                triple_keys=data["triple_keys"],
                triple_counts=data["triple_counts"],
            )

    @classmethod
    def empty(cls) -> "SyllableModel":
        none = np.empty(0, np.int64)
        return cls([""], np.zeros(1, np.int64), none, np.empty(0, np.int32), none, np.empty(0, np.int32))

    @cached_property
    def folded(self) -> list[str]:
        """Folded form of every number, sorted (numbers are in folded order)."""
        return [fold_term(word) for word in self.words[1:]]

    @cached_property
    def folded_counts(self) -> dict[str, int]:
        """Folded syllable -> how often the text has it, in any accented form."""
        counts: dict[str, int] = {}
        for key, count in zip(self.folded, self.unigrams[1:].tolist()):
            counts[key] = counts.get(key, 0) + count
        return counts

    @cached_property
    def total(self) -> int:
        return max(int(self.unigrams.sum()), 1)

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {word: number for number, word in enumerate(self.words) if number}

    def number(self, syllable: str) -> int:
        """The number of an accented, lowercase syllable, or BOUNDARY if the text never has it."""
        return self._numbers.get(syllable, BOUNDARY)

    def candidates(self, folded: str, limit: int) -> list[int]:
        """The numbers of the accented forms folding to `folded`, the most frequent first."""
        start = bisect.bisect_left(self.folded, folded)
        end = bisect.bisect_right(self.folded, folded, lo=start)
        return list(range(start + 1, min(end, start + limit) + 1))

    @staticmethod
    def _lookup(keys: np.ndarray, counts: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        if not len(keys):
            return np.zeros(wanted.shape, np.float64)
        at = np.searchsorted(keys, wanted)
        at[at == len(keys)] = 0
        return np.where(keys[at] == wanted, counts[at], 0).astype(np.float64)

    def pair_count(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return self._lookup(self.pair_keys, self.pair_counts, (first << BITS) | second)

    def triple_count(self, first: np.ndarray, second: np.ndarray, third: np.ndarray) -> np.ndarray:
        return self._lookup(self.triple_keys, self.triple_counts, (first << (2 * BITS)) | (second << BITS) | third)
