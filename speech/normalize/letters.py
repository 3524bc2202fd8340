"""Spelling letter codes aloud with Vietnamese letter names.

espeak-ng switches to English for a word it cannot pronounce ("WTO" becomes
"double-u tee oh"), and a Vietnamese listener expects "vê kép tê ô". The names
are the ones used when Vietnamese speakers say an acronym: alphabet names
("bê", "xê", "hát") with the short "lờ", "mờ", "nờ", "rờ" for L, M, N, R
("u bê nờ đê", "hát lờ vê"), and "đê" for D as in "giê đê pê" (GDP).
"""

from __future__ import annotations

import re
import unicodedata

LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "đê", "Đ": "đê",
    "E": "e", "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "giây",
    "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "ô", "Ô": "ô", "Ơ": "ơ",
    "P": "pê", "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "Ư": "ư",
    "V": "vê", "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
}  # fmt: skip

# Upper-case letters that can start or make up an acronym, as a regex class body.
UPPER = "".join(sorted(LETTER_NAMES))
# Every upper-case Vietnamese letter, toned vowels included (for all-caps headlines):
# the capitals whose base letter is A-Z, and Đ.
UPPER_ANY = "A-ZĐ" + "".join(
    ch for ch in map(chr, range(0xC0, 0x1EFA)) if ch.isupper() and "A" <= unicodedata.normalize("NFD", ch)[0] <= "Z"
)

# A Vietnamese syllable: onset, vowel nucleus (with tone marks), coda. All-caps
# words that fit ("THÔNG", "BÁO") are words, not acronyms.
_VOWELS = "aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?[{_VOWELS}]{{1,3}}(?:ch|nh|ng|[cmnpt])?"
)
_VOWEL_SET = frozenset(_VOWELS + _VOWELS.upper())


def spell(letters: str) -> str:
    """Letter by letter: "WTO" -> "vê kép tê ô". Characters without a name are dropped."""
    names = [LETTER_NAMES.get(ch.upper()) for ch in letters]
    return " ".join(name for name in names if name)


_DOUBLED = re.compile(r"([^o])\1")  # "AAA", "EE": no syllable doubles a letter but "oo" (xoong)


def is_syllable(word: str) -> bool:
    """True if the word (any case) could be one Vietnamese syllable."""
    lower = word.lower()
    return _SYLLABLE.fullmatch(lower) is not None and not _DOUBLED.search(lower)


def read_capitals(word: str) -> str:
    """An all-caps word: kept if a syllable or a pronounceable long word, else spelled.

    Short codes (up to five letters) and vowel-poor ones (UBMTTQVN) are spelled;
    a longer word with vowels (HOTLINE, UNESCO) is left for the voice to say as
    a word, which it does better than a string of letter names.
    """
    if is_syllable(word):
        return word
    vowels = sum(ch in _VOWEL_SET for ch in word)
    if len(word) <= 5 or vowels * 10 < len(word) * 3:
        return spell(word)
    return word
