"""Where a syllable's tone mark sits: `hòa` and `hoà` are one word in two spellings.

Vietnamese writes the tone of `oa`, `oe` and `uy` ending a syllable on either
vowel: the traditional style (`hòa`, `khỏe`, `thủy`) and the 1980s school style
(`hoà`, `khoẻ`, `thuỷ`) are both in use, often in one newspaper. Folding drops
the tone and already joins them, but the accented terms and pyvi (which
segments `Hoà giải` as one word and `Hòa giải` as two) need one spelling, or a
query typed `hòa giải` misses the exact match in an article written `hoà giải`.

The traditional style is the standard here: it is three to four times as common
in the corpus (`hòa` 5,023 against `hoà` 2,457, `hóa` 11,124 against `hoá`
2,802), and suggestions are shown in it. Every other syllable has one place for
its tone, so only these three pairs move.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _spellings() -> dict[str, str]:
    """School-style pair -> traditional pair, in every tone and case: `oà` -> `òa`."""
    pairs: dict[str, str] = {}
    for first, second in ("oa", "oe", "uy"):
        for tone in _TONES:
            for upper_first, upper_second in itertools.product((False, True), repeat=2):
                a = first.upper() if upper_first else first
                b = second.upper() if upper_second else second
                school = a + unicodedata.normalize("NFC", b + tone)
                traditional = unicodedata.normalize("NFC", a + tone) + b
                pairs[school] = traditional
    return pairs


_TRADITIONAL = _spellings()
_SCHOOL = {traditional: school for school, traditional in _TRADITIONAL.items()}


def _pattern(pairs: list[str]) -> re.Pattern[str]:
    """Two letters that may be one of `pairs`, ending a syllable, not after `q`
    (`quý`: there `y` is the only vowel); the caller looks the match up.

    One pair of character classes: an alternation of the sixty pairs was tried
    at every character of every field, 5 ms per article.
    """
    firsts = "".join(sorted({pair[0] for pair in pairs}))
    seconds = "".join(sorted({pair[1] for pair in pairs}))
    return re.compile(f"(?<![qQ])[{firsts}][{seconds}](?!\\w)")


_SCHOOL_PAIRS = _pattern(list(_TRADITIONAL))
_TRADITIONAL_PAIRS = _pattern(list(_SCHOOL))


def standard_tones(text: str) -> str:
    """NFC `text` with each tone where the traditional style puts it: `Hoà giải` -> `Hòa giải`.

    Keeps the length, so offsets found in the result are offsets in `text`.
    """
    return _SCHOOL_PAIRS.sub(lambda match: _TRADITIONAL.get(match.group(0), match.group(0)), text)


def tone_spellings(syllable: str) -> set[str]:
    """Both ways of writing `syllable`: what an article may hold where the index holds one."""
    standard = standard_tones(syllable)
    return {standard, _TRADITIONAL_PAIRS.sub(lambda match: _SCHOOL.get(match.group(0), match.group(0)), standard)}
