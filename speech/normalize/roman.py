"""Roman numerals, read only where the context makes them numbers.

"Đại hội XIII", "thế kỷ XXI", "khóa XV", "bệnh viện hạng I" are numbers; "lần
thứ IV" is an ordinal ("thứ tư"). Only I, V and X are taken (1 to 39: what news
uses), because C, D, L and M after "loại" or "nhóm" are letters. Without a cue
word only numerals of two or more letters (II, IV, XIX) are read: a lone I, V
or X is a letter or a word.
"""

from __future__ import annotations

import re

from speech.normalize.numbers import read_int, read_ordinal

# Strict form: rejects "IIII", "VV", "IC"; the lookahead rejects the empty string.
ROMAN = r"(?=[XVI])X{0,3}(?:IX|IV|V?I{0,3})"
_ROMAN_FULL = re.compile(ROMAN)
_VALUES = {"I": 1, "V": 5, "X": 10}

_CUES = (
    "đại hội", "Đại hội Đảng", "khóa", "khoá", "thế kỷ", "thế kỉ", "chương", "phần", "mục", "tập", "kỳ", "kì",
    "hội nghị Trung ương", "thế chiến", "chiến tranh thế giới", "quân khu", "vùng", "nhóm", "hạng", "cấp",
    "loại", "giai đoạn", "đợt",
)  # fmt: skip
_CUE = "|".join(re.escape(form) for w in _CUES for form in {w, w[0].upper() + w[1:]})
_WITH_CUE = re.compile(rf"(?<!\w)(?P<cue>{_CUE}|[Tt]hứ) (?P<n>{ROMAN})(?!\w)")
_BARE = re.compile(rf"(?<!\w)(?=[IVX]{{2}})(?P<n>{ROMAN})(?!\w)")


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed numeral of I, V and X, else None."""
    if not _ROMAN_FULL.fullmatch(numeral):
        return None
    values = [_VALUES[ch] for ch in numeral]
    # A smaller value before a larger one is subtracted (IV, IX, XIX).
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))


def _with_cue(match: re.Match) -> str:
    cue, value = match["cue"], roman_value(match["n"])
    return f"{cue} {read_ordinal(value) if cue.lower() == 'thứ' else read_int(value)}"


def _bare(match: re.Match) -> str:
    return read_int(roman_value(match["n"]))


def read_roman_numerals(text: str) -> str:
    """ "Đại hội XIII" -> "Đại hội mười ba", "lần thứ IV" -> "lần thứ tư", "thế kỷ XXI" -> "thế kỷ hai mươi mốt"."""
    return _BARE.sub(_bare, _WITH_CUE.sub(_with_cue, text))
