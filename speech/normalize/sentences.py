"""Splitting article text into sentences, for chunking speech and for read-along.

Split first, normalize each sentence after: sentences are exact substrings of
the article (so the reader can highlight them), and `normalize` keeps a
sentence's closing punctuation. Splitting normalized text works too, since
normalization only removes dots (from numbers and abbreviations).

A sentence ends at `.`, `!`, `?`, `…` or the `./.` end mark, with any closing
quotes or brackets, when whitespace and then the start of a new sentence (a
capital, a digit, an opening quote, bracket or dash) follow. So no split
inside `TP.HCM`, `1.665.978`, `28/5` or `0,5` (no space after the dot), nor
after a title or one-letter initial (`TS. Nguyễn`, `TP. Vinh`, `Nguyễn V. An`)
or a list marker (`1. Giấy khai sinh`), nor at an ellipsis inside quotation
marks. Every line is at least one sentence.
"""

from __future__ import annotations

import re

_CLOSERS = "\"'”’»)]"
_BOUNDARY = re.compile(rf"(\./\.|\.{{2,}}|…|[.!?]+)[{re.escape(_CLOSERS)}]*(?=\s+(\S))")
_OPENERS = "0123456789“\"‘'(«[-–—"
# Words written with a dot before a name or a place: the dot never ends a sentence.
_TITLES = frozenset(
    "TP Tp TX TT GS PGS TS TSKH ThS Ths Th BS Bs KS LS CN NSND NSƯT NGƯT TTƯT St Mr Mrs Ms Dr Prof Man".split()
)
_WORD_BEFORE = re.compile(r"(\S+)$")
# "1.", "a.", "IV." opening a line are list markers, not sentences.
_LIST_MARKER = re.compile(r"\s*(?:\d{1,3}|[a-zA-Z]|[IVX]{1,4})\.")
_LINES = re.compile(r"[^\n]+")


def _inside_quotes(line: str, end: int) -> bool:
    before = line[:end]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _ends_here(line: str, match: re.Match) -> bool:
    mark = match.group(1)
    if mark == "./.":
        return True
    first = match.group(2)
    if not (first.isupper() or first in _OPENERS):
        return False
    if mark == "…" or mark.startswith(".."):
        return not _inside_quotes(line, match.end())
    if mark == ".":
        word = _WORD_BEFORE.search(line, 0, match.start())
        token = word.group(1).lstrip("(\"“'‘") if word else ""
        # Titles may be chained: "PGS.TS. Nguyễn", "PGS,TS. Lê".
        if all(piece in _TITLES for piece in re.split(r"[.,]", token) if piece) and token:
            return False
        if len(token) == 1 and token.isupper():
            return False
    return True


def _cuts(line: str) -> list[int]:
    """Where sentences end in one line; the line's end is always one."""
    cuts: list[int] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if _ends_here(line, match) and not _LIST_MARKER.fullmatch(line, start, match.end()):
            cuts.append(match.end())
            start = match.end()
    return [*cuts, len(line)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, whitespace excluded: `text[start:end]` is the sentence."""
    spans: list[tuple[int, int]] = []
    for line in _LINES.finditer(text):
        content, cut = line.group(), 0
        for end in _cuts(content):
            piece = content[cut:end]
            stripped = piece.strip()
            if stripped:
                begin = line.start() + cut + (len(piece) - len(piece.lstrip()))
                spans.append((begin, begin + len(stripped)))
            cut = end
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, stripped; empty lines give none."""
    return [text[start:end] for start, end in sentence_spans(text)]
