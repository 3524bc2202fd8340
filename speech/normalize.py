"""A deliberately minimal stand-in for the Vietnamese normalizer, replaced by the full one on merge.

Only the two functions the audio pipeline calls are here, with the same
signatures as the full normalizer (numbers, dates, abbreviations, ... are read
there, not here): the audio code depends on nothing else from this module.
"""

from __future__ import annotations

import re

from search.text import clean_line

# A candidate break: sentence punctuation, maybe closing quotes or brackets, then space.
_BREAK = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
_OPENERS = "\"'“‘(["


def normalize(text: str) -> str:
    """NFC, control characters dropped, spaces (no-break ones too) collapsed."""
    return clean_line(text)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each trimmed; none empty.

    A sentence ends at . ! ? or … (closing quotes kept with it) when the next
    word starts with a capital letter, a digit or an opening quote.
    """
    text = clean_line(text)
    sentences, start = [], 0
    for match in _BREAK.finditer(text):
        following = text[match.end() : match.end() + 2].lstrip(_OPENERS)[:1]
        if following and (following.isupper() or following.isdigit()):
            sentences.append(text[start : match.end()].strip())
            start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]
