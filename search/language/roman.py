"""Roman numerals of I, V and X (1 to 39: what news writes: "Đại hội XIII",
"khóa XV", "thế kỷ XXI"). One grammar for the index, the snippets and speech."""

from __future__ import annotations

import re

# Strict form: rejects "IIII", "VV", "IC"; the lookahead rejects the empty string.
ROMAN = r"(?=[XVI])X{0,3}(?:IX|IV|V?I{0,3})"
_ROMAN_FULL = re.compile(ROMAN)
_VALUES = {"I": 1, "V": 5, "X": 10}
_UNITS = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed numeral of I, V and X, else None."""
    if not _ROMAN_FULL.fullmatch(numeral):
        return None
    values = [_VALUES[ch] for ch in numeral]
    # A smaller value before a larger one is subtracted (IV, IX, XIX).
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))


def to_roman(number: int) -> str:
    """1-39 in Roman numerals: 13 -> XIII."""
    tens, units = divmod(number, 10)
    return "X" * tens + _UNITS[units]
