"""First and last passes: one Unicode form, plain spaces and digits, the `./.` end mark.

Everything after this pass may assume NFC text whose only spaces are " " and
"\\n" and whose only digits are 0-9.
"""

from __future__ import annotations

import html
import re
import unicodedata

from search.text import nfc


def _digit_table() -> dict[int, str]:
    """Every character Python calls a digit (Thai, full-width, superscript ², circled ①) -> ASCII.

    NFKC does most (², ①, ５); the rest (other scripts' digits) have a decimal value.
    Built at import from the running Python's Unicode database; digits live in
    the first two planes only (the last is U+1FBF9), which keeps this ~10 ms.
    """
    table: dict[int, str] = {}
    for ch in filter(str.isdigit, map(chr, range(0x80, 0x20000))):
        cp = ord(ch)
        folded = unicodedata.normalize("NFKC", ch)
        if not folded.isascii():
            folded = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in folded)
        table[cp] = folded.replace("\u2044", "/")
    return table


_DIGITS = _digit_table()
_NON_ASCII_DIGIT = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_DIGITS)) + "]")
_FRACTIONS = re.compile("[\u00bc-\u00be\u2150-\u215f\u2189]")  # ½ ⅓ ... : "1/2" via NFKC

# Any horizontal space that is not " " (no-break, thin, ideographic, tab ...), and
# the invisible ones that would split a word in two (zero-width, soft hyphen, BOM).
_SPACES = re.compile(r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_SPACE_AROUND_LINES = re.compile(r" *\n *")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# "./." closes official documents: it is the end of the text, not something to read.
_END_MARK = re.compile(r"\s*\./\.(?=\s|$)")
_SYMBOL_FORMS = str.maketrans(
    {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2024": ".", "\uff05": "%", "\u00ba": "°", "\u02da": "°"}
)
# A superscript zero or small o typed for the degree sign: "-70 ⁰C", "39,5 ºC".
_DEGREE = re.compile(r"[\u2070\u1d52](?=[CF]\b)")


def prepare(text: str) -> str:
    """NFC, ASCII digits, plain spaces, no entities or end mark: the form every rule expects."""
    text = nfc(text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    if not text.isascii():
        text = _DEGREE.sub("°", text.translate(_SYMBOL_FORMS))
        text = _FRACTIONS.sub(lambda m: unicodedata.normalize("NFKC", m.group()).replace("\u2044", "/"), text)
        text = _NON_ASCII_DIGIT.sub(lambda m: _DIGITS[ord(m.group())], text)
        text = nfc(text)
    text = _END_MARK.sub(".", text)
    return tidy(text)


def tidy(text: str) -> str:
    """One space between words, none at line ends; run last, after rules that insert words."""
    return _SPACE_AROUND_LINES.sub("\n", _RUNS_OF_SPACES.sub(" ", text)).strip(" ")
