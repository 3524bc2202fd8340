"""First and last passes: one Unicode form, plain spaces and digits, the `./.` end mark.

Everything after this pass may assume NFC text whose only spaces are " " and
"\\n" and whose only digits are 0-9.
"""

from __future__ import annotations

import html
import re
import unicodedata

from search.language.text import nfc


def _char_fixes() -> dict[str, str]:
    """Every character that needs replacing, with its replacement.

    Digits of any script or form (Thai, full-width, superscript ², circled ①)
    become ASCII: NFKC does most, the decimal value the rest. Vulgar fractions
    (½) become "1/2". Odd spaces become " ", invisible characters (zero-width,
    soft hyphen, BOM, controls) go, line separators become "\\n". Built at import
    from the running Python's Unicode database; digits live in the first two
    planes only (the last is U+1FBF9), which keeps this to a few milliseconds.
    """
    fixes: dict[str, str] = {}
    for ch in filter(str.isdigit, map(chr, range(0x80, 0x20000))):
        folded = unicodedata.normalize("NFKC", ch)
        if not folded.isascii():
            folded = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in folded)
        fixes[ch] = folded
    for ch in "\u00bc\u00bd\u00be" + "".join(map(chr, range(0x2150, 0x2160))) + "\u2189":
        fixes[ch] = unicodedata.normalize("NFKC", ch).replace("\u2044", "/")
    for ch in "\t\x0b\x0c\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))):
        fixes[ch] = " "
    for ch in "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\x7f" + "".join(map(chr, range(0x20))):
        fixes.setdefault(ch, "")
    for ch in "\r\x85\u2028\u2029":
        fixes[ch] = "\n"
    # Minus and hyphen look-alikes, the one-dot leader, full-width %, degree look-alikes (º, ˚).
    fixes.update({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2024": ".", "\uff05": "%"})
    fixes.update({"\u00ba": "°", "\u02da": "°"})
    fixes.pop("\n", None)
    return fixes


_FIXES = _char_fixes()
# Characters ordinary Vietnamese text is made of: ASCII, Latin letters and marks,
# and the usual dashes, quotes and ellipsis. Anything else is looked up in
# _FIXES; testing this one class is what keeps the pass fast.
_UNUSUAL = re.compile(
    r"(?P<degree>[\u2070\u1d52](?=[CF]\b))|[^\n -~\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff\u2012-\u2023\u2025-\u2027]"
)
_RUNS_OF_SPACES = re.compile(r" {2,}")
_SPACE_AROUND_LINES = re.compile(r" *\n *")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# "./." closes official documents: it is the end of the text, not something to read.
_END_MARK = re.compile(r"\s*\./\.(?=\s|$)")


def _fix(match: re.Match) -> str:
    # A superscript zero or small o before C or F was typed for the degree sign (-70 ⁰C).
    return "°" if match["degree"] else _FIXES.get(match.group(), match.group())


def prepare(text: str) -> str:
    """NFC, ASCII digits, plain spaces, no entities or end mark: the form every rule expects."""
    text = nfc(text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _UNUSUAL.search(text):
        text = nfc(_UNUSUAL.sub(_fix, text))
    if "/." in text:
        text = _END_MARK.sub(".", text)
    return tidy(text)


def tidy(text: str) -> str:
    """One space between words, none at line ends; run last, after rules that insert words."""
    return _SPACE_AROUND_LINES.sub("\n", _RUNS_OF_SPACES.sub(" ", text)).strip(" ")
