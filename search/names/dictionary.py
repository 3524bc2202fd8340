"""One name, several spellings: `UBND` is `Ủy ban nhân dân`, `TP.HCM` is `thành phố Hồ Chí Minh`.

Three sources of names, one format (`read_names`):

- the dictionary shipped in search/data/abbreviations.txt (speech reads it too,
  to say `UBND` aloud as its full name);
- pairs the articles define themselves, `Hội đồng nhân dân (HĐND)` and
  `HĐND (Hội đồng nhân dân)`, mined at build time (search/names/mined.py) and kept when
  enough articles agree;
- the staff's own file in the instance folder (search/names/staff.py), for local
  names no dictionary knows.

A line lists the spellings of one name separated by `=`, its full form last:
`TP.HCM = TP HCM = TPHCM = Thành phố Hồ Chí Minh`. The same abbreviation on
two lines has two senses (`ĐH = đại học`, `ĐH = đại hội`). How a query uses
the names: search/query/expansion.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from search.language.analysis import folded_analyzer
from search.language.text import nfc


DICTIONARY = Path(__file__).resolve().parent.parent / "data" / "abbreviations.txt"
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
