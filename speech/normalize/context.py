"""The word before a match: how rules tell "sáng 28/5" (a date) from "khoảng 1/3" (a fraction).

Rules match on the digits, which lets the regex engine skip ahead to them, and
then look back here for a cue word; a pattern that starts with a list of cue
words would be tried at every position of every article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_REACH = 32  # longer than any cue


def cue_pattern(words: Iterable[str]) -> re.Pattern:
    """A pattern for one of `words` (also with a capital first letter) standing right before a point."""
    forms = sorted({form for word in words for form in (word, word[0].upper() + word[1:])}, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))}) \Z")


def cue_before(pattern: re.Pattern, text: str, start: int) -> str | None:
    """The cue word that ends one space before `start`, as written, or None."""
    match = pattern.search(text, max(0, start - _REACH), start)
    return match.group()[:-1] if match else None
