"""Bytes to NFC text, for the encodings Vietnamese portal exports actually come in.

Staff hand us files saved by many tools over many years: UTF-8 (with or without a
BOM), UTF-16 from Windows "Unicode" saves (sometimes without a BOM), and
Windows-1258, the Vietnamese code page, which writes tones as separate combining
marks. The order of the checks matters: a file that is valid UTF-8 is always
read as UTF-8, because every other guess can turn valid text into mojibake. The
one exception is NUL bytes, which text never contains: they mean UTF-16 or binary.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from index.sources.errors import SourceError
from search.language.text import nfc

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-16 without a BOM is recognised by its NUL bytes: ASCII letters, digits and
# spaces (most characters even in Vietnamese) have a zero high byte.
_UTF16_SAMPLE = 4096
_UTF16_MIN_NUL_SHARE = 0.3
_UTF16_MAX_OTHER_NUL_SHARE = 0.05
# Windows-1258 writes the five Vietnamese tones as combining marks after a letter.
_CP1258_TONE_AFTER_LETTER = re.compile(r"[^\W\d_][\u0300\u0301\u0303\u0309\u0323]")
_CP1258_TONE = re.compile(r"[\u0300\u0301\u0303\u0309\u0323]")
_NON_ASCII_DECODED = re.compile(r"[^\x00-\x7f\ufffd]")
# A UTF-8 file with a few damaged bytes (cut off mid-character, one bad byte) is
# still UTF-8; more than this share of errors means it is some other encoding.
_UTF8_MAX_ERROR_SHARE = 0.001


def decode_bytes(data: bytes) -> str:
    """Decode a source file to NFC text, or raise `SourceError` saying why it is not text."""
    text = _decode(data)
    if not text.strip():
        raise SourceError("empty file")
    # Line by line: CPython normalizes a 30 MB string ~40x slower than its lines one
    # at a time, and no composition spans a newline, so the result is the same.
    return "\n".join(map(nfc, text.split("\n")))


def _decode(data: bytes) -> str:
    if not data:
        raise SourceError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)
    encoding = _bomless_utf16(data)
    if encoding:
        return _strict(data, encoding)
    if b"\x00" in data:
        raise SourceError("binary file (not text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _damaged_utf8(data) or _cp1258(data) or _best_guess(data)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(f"invalid {encoding.upper()} text at byte {exc.start}") from None


def _bomless_utf16(data: bytes) -> str | None:
    sample = data[: _UTF16_SAMPLE - _UTF16_SAMPLE % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0) / pairs, sample[1::2].count(0) / pairs
    if odd >= _UTF16_MIN_NUL_SHARE and even <= _UTF16_MAX_OTHER_NUL_SHARE:
        return "utf-16-le"
    if even >= _UTF16_MIN_NUL_SHARE and odd <= _UTF16_MAX_OTHER_NUL_SHARE:
        return "utf-16-be"
    return None


def _damaged_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    # Without some correctly encoded non-ASCII characters there is no evidence of UTF-8.
    if _NON_ASCII_DECODED.search(text) and errors <= max(1, len(data) * _UTF8_MAX_ERROR_SHARE):
        return text
    return None


def _cp1258(data: bytes) -> str | None:
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    tones = len(_CP1258_TONE.findall(text))
    if tones and len(_CP1258_TONE_AFTER_LETTER.findall(text)) == tones:
        return text
    return None


def _best_guess(data: bytes) -> str:
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        raise SourceError("binary file (not text)")
    return str(match)
