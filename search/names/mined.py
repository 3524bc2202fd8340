"""Pairs the articles define themselves: `Hội đồng nhân dân (HĐND)` and
`HĐND (Hội đồng nhân dân)`, counted at build time over every article and kept
as names (search/names/dictionary.py) when enough articles agree. The letters
must be the long form's syllable initials (`Đ` counting as `Đ`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from search.language.text import fold
from search.names.dictionary import Name, syllables

MINED_FILE = "abbreviations.json"
# Articles that must define a pair before it is trusted.
MIN_MINED_ARTICLES = 3

# `(UBND)` or `(Ủy ban nhân dân)`: the text in parentheses, and what stands before it.
_PARENTHESES = re.compile(r"\(([^()\n]{2,80})\)")
_ABBREVIATION = re.compile(r"^[A-ZĐ][A-ZĐ&.\-]{1,11}$")
_CONNECTORS = frozenset({"va"})  # `GD&ĐT` is `Giáo dục và Đào tạo`
_WORD = re.compile(r"[^\W\d_]+")


def _letters(abbreviation: str) -> str:
    return fold("".join(ch for ch in abbreviation if ch.isalpha())).lower()


def _long_form(words: list[re.Match], letters: str, ampersand: bool) -> tuple[int, int] | None:
    """Where in `words` (read backwards from the end) the syllables whose initials spell `letters` begin.

    Returns the (start, end) character offsets of the long form, or None.
    """
    wanted = list(letters)
    i = len(words) - 1
    end = words[-1].end() if words else 0
    while wanted and i >= 0:
        word = fold(words[i].group(0)).lower()
        if word[0] == wanted[-1]:
            wanted.pop()
        elif not (ampersand and word in _CONNECTORS):
            return None
        i -= 1
    if wanted:
        return None
    return words[i + 1].start(), end


def mine_pairs(text: str) -> Iterator[tuple[str, str]]:
    """(abbreviation, full form) pairs that `text` defines by putting one in parentheses after the other.

    The full form must be the syllables just before (or inside) the
    parentheses whose initials spell the abbreviation's letters, capitals
    mattering nowhere: `Hội đồng nhân dân tỉnh (HĐND)` gives `HĐND` and `Hội
    đồng nhân dân`, and `(HĐND tỉnh)` nothing.
    """
    if "(" not in text:
        return
    for match in _PARENTHESES.finditer(text):
        inside = match.group(1).strip()
        before = text[max(0, match.start() - 120) : match.start()]
        words = list(_WORD.finditer(before))
        if _ABBREVIATION.match(inside):
            letters = _letters(inside)
            if len(letters) < 2 or len(words) < len(letters):
                continue
            found = _long_form(words[-(2 * len(letters)) :], letters, "&" in inside)
            if found and before[found[1] :].strip() == "":
                start, end = found
                yield inside, before[start:end].strip()
        elif words and _ABBREVIATION.match(words[-1].group(0)) and before[words[-1].end() :].strip() == "":
            abbreviation = words[-1].group(0)
            inner = list(_WORD.finditer(inside))
            letters = _letters(abbreviation)
            if len(letters) >= 2 and len(inner) >= len(letters):
                found = _long_form(inner, letters, "&" in abbreviation)
                if found and found[0] == inner[0].start() and inside[found[1] :].strip() == "":
                    yield abbreviation, inside


class MinedPairs:
    """Pairs counted over a build's articles, each article counting once per pair."""

    def __init__(self, counts: Counter | None = None, spellings: dict | None = None) -> None:
        self.counts: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = counts or Counter()
        # folded pair -> the spelling of each side most often seen
        self.spellings: dict[tuple[tuple[str, ...], tuple[str, ...]], Counter] = spellings or {}

    def add(self, texts: Iterable[str], sign: int = 1) -> None:
        pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, str]] = {}
        for text in texts:
            for abbreviation, full in mine_pairs(text):
                key = (syllables(abbreviation), syllables(full))
                pairs.setdefault(key, (abbreviation, full))
        for key, written in pairs.items():
            self.counts[key] += sign
            if sign > 0:
                self.spellings.setdefault(key, Counter())[written] += 1

    def names(self) -> list[Name]:
        """The pairs enough articles define, as names."""
        out = []
        for key, count in sorted(self.counts.items()):
            if count >= MIN_MINED_ARTICLES and key in self.spellings:
                abbreviation, full = self.spellings[key].most_common(1)[0][0]
                out.append(Name((abbreviation, full), "mined"))
        return out

    def save(self, directory: Path) -> int:
        """Write the counts (kept for updates) into the generation; returns how many pairs are trusted."""
        rows = [
            {"abbreviation": list(key[0]), "full": list(key[1]), "articles": count,
             "spellings": [[a, f, n] for (a, f), n in self.spellings.get(key, Counter()).most_common(3)]}
            for key, count in sorted(self.counts.items()) if count > 0
        ]
        (Path(directory) / MINED_FILE).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        return len(self.names())

    @classmethod
    def load(cls, directory: Path) -> "MinedPairs":
        path = Path(directory) / MINED_FILE
        if not path.is_file():
            return cls()
        counts: Counter = Counter()
        spellings: dict = {}
        for row in json.loads(path.read_text(encoding="utf-8")):
            key = (tuple(row["abbreviation"]), tuple(row["full"]))
            counts[key] = row["articles"]
            spellings[key] = Counter({(a, f): n for a, f, n in row["spellings"]})
        return cls(counts, spellings)
