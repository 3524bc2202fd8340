"""The order in which the rules run, and the one entry point, `normalize`.

Order matters: each pass turns some digits or letters into words, and later
passes only see what is left. Identifiers go first (their digits are not
amounts), then abbreviations, dates, dotted codes, ranges, times and Roman
numerals, then amounts, and last a sweep that reads any digit still there and
spells unknown capitals. Every pass is a pure function of its input and the tables are
immutable, so one Normalizer serves any number of threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from speech.normalize.abbreviations import DEFAULT_PATH, Abbreviations
from speech.normalize.cleanup import prepare, tidy
from speech.normalize.dates import read_dates, read_times
from speech.normalize.identifiers import (
    read_addresses,
    read_document_numbers,
    read_dotted_codes,
    read_letter_digit_codes,
    read_phone_numbers,
)
from speech.normalize.letters import UPPER, UPPER_ANY, read_capitals, spell
from speech.normalize.quantities import read_counts, read_plain_numbers, read_ranges, read_units
from speech.normalize.roman import read_roman_numerals

# Both start with the capital and only then look behind it: the engine skips to capitals.
_CAPITALS = re.compile(rf"[{UPPER_ANY}](?<!\w.)[{UPPER_ANY}]+(?!\w)")
# A lone capital consonant ("vitamin C", "hạng B"); lone vowels read as themselves.
_LONE_CONSONANT = re.compile(rf"[{''.join(c for c in UPPER if c not in 'AĂÂEÊIOÔƠUƯY')}](?<!\w.)(?!\w)")
_SYMBOLS = {
    "&": " và ", "+": " cộng ", "=": " bằng ", "~": " khoảng ", "≈": " khoảng ", ">": " lớn hơn ",
    "<": " nhỏ hơn ", "≥": " lớn hơn hoặc bằng ", "≤": " nhỏ hơn hoặc bằng ", "@": " a còng ",
    "°": " độ ", "‰": " phần nghìn ", "%": " phần trăm ", "×": " nhân ",
    "*": " ", "#": " ", "|": ", ", "_": " ", "^": " ", "\\": " ", "•": " ", "·": " ",
}  # fmt: skip
_SYMBOL = re.compile("|".join(re.escape(s) for s in _SYMBOLS))
# Words put in by the rules come with spaces; none belongs inside brackets or before punctuation.
_SPACE_INSIDE_PUNCTUATION = re.compile(r" +(?=[.,;:!?…)\]”’»])|(?<=[(\[“‘«]) +")


def read_capitals_and_symbols(text: str) -> str:
    """Unknown acronyms spelled (WTO -> "vê kép tê ô"); symbols the voice would name or skip, as words."""
    text = _CAPITALS.sub(lambda m: read_capitals(m.group()), text)
    text = _LONE_CONSONANT.sub(lambda m: spell(m.group()), text)
    return _SYMBOL.sub(lambda m: _SYMBOLS[m.group()], text)


@dataclass(frozen=True)
class Normalizer:
    """Article text -> what a Vietnamese reader says, with a given abbreviations table."""

    abbreviations: Abbreviations

    @classmethod
    def from_file(cls, path: Path = DEFAULT_PATH) -> "Normalizer":
        return cls(Abbreviations.load(path))

    @property
    def passes(self) -> tuple[Callable[[str], str], ...]:
        return (
            read_addresses,
            read_document_numbers,
            read_phone_numbers,
            self.abbreviations.expand,
            read_dates,
            read_dotted_codes,
            read_ranges,
            read_times,
            read_roman_numerals,
            read_units,
            read_counts,
            read_letter_digit_codes,
            read_plain_numbers,
            read_capitals_and_symbols,
        )

    def __call__(self, text: str) -> str:
        text = prepare(text)
        for step in self.passes:
            text = step(text)
        return _SPACE_INSIDE_PUNCTUATION.sub("", tidy(text))


@cache
def default_normalizer() -> Normalizer:
    """The normalizer over the shipped abbreviations file, read on first use.

    Lazily, so that a staff edit that breaks the file fails the speech
    commands with its line number instead of every `bantin` command at import.
    """
    return Normalizer.from_file()


def normalize(text: str) -> str:
    """What a Vietnamese reader says for `text`: no digit, abbreviation or code left to guess.

    Works on a whole article (lines are kept) or on one sentence from
    `split_sentences`, whose closing punctuation it keeps.
    """
    return default_normalizer()(text)
