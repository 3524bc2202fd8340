"""Opening a generation reads its files as needed; it does not copy them into memory.

Over an mmap, Whoosh wraps each file of a segment in a BytesIO, a private copy:
every server process held the whole index twice and a build's final check
spiked by the index's size.
"""

from __future__ import annotations

import os

import psutil
from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, Schema

from search.storage.generations import Generation

BLOB_MB = 48


def _private_mb() -> float:
    return psutil.Process().memory_full_info().uss / 2**20


def test_opening_a_reader_does_not_copy_the_segment_into_memory(tmp_path) -> None:
    path = tmp_path / "gen-000001"
    path.mkdir()
    ix = whoosh_index.create_in(str(path), Schema(id=ID(stored=True, unique=True), blob=STORED))
    with ix.writer() as writer:
        for n in range(BLOB_MB):
            writer.add_document(id=str(n), blob=os.urandom(2**20))
    del ix
    assert sum(f.stat().st_size for f in path.iterdir()) > BLOB_MB * 2**20

    before = _private_mb()
    with Generation(path).open().searcher() as searcher:
        assert searcher.doc_count() == BLOB_MB
        assert len(searcher.document(id="7")["blob"]) == 2**20
        grown = _private_mb() - before
    assert grown < BLOB_MB / 4, f"opening the index took {grown:.0f} MB of private memory"
