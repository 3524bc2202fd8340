"""Vietnamese word segmentation: pyvi's CRF model, driven faster.

pyvi builds a Python dict of features per syllable and lets sklearn-crfsuite
convert them; that conversion is most of its cost. We feed the same model the
same features as plain attribute strings (booleans that are false contribute
nothing to a CRF score, so they are left out), which gives pyvi's labels at about
three times its speed. `tests/test_segmenter.py` checks the output is identical.

The model is loaded lazily, once per process, and never stored on analyzer
objects: Whoosh pickles the analyzer into the index.
"""

from __future__ import annotations

import functools
import re
import string
import threading
from typing import NamedTuple

# pyvi's syllable pattern (ViTokenizer.sylabelize), compiled once; finditer keeps offsets.
_SYLLABLE = re.compile(
    "("
    + "|".join(
        [
            r"[A-ZĐ]+\.",
            r"Tp\.",
            r"Mr\.",
            r"Mrs\.",
            r"Ms\.",
            r"Dr\.",
            r"ThS\.",
            "==>",
            "->",
            r"\.\.\.",
            ">>",
            "\n",
            r"\w+://[^\s]+",
            r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",
            r"\d+([\.,_]\d+)+",
            r"[^\w\s]",
            r"\w+",
        ]
    )
    + ")",
    re.UNICODE,
)
_PUNCTUATION = frozenset(string.punctuation)


class Word(NamedTuple):
    """One segmented word: its syllables joined by spaces, and where it sits in the text."""

    text: str
    start: int
    end: int


class _Model:
    def __init__(self) -> None:
        from pyvi import ViTokenizer  # 1 s import, ~100 MB: only when first needed

        tokenizer = ViTokenizer.ViTokenizer
        self.bi_grams: set[str] = tokenizer.bi_grams
        self.tri_grams: set[str] = tokenizer.tri_grams
        self.crf = tokenizer.model
        self._local = threading.local()

    def tagger(self):
        # pycrfsuite taggers are not documented as thread-safe: one per thread.
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(self.crf.modelfile.name)
            self._local.tagger = tagger
        return tagger


@functools.lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model()


def load() -> None:
    """Load the model now (about 0.7 s), so that the first query typed with
    diacritics does not wait for it."""
    _model()


def _features(syllables: list[str], bi_grams: set[str], tri_grams: set[str]) -> list[list[str]]:
    """pyvi's word2features, as attribute strings (see module docstring)."""
    n = len(syllables)
    low = [s.lower() for s in syllables]
    title = [s.istitle() for s in syllables]
    upper = [s.isupper() for s in syllables]
    bi = [(low[i] + " " + low[i + 1]) in bi_grams for i in range(n - 1)]
    tri = [(low[i] + " " + low[i + 1] + " " + low[i + 2]) in tri_grams for i in range(n - 2)]
    items = []
    for i in range(n):
        f = ["bias", "word.lower():" + low[i]]
        if upper[i]:
            f.append("word.isupper()")
        if title[i]:
            f.append("word.istitle()")
        if syllables[i].isdigit():
            f.append("word.isdigit()")
        if i > 0:
            f.append("-1:word.lower():" + low[i - 1])
            if title[i - 1]:
                f.append("-1:word.istitle()")
            if upper[i - 1]:
                f.append("-1:word.isupper()")
            if bi[i - 1]:
                f.append("-1:word.bi_gram()")
            if i > 1 and tri[i - 2]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f.append("+1:word.lower():" + low[i + 1])
            if title[i + 1]:
                f.append("+1:word.istitle()")
            if upper[i + 1]:
                f.append("+1:word.isupper()")
            if bi[i]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and tri[i]:
                f.append("+2:word.tri_gram()")
        items.append(f)
    return items


def syllables(text: str) -> list[tuple[str, int, int]]:
    """pyvi's syllables of `text` (NFC), with their character offsets."""
    return [(m.group(0), m.start(), m.end()) for m in _SYLLABLE.finditer(text)]


def segment(text: str) -> list[Word]:
    """Split NFC text into words the way `pyvi.ViTokenizer.tokenize` does.

    Letter case matters to the model: segment the text as written, lowercase after.
    """
    sylls = syllables(text)
    if not sylls:
        return []
    model = _model()
    tokens = [s[0] for s in sylls]
    labels = model.tagger().tag(_features(tokens, model.bi_grams, model.tri_grams))
    words: list[Word] = []
    start, end = sylls[0][1], sylls[0][2]
    parts = [tokens[0]]
    for i in range(1, len(tokens)):
        cur, prev = tokens[i], tokens[i - 1]
        # pyvi's own conditions for joining a syllable to the previous word.
        joins = (
            labels[i] == "I_W"
            and cur not in _PUNCTUATION
            and prev not in _PUNCTUATION
            and not cur[0].isdigit()
            and not prev[0].isdigit()
            and not (cur[0].istitle() and not prev[0].istitle())
        )
        if joins:
            parts.append(cur)
            end = sylls[i][2]
        else:
            words.append(Word(" ".join(parts), start, end))
            parts, start, end = [cur], sylls[i][1], sylls[i][2]
    words.append(Word(" ".join(parts), start, end))
    return words
