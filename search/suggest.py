"""“Did you mean”: diacritics put back, and misspelled syllables corrected, from the index's own words.

The word fields hold every pyvi word of the articles with its diacritics
(`quy_chế`); folding them gives a table from what a phone user types
(`quy_che`) to the most frequent accented form. A query without diacritics is
split into the longest words the table knows, so `quy che dan chu` comes back as
`quy chế dân chủ`, not syllable by syllable.
"""

from __future__ import annotations

import math
import threading

from whoosh.reading import IndexReader

from search.analysis import folded_analyzer, syllable_analyzer
from search.schema import ALL_ACCENTED, ALL_FOLDED, TEXT_FIELDS
from search.text import fold, fold_term, has_diacritics

MAX_WORD_SYLLABLES = 4
MAX_SYLLABLE_LETTERS = 7  # "nghiêng": no Vietnamese syllable is longer
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SYLLABLES = folded_analyzer()
_ACCENTED = syllable_analyzer()
# Shorter syllables are not corrected: one or two edits from `gì` reach dozens of
# unrelated syllables (`ty`, `ai`, `di`), and picking the most frequent is noise.
MIN_CORRECTED_LETTERS = 3


def _edits(word: str) -> set[str]:
    """Every string one deletion, swap, replacement or insertion away (letters a-z)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


class Suggester:
    """Built once per index generation (a second or two), then shared by all requests."""

    def __init__(self, reader: IndexReader) -> None:
        self._reader = reader
        self._table: dict[str, tuple[str, int]] | None = None
        self._syllables: dict[str, int] = {}
        self._accented: dict[str, tuple[str, int]] = {}  # folded syllable -> its commonest accented form
        self._lock = threading.Lock()

    def table(self) -> dict[str, tuple[str, int]]:
        """folded word -> (most frequent accented word, its document frequency)."""
        with self._lock:
            if self._table is None:
                table: dict[str, tuple[str, int]] = {}
                for name in TEXT_FIELDS:
                    for term, df in self._frequencies(name):
                        key = fold_term(term)
                        if key not in table or table[key][1] < df:
                            table[key] = (term, df)
                self._syllables = dict(self._frequencies(ALL_FOLDED))
                for term, df in self._frequencies(ALL_ACCENTED):
                    key = fold_term(term)
                    if key not in self._accented or self._accented[key][1] < df:
                        self._accented[key] = (term, df)
                self._table = table
            return self._table

    def _frequencies(self, field: str) -> list[tuple[str, int]]:
        """(term, document frequency) of a field, in lexicon order.

        Read segment by segment and summed: the multi-segment reader looks every
        term up in every other segment, which took 7.8 s instead of 1.3 s on the
        corpus after one update.
        """
        counts: dict[str, int] = {}
        for leaf, _ in self._reader.leaf_readers():
            for raw, info in leaf.iter_field(field):
                term = raw.decode("utf-8")
                counts[term] = counts.get(term, 0) + info.doc_frequency()
        return sorted(counts.items())

    def _correct(self, syllable: str) -> str:
        """The closest known syllable (edit distance 1, then 2), the most frequent first.

        Candidates are generated and looked up in a dict: microseconds, where
        Whoosh's terms_within walks the whole lexicon (over a second per word).
        """
        self.table()
        known = self._syllables
        plausible = syllable.isalpha() and MIN_CORRECTED_LETTERS <= len(syllable) <= MAX_SYLLABLE_LETTERS
        if syllable in known or not plausible:
            return syllable
        near = [c for c in _edits(syllable) if c in known]
        if not near:
            near = [c2 for c1 in _edits(syllable) for c2 in _edits(c1) if c2 in known]
        return max(near, key=known.__getitem__) if near else syllable

    def _accent(self, syllables: list[str]) -> list[str]:
        """Best split into known words, longer words preferred, then frequent ones."""
        table = self.table()
        n = len(syllables)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for end in range(1, n + 1):
            for size in range(1, min(MAX_WORD_SYLLABLES, end) + 1):
                previous = best[end - size]
                if previous is None:
                    continue
                key = "_".join(syllables[end - size : end])
                if key in table:
                    word, df = table[key]
                    gain = size * size + math.log1p(df) / 100
                else:
                    word, gain = key, (0.0 if size == 1 else -math.inf)
                if gain == -math.inf:
                    continue
                candidate = (previous[0] + gain, [*previous[1], word])
                if best[end] is None or candidate[0] > best[end][0]:
                    best[end] = candidate
        return best[n][1]

    def accented_words(self, text: str) -> list[str]:
        """The index words (`tiết_kiệm`) a query typed without diacritics most likely means.

        Ranking gives these a small bonus: of two folded matches, the article with
        the usual reading of the words comes first.
        """
        syllables = [t.text for t in _SYLLABLES(text)]
        table = self.table()
        return [word for word in self._accent(syllables) if table.get(fold_term(word), ("",))[0] == word]

    def suggest(self, text: str) -> str | None:
        """A better query, or None when the query already reads as the index writes it."""
        syllables = [t.text for t in _SYLLABLES(text)]
        if not syllables:
            return None
        if has_diacritics(text):
            return self._mended(text, syllables)
        corrected = [self._correct(s) for s in syllables]
        changed = corrected != syllables
        suggestion = " ".join(word.replace("_", " ") for word in self._accent(corrected))
        if not changed and fold(suggestion) == suggestion:  # nothing to add
            return None
        if suggestion.lower() == text.strip().lower():
            return None
        return suggestion

    def _mended(self, text: str, syllables: list[str]) -> str | None:
        """A query typed with diacritics, its slips corrected and nothing else changed.

        A syllable typed with its diacritics was typed as meant, even when the
        index lacks it (`chuẩn` in a small index is not a misspelling of `chua`);
        a plain one among them may be a slip (`sinnh`). The rest stays as typed:
        re-accenting it from the index would undo the user's own diacritics.
        """
        typed = [t.text for t in _ACCENTED(text)]
        if len(typed) != len(syllables):  # the two tokenizers disagree: suggest nothing rather than garble
            return None
        self.table()
        mended = []
        for word, syllable in zip(typed, syllables):
            fixed = syllable if has_diacritics(word) else self._correct(syllable)
            mended.append(word if fixed == syllable else self._accented.get(fixed, (fixed,))[0])
        return " ".join(mended) if mended != typed else None
