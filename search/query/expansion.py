"""A query's names and their other spellings: `ubnd` is also searched as `Ủy ban nhân dân`.

The same abbreviation on two lines of the names has two senses (`ĐH = đại
học`, `ĐH = đại hội`): a query holding it is expanded to both, and the rest of
the query chooses, since every article found must hold its other words too
(`ĐH Bách khoa` finds the university, `ĐH Đảng` the congress). Guessing one
sense would lose the other silently.

A spelling that is also an ordinary syllable (`CA`, `TƯ`: `ca`, `tu`) is taken
for the abbreviation only when typed in capitals, and never searched for as
an expansion (the index holds `ca` of `ca sĩ` in the same folded term).
Spellings of one letter are never expanded.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from search.language.text import plain_syllable_shaped
from search.names.dictionary import Name, dictionary, syllables
from search.names.staff import StaffSynonyms

def mostly_capitals(form: str) -> bool:
    """Written mostly in capitals: `TP.HCM`, `Tp.HCM`, `GD&ĐT`."""
    letters = [ch for ch in form if ch.isalpha()]
    return bool(letters) and 2 * sum(ch.isupper() for ch in letters) >= len(letters)


def wordlike(key: tuple[str, ...]) -> bool:
    """A one-syllable spelling that Vietnamese also writes as a word (`ca`, `tư`: `tu`
    once folded), or a single letter; `eu` is not (only `êu` is a word)."""
    return len(key) == 1 and (len(key[0]) < 2 or plain_syllable_shaped(key[0]))


@dataclass(frozen=True)
class Expansion:
    """Syllables `start`..`end` of a query run name something also written as `alternatives`."""

    start: int
    end: int
    typed: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]  # folded syllables of each other spelling
    shown: tuple[str, ...]  # the other spellings as written, for --explain and the API


@dataclass
class Expander:
    """Finds the names in a query and the other spellings of each."""

    names: list[Name]
    _spellings: dict[tuple[str, ...], set[int]] = field(default_factory=dict, init=False)
    _keys: list[dict[tuple[str, ...], str]] = field(default_factory=list, init=False)
    _longest: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        singles: dict[str, list[tuple[str, ...]]] = {}
        for name in self.names:
            full = syllables(name.full)
            for form in name.forms[:-1]:
                key = syllables(form)
                if len(key) == 1 and len(full) > 1:
                    singles.setdefault(key[0], []).append(full)
        for number, name in enumerate(self.names):
            keys: dict[tuple[str, ...], str] = {}
            for form in name.forms:
                key = syllables(form)
                keys.setdefault(key, form)
                if len(key) > 1 and mostly_capitals(form):  # `TP.HCM` is also typed `tphcm`
                    keys.setdefault(("".join(key),), form)
            self._compose(keys, singles, syllables(name.full))
            self._keys.append(keys)
            for key in keys:
                self._spellings.setdefault(key, set()).add(number)
                self._longest = max(self._longest, len(key))

    @staticmethod
    def _compose(keys: dict[tuple[str, ...], str], singles: dict[str, list[tuple[str, ...]]], full: tuple[str, ...]) -> None:
        """`TP.HCM` is `TP` + `HCM`: also `tp hồ chí minh` and `thành phố hcm`, when the
        full forms of the parts make the full form of the whole."""
        for key in list(keys):
            if not 1 < len(key) <= 3 or not all(part in singles for part in key):
                continue
            options = [[(part,), *singles[part]] for part in key]
            products = [tuple(s for piece in combo for s in piece) for combo in itertools.product(*options)]
            if full in products:
                for product in products:
                    keys.setdefault(product, " ".join(product))

    def find(self, run: list[str], typed: list[str]) -> list[Expansion]:
        """The names in a run of folded query syllables, longest first, left to right.

        `typed` holds the same syllables as the user wrote them (for capitals).
        """
        found: list[Expansion] = []
        i = 0
        while i < len(run):
            for size in range(min(self._longest, len(run) - i), 0, -1):
                key = tuple(run[i : i + size])
                numbers = self._spellings.get(key)
                if not numbers:
                    continue
                if wordlike(key) and not (len(key[0]) > 1 and typed[i].isupper()):
                    continue
                alternatives: dict[tuple[str, ...], str] = {}
                for number in sorted(numbers):
                    for other, written in self._keys[number].items():
                        if other != key and not wordlike(other):
                            alternatives.setdefault(other, written)
                if alternatives:
                    shown = tuple(dict.fromkeys(
                        form for n in sorted(numbers) for form in self.names[n].forms if syllables(form) != key
                    ))
                    found.append(Expansion(i, i + size, key, tuple(alternatives), shown))
                    i += size
                    break
            else:
                i += 1
        return found


class Expanders:
    """One generation's expander: the dictionary's names, the names its articles
    define (mined at build time) and the staff's, made again when the staff's
    file changes (a stat at most every few seconds, search/names/staff.py)."""

    def __init__(self, mined: list[Name]) -> None:
        self.mined = mined
        self._made: tuple[int, Expander] | None = None

    def current(self, staff: StaffSynonyms) -> Expander:
        names = staff.names()
        made = self._made
        if made is None or made[0] != staff.version:
            made = self._made = (staff.version, Expander([*dictionary(), *self.mined, *names]))
        return made[1]
