"""A generation's postings and per-document columns as numpy arrays.

Whoosh scores one document at a time in Python: a two-word query matching five
thousand articles cost a hundred milliseconds. Read as arrays, the same posting
lists are matched, scored and counted in a few vectorized operations; Whoosh
still stores the index and serves the lexicon, phrases, snippets and stored
fields.

Posting lists are read block by block (each Whoosh block is one pickled tuple
of ids, weights and values) and decoded with numpy, never posting by posting.
That leans on the layout of Whoosh's W3 codec, which is why the Whoosh
distribution is pinned; `tests/test_postings.py` checks the arrays against
Whoosh's own matcher.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from typing import TypeVar

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util.numeric import byte_to_length

T = TypeVar("T")
# Enough for every folded syllable of a large corpus and its common words, bigrams.
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
NO_DATE = np.iinfo(np.int32).min
_DAY = 86_400_000_000  # microseconds
_CALENDAR_END = dt.date.max.toordinal() * _DAY


@dataclass(frozen=True)
class Postings:
    """Documents holding a term (ascending, live ones only) and its frequency in each."""

    ids: np.ndarray  # int32
    freqs: np.ndarray  # float32

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.freqs.nbytes


EMPTY = Postings(np.empty(0, np.int32), np.empty(0, np.float32))


def _leaf_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Ids and weights of one segment's posting list."""
    if isinstance(matcher, W3LeafMatcher):
        id_blocks: list[np.ndarray] = []
        weight_blocks: list[np.ndarray] = []
        while matcher.is_active():
            matcher._read_data()
            ids, weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            ids = np.asarray(ids, dtype=np.int64)
            id_blocks.append(ids if matcher._byteids else np.cumsum(ids))
            if weights is None or isinstance(weights, float):
                weight_blocks.append(np.full(count, 1.0 if weights is None else weights, np.float32))
            else:
                weight_blocks.append(np.asarray(weights, dtype=np.float32))
            matcher._next_block()
        if not id_blocks:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        return np.concatenate(id_blocks), np.concatenate(weight_blocks)
    # Inlined postings (rare terms) and any other matcher: the public API.
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)


# Whoosh stores a field's length per document as one byte; this decodes all 256.
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def _leaf_lengths(leaf, field: str) -> np.ndarray:
    """One segment's length column read whole (a segment without the field has none)."""
    size = leaf.doc_count_all()
    column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    codes = np.zeros(size, dtype=np.uint8)
    if column is not None:
        stored = min(column._count, size)  # documents past the end hold the default, 0
        codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return _BYTE_LENGTHS[codes]


class ArrayCache:
    """Arrays by key, least recently used dropped past a size in bytes; safe across threads.

    Two requests missing the same key both compute it (the first stored wins):
    cheaper than making one wait on the other's read.
    """

    def __init__(self, limit_bytes: int) -> None:
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._limit = limit_bytes
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T], size: Callable[[T], int]) -> T:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if key not in self._items:
                nbytes = size(value)
                self._items[key] = (value, nbytes)
                self._bytes += nbytes
                while self._bytes > self._limit and len(self._items) > 1:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self._bytes -= dropped
        return value

    def recent_keys(self, limit: int) -> list[Hashable]:
        """The `limit` most recently used keys, most recent first."""
        with self._lock:
            return list(reversed(self._items))[:limit]


class Columns:
    """Arrays of one open reader, computed on first use and then shared by every request.

    Document numbers are the reader's (segment offset added), so they index
    Whoosh's stored fields directly.
    """

    def __init__(self, reader: IndexReader, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._reader = reader
        self._leaves = list(reader.leaf_readers())
        self.size = reader.doc_count_all()
        self.doc_count = reader.doc_count()
        self._postings = ArrayCache(cache_bytes)
        self._lengths: dict[str, np.ndarray] = {}
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._dates: np.ndarray | None = None
        alive = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            alive[:] = False
            alive[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.alive = alive

    def postings(self, field: str, term: str) -> Postings:
        return self._postings.get((field, term), lambda: self._read(field, term), lambda p: p.nbytes)

    def _read(self, field: str, term: str) -> Postings:
        raw = term.encode("utf-8")
        id_parts: list[np.ndarray] = []
        freq_parts: list[np.ndarray] = []
        for leaf, offset in self._leaves:
            try:
                matcher = leaf.postings(field, raw)
            except TermNotFound:
                continue
            if isinstance(matcher, FilterMatcher):
                # A segment with deletions wraps its postings in a filter read one
                # posting at a time; `alive` drops the deleted ones below instead.
                matcher = matcher.child
            ids, freqs = _leaf_arrays(matcher)
            id_parts.append(ids + offset)
            freq_parts.append(freqs)
        if not id_parts:
            return EMPTY
        ids = np.concatenate(id_parts).astype(np.int32)
        freqs = np.concatenate(freq_parts)
        live = self.alive[ids]
        if not live.all():
            ids, freqs = ids[live], freqs[live]
        return Postings(ids, freqs)

    def recent_terms(self, limit: int) -> list[tuple[str, str]]:
        """(field, term) of the posting lists read last, most recent first."""
        return self._postings.recent_keys(limit)  # type: ignore[return-value]

    def lengths(self, field: str) -> np.ndarray:
        """Each document's length in `field` (Whoosh's one-byte approximation), float32."""
        found = self._lengths.get(field)
        if found is None:
            parts = [_leaf_lengths(leaf, field) for leaf, _ in self._leaves]
            found = np.concatenate(parts) if parts else np.empty(0, np.float32)
            self._lengths[field] = found
        return found

    def average_length(self, field: str) -> float:
        return max(self._reader.field_length(field) / max(self.doc_count, 1), 1.0)

    def _column(self, field: str, translate: bool) -> list:
        """Every document's value of a sortable column, segment by segment (Whoosh's
        multi-segment column reader fails on some layouts)."""
        values: list = []
        for leaf, _ in self._leaves:
            values.extend(leaf.column_reader(field, translate=translate))
        return values

    def codes(self, field: str) -> tuple[np.ndarray, list[str]]:
        """A sortable ID field as integer codes per document, and the value of each code ("" = none)."""
        found = self._codes.get(field)
        if found is None:
            values: dict[str, int] = {"": 0}
            codes = np.zeros(self.size, dtype=np.int32)
            for docnum, value in enumerate(self._column(field, translate=True)):
                if isinstance(value, bytes):
                    value = value.decode("utf-8")
                codes[docnum] = values.setdefault(value or "", len(values))
            found = (codes, list(values))
            self._codes[field] = found
        return found

    def dates(self) -> np.ndarray:
        """Publication day of each document as a proleptic ordinal, NO_DATE where unknown."""
        if self._dates is None:
            # Raw column values are microseconds since datetime.min; an article
            # without a date holds a sentinel outside the calendar.
            days = np.full(self.size, NO_DATE, dtype=np.int32)
            for docnum, value in enumerate(self._column("date", translate=False)):
                if isinstance(value, int) and 0 <= value < _CALENDAR_END:
                    days[docnum] = value // _DAY + 1
            self._dates = days
        return self._dates

    def warm(self, fields: Sequence[str]) -> None:
        """Compute the per-document arrays now, off the request path."""
        for field in fields:
            self.lengths(field)
        self.codes("category")
        self.codes("year")
        self.dates()
