"""Unicode helpers shared by every stage, so that all text inside is NFC and folds one way."""

from __future__ import annotations

import re
import unicodedata

# Vietnamese letters whose base is not reached by stripping combining marks.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "D"})
# Only runs that need changing: a lone ordinary space is left alone, which keeps
# this pass cheap on large bodies (most spaces are already single).
_SPACE_CLASS = r"\t\u00a0\u2000-\u200b\u202f\u205f\u3000"
_SPACES = re.compile(rf"[{_SPACE_CLASS}][ {_SPACE_CLASS}]*| [ {_SPACE_CLASS}]+")
# Lone surrogates too: they are not characters, and no UTF-8 page, index or JSON can hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\ud800-\udfff]")


def nfc(text: str) -> str:
    """Normalize to NFC, the one form everything inside Bantin is compared in."""
    # The quick check is far cheaper than normalizing text that is already NFC.
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC, control characters and lone surrogates removed, runs of (no-break) spaces collapsed, trimmed."""
    return _SPACES.sub(" ", _CONTROL.sub("", nfc(text))).strip()


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch)[0]
    return base.translate(_EXTRA_FOLDS)


# Folding is per character so that offsets in folded text match the NFC original;
# a table built once keeps the hot loop in C (str.translate).
_FOLD_TABLE: dict[int, str] = {}
for _cp in range(0x00C0, 0x1FFF):
    _ch = chr(_cp)
    if unicodedata.category(_ch).startswith("L"):
        _folded = _fold_char(_ch)
        if _folded != _ch and _folded.isascii():
            _FOLD_TABLE[_cp] = _folded
_FOLD_TABLE.update({ord("đ"): "d", ord("Đ"): "D"})
# The reverse, lowercase only: each ASCII letter -> the letters that fold to it.
FOLDS_TO: dict[str, str] = {}
for _cp, _folded in sorted(_FOLD_TABLE.items()):
    if chr(_cp).islower():
        FOLDS_TO[_folded] = FOLDS_TO.get(_folded, "") + chr(_cp)


def fold(text: str) -> str:
    """Remove Vietnamese diacritics (and `đ` -> `d`), keeping length and offsets.

    Expects NFC input: each precomposed letter maps to exactly one ASCII letter,
    so character offsets computed on the original are valid on the folded text.
    """
    return text.translate(_FOLD_TABLE)


# `tỷ`/`tỉ`, `kỹ`/`kĩ`, `lý`/`lí`, `quy`/`qui`: after a consonant, a syllable's lone
# final vowel is spelt `y` or `i` for one sound, and both spellings are in use
# (corpus: `tỷ lệ` 1,822, `tỉ lệ` 337; `quy định` 3,625, `qui định` 771).
_LONE_Y = re.compile(r"(?<![a-z0-9])(ch|gh|kh|ngh|ng|nh|ph|th|tr|qu|[bcdghklmnprstvx])y(?![a-z0-9])")


def fold_term(text: str) -> str:
    """The form search compares syllables in: lowercase NFC `text` folded, `y` after a consonant as `i`.

    Keeps the length, like `fold`. Only for matching: the text shown keeps its spelling.
    """
    folded = fold(text)
    # Most syllables have no `y`: the check is cheap, the substitution is not.
    return _LONE_Y.sub(r"\1i", folded) if "y" in folded else folded


# What a Vietnamese syllable looks like once folded: onset, vowel nucleus, final
# consonant. Written with no mark at all, fewer nuclei are possible: `ca`, `tu`,
# but not `eu` (only `êu` is Vietnamese), so `EU` is never taken for a word.
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
_PLAIN_NUCLEI = "uya|uyu|oai|oay|oao|oeo|ai|ao|au|ay|eo|ia|iu|oa|oe|oi|oo|ua|ui|uy"
_FOLDED_NUCLEI = "uye|uya|uyu|ieu|yeu|oai|oay|oeo|uay|uoi|uou|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye"
_SYLLABLE_SHAPE = re.compile(f"{_ONSET}(?:{_FOLDED_NUCLEI}|[aeiouy]){_CODA}")
_PLAIN_SYLLABLE_SHAPE = re.compile(f"{_ONSET}(?:{_PLAIN_NUCLEI}|[aeiouy]){_CODA}")


def plain_syllable_shaped(folded: str) -> bool:
    """Whether a lowercase token with no marks could be a Vietnamese syllable written so."""
    return _PLAIN_SYLLABLE_SHAPE.fullmatch(folded) is not None


def syllable_shaped(folded: str) -> bool:
    """Whether a folded, lowercase token could be written as a Vietnamese syllable
    (`sen`, `ca`), unlike an abbreviation (`ubnd`) or a slip (`sinnh`)."""
    return _SYLLABLE_SHAPE.fullmatch(folded) is not None


def has_diacritics(text: str) -> bool:
    """True if folding would change the text: the user typed Vietnamese marks."""
    return fold(text) != text


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lowercase, hyphen-separated: readable and safe in URLs and file names."""
    slug = _SLUG_DROP.sub("-", fold(nfc(text)).lower()).strip("-")
    return slug[:max_length].rstrip("-")
