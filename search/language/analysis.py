"""Vietnamese analyzers for Whoosh: normalize | segment | lowercase | fold.

Whoosh pickles analyzers into the index schema, so these classes hold no model
state (the segmenter loads its model lazily per process) and live in this
importable module. Writer and reader use the same instances through the schema.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from search.language.roman import roman_value
from search.language.segmenter import segment
from search.language.text import fold_term, nfc
from search.language.tones import standard_tones

_WORDLIKE = re.compile(r"\w")
SYLLABLE = re.compile(r"\w+")  # what a syllable is, for every part of Bantin


class _OffsetTokenizer(Tokenizer):
    """Turns the (text, start, end) pieces a subclass finds in NFC text into Whoosh tokens."""

    # Where the tone sits matters to accented terms; folding drops it anyway.
    standard_tones = True

    @abstractmethod
    def pieces(self, text: str, indexing: bool) -> Iterator[tuple[str, int, int]]:
        """Each token's text and where it sits in `text`; a piece where the one
        before it sits is another form of that word, at the same position."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = nfc(value)
        if self.standard_tones:  # one spelling of `hòa`/`hoà` before pyvi sees it, so both segment alike
            text = standard_tones(text)
        pieces = self.pieces(text, mode == "index") if tokenize else iter([(text, 0, len(text))])
        pos, last_start = start_pos - 1, -1
        for piece, start, end in pieces:
            token.alternative = start == last_start
            if not token.alternative:
                pos, last_start = pos + 1, start
            token.text = piece
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = piece
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class VietnameseWordTokenizer(_OffsetTokenizer):
    """Yields pyvi words (`quy_chế`), keeping the case the model needs to segment well."""

    def pieces(self, text: str, indexing: bool) -> Iterator[tuple[str, int, int]]:
        for word in segment(text):
            if _WORDLIKE.search(word.text):
                yield word.text.replace(" ", "_"), word.start, word.end


class SyllableTokenizer(_OffsetTokenizer):
    """Yields syllables (runs of word characters) of NFC text, with offsets.

    No model involved: the folded field must match queries typed without
    diacritics, which pyvi cannot segment.
    """

    def pieces(self, text: str, indexing: bool) -> Iterator[tuple[str, int, int]]:
        """An ordinal's Roman numeral is indexed as written and as its number
        (`Phần IV`: `iv` and `4`), so that `phần 4` and `sản phẩm iv` both find
        it; a query asks for the number only when its cue says it is one."""
        previous = ""
        for match in SYLLABLE.finditer(text):
            syllable = match.group(0)
            number = _numbered(previous, syllable)
            if number == syllable or indexing:
                yield syllable, match.start(), match.end()
            if number != syllable:
                yield number, match.start(), match.end()
            previous = syllable


# Words after which a Roman numeral is an ordinal number: `thế kỷ XXI` is
# `thế kỷ 21`, `Đại hội XIII` is `Đại hội 13`, `khóa XV` is `khóa 15`. Elsewhere
# `VI` may be `vi` in a headline written in capitals, so it is left alone.
_ORDINAL_CUES = frozenset("kỷ kỉ khóa khoá hội thứ chương phần mục tập".split())


def _numbered(previous: str, syllable: str) -> str:
    """`syllable` as an Arabic number if it is a Roman numeral after an ordinal cue."""
    # Checked first, for every syllable indexed: almost none starts with a numeral letter.
    if syllable[0] not in "IVX" or previous.lower() not in _ORDINAL_CUES:
        return syllable
    value = roman_value(syllable)
    return syllable if value is None else str(value)


class FoldedSyllableTokenizer(SyllableTokenizer):
    """Syllables for the folded fields, where the tone is dropped: no need to move it first."""

    standard_tones = False


class FoldFilter(Filter):
    """Removes Vietnamese diacritics (`đ` -> `d`) so `quy che` meets `quy chế`, and `tỉ` meets `tỷ`."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold_term(token.text)
            yield token


class BigramFilter(Filter):
    """Joins each syllable to the next (`quy`, `che`, `dan` -> `quy_che`, `che_dan`).

    A bigram match is a cheap stand-in for proximity: it says two query syllables
    stand side by side in the document without reading positions at query time.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous: str | None = None
        for token in tokens:
            if token.alternative:  # the number beside a Roman numeral: pairs are made of what is written
                continue
            current = token.text
            if previous is not None:
                token.text = previous + "_" + current
                yield token
            previous = current


def word_analyzer():
    """Words as pyvi segments them, lowercased after segmentation: `Quy chế` -> `quy_chế`."""
    return VietnameseWordTokenizer() | LowercaseFilter()


def syllable_analyzer():
    """Syllables with their diacritics: `Quy chế` -> `quy`, `chế`.

    Folding makes `bà`, `bá` and `ba` one term; a query typed with diacritics
    says which one is meant, and this is where that is matched.
    """
    return SyllableTokenizer() | LowercaseFilter()


def folded_analyzer():
    """Syllables without diacritics: `Quy chế` -> `quy`, `che`."""
    return FoldedSyllableTokenizer() | LowercaseFilter() | FoldFilter()


def bigram_analyzer():
    """Pairs of adjacent folded syllables: `Quy chế dân` -> `quy_che`, `che_dan`."""
    return folded_analyzer() | BigramFilter()
