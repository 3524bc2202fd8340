"""Roman numerals, read only where the context makes them numbers.

"Đại hội XIII", "thế kỷ XXI", "khóa XV", "bệnh viện hạng I" are numbers; "lần
thứ IV" is an ordinal ("thứ tư"). Only I, V and X are taken (1 to 39: what news
uses), because C, D, L and M after "loại" or "nhóm" are letters. Without a cue
word only numerals of two or more letters (II, IV, XIX) are read: a lone I, V
or X is a letter or a word.
"""

from __future__ import annotations

import re

from search.language.roman import roman_value
from speech.normalize.context import cue_before, cue_pattern
from speech.normalize.numbers import read_int, read_ordinal


_CUE = cue_pattern(
    ("đại hội", "Đại hội Đảng", "khóa", "khoá", "thế kỷ", "thế kỉ", "chương", "phần", "mục", "tập", "kỳ", "kì",
     "hội nghị Trung ương", "thế chiến", "chiến tranh thế giới", "quân khu", "vùng", "nhóm", "hạng", "cấp",
     "loại", "giai đoạn", "đợt", "thứ")
)  # fmt: skip
# Consume a first I, V or X, then check it starts a word: the engine jumps between capitals.
_NUMERAL = re.compile(r"[IVX](?<!\w[IVX])[IVX]*(?!\w)")


def _numeral(match: re.Match) -> str:
    numeral = match.group()
    value = roman_value(numeral)
    cue = cue_before(_CUE, match.string, match.start())
    if value is None or (cue is None and len(numeral) < 2):
        return numeral
    return read_ordinal(value) if cue and cue.lower() == "thứ" else read_int(value)


def read_roman_numerals(text: str) -> str:
    """ "Đại hội XIII" -> "Đại hội mười ba", "lần thứ IV" -> "lần thứ tư", "thế kỷ XXI" -> "thế kỷ hai mươi mốt"."""
    return _NUMERAL.sub(_numeral, text)
