"""One name, several spellings: `UBND` is `Ủy ban nhân dân`, `TP.HCM` is `thành phố Hồ Chí Minh`.

Three sources of names, one format (`read_names`):

- the dictionary shipped in search/data/abbreviations.txt (speech reads it too,
  to say `UBND` aloud as its full name);
- pairs the articles define themselves, `Hội đồng nhân dân (HĐND)` and
  `HĐND (Hội đồng nhân dân)`, mined at build time (`MinedPairs`) and kept when
  enough articles agree;
- the staff's own file in the instance folder (search/synonyms.py), for local
  names no dictionary knows.

A line lists the spellings of one name separated by `=`, its full form last:
`TP.HCM = TP HCM = TPHCM = Thành phố Hồ Chí Minh`. The same abbreviation on
two lines has two senses (`ĐH = đại học`, `ĐH = đại hội`): a query holding it
is expanded to both, and the rest of the query chooses, since every article
found must hold its other words too (`ĐH Bách khoa` finds the university,
`ĐH Đảng` the congress). Guessing one sense would lose the other silently.

A spelling that is also an ordinary syllable (`CA`, `TƯ`: `ca`, `tu`) is taken
for the abbreviation only when typed in capitals, and never searched for as
an expansion (the index holds `ca` of `ca sĩ` in the same folded term).
Spellings of one letter are never expanded.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from search.analysis import folded_analyzer
from search.text import fold, nfc, plain_syllable_shaped

DICTIONARY = Path(__file__).resolve().parent / "data" / "abbreviations.txt"
MINED_FILE = "abbreviations.json"
# Articles that must define a pair before it is trusted.
MIN_MINED_ARTICLES = 3
MAX_FORM_CHARS = 80
MAX_FORM_SYLLABLES = 12
_FOLDED = folded_analyzer()


class NamesFileError(ValueError):
    """A names file cannot be used; the message gives the file, the line and why, in Vietnamese."""


@dataclass(frozen=True)
class Name:
    """The spellings of one name, as written, its full form last."""

    forms: tuple[str, ...]
    origin: str = "dictionary"  # or "mined", "staff"

    @property
    def full(self) -> str:
        return self.forms[-1]


def syllables(text: str) -> tuple[str, ...]:
    """Folded syllables, as search compares them: `TP.HCM` -> (`tp`, `hcm`)."""
    return tuple(t.text for t in _FOLDED(text))


def _line_name(line: str, where: str, origin: str) -> Name:
    """The name one line writes, or NamesFileError saying (in Vietnamese) what is wrong with it."""
    forms = tuple(" ".join(part.split()) for part in line.split("="))
    if len(forms) < 2:
        raise NamesFileError(f"{where}: cần ít nhất hai cách viết cách nhau bằng dấu “=” (ví dụ: UBND = Ủy ban nhân dân)")
    for form in forms:
        if not form:
            raise NamesFileError(f"{where}: có một cách viết để trống (hai dấu “=” liền nhau hoặc “=” ở đầu, cuối dòng)")
        if len(form) > MAX_FORM_CHARS or len(syllables(form)) > MAX_FORM_SYLLABLES:
            raise NamesFileError(f"{where}: “{form[:40]}…” quá dài (tối đa {MAX_FORM_SYLLABLES} âm tiết)")
        if not syllables(form):
            raise NamesFileError(f"{where}: “{form}” không có chữ hay số nào")
    if len(set(forms)) < len(forms):
        raise NamesFileError(f"{where}: một cách viết lặp lại hai lần trên cùng dòng")
    keys = [syllables(form) for form in forms]
    if set(keys) == {keys[0]}:
        raise NamesFileError(f"{where}: các cách viết chỉ khác nhau ở dấu hay chữ hoa; tìm kiếm đã coi chúng là một")
    return Name(forms, origin)


def read_names(content: str, source: str, origin: str = "staff") -> tuple[list[Name], list[str]]:
    """Lines of `=`-separated spellings (`#` comments and blank lines ignored): the names
    of the sound lines, and for each other line a message naming the file, the line and why."""
    names: list[Name] = []
    errors: list[str] = []
    seen: dict[frozenset[tuple[str, ...]], int] = {}
    for number, raw in enumerate(nfc(content).lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}, dòng {number}"
        try:
            name = _line_name(line, where, origin)
            group = frozenset(syllables(form) for form in name.forms)
            if group in seen:
                raise NamesFileError(f"{where}: dòng này trùng với dòng {seen[group]}")
        except NamesFileError as exc:
            errors.append(str(exc))
            continue
        seen[group] = number
        names.append(name)
    return names, errors


@cache
def dictionary() -> tuple[Name, ...]:
    """The shipped dictionary (read once; a broken edit fails loudly, with its line)."""
    names, errors = read_names(DICTIONARY.read_text(encoding="utf-8"), str(DICTIONARY), "dictionary")
    if errors:
        raise NamesFileError(errors[0])
    return tuple(names)


# --- pairs the articles define ------------------------------------------------------------------

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


# --- queries ----------------------------------------------------------------------------------


def _abbreviated(form: str) -> bool:
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
                if len(key) > 1 and _abbreviated(form):  # `TP.HCM` is also typed `tphcm`
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
