"""The numpy view of an index agrees with Whoosh's own reading of it, deletions included."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from whoosh import scoring
from whoosh.query import Term

from index.build import build, update
from search.query.plan import Evidence, QueryPlan, Weights
from search.storage.postings import NO_DATE, Columns
from search.ranking.filters import Filters
from search.ranking.ranker import Ranker
from search.storage.schema import ALL_FOLDED, TEXT_BIGRAMS, folded
from search.storage.generations import IndexStore
from tests.factories import write_jsonl


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """Several segments with deleted documents: 200 built, then 30 changed by an update."""
    root = tmp_path_factory.mktemp("postings")
    store = IndexStore(root / "ix")
    build([str(write_jsonl(root / "a.jsonl", 200))], store, jobs=1)
    changed = write_jsonl(root / "a.jsonl", 30, seed=99)  # ids bai-00000..29, new text
    write_jsonl(root / "b.jsonl", 170, start=200)
    update([str(changed), str(root / "b.jsonl")], store, jobs=1)
    with store.current().open().searcher() as s:
        assert s.reader().has_deletions() and len(list(s.reader().leaf_readers())) > 1
        yield s


def whoosh_postings(searcher, field: str, term: str) -> tuple[list[int], list[float]]:
    ids, weights = [], []
    for leaf, offset in searcher.reader().leaf_readers():
        if (field, term.encode()) not in leaf:
            continue
        matcher = leaf.postings(field, term.encode())
        while matcher.is_active():
            if not leaf.is_deleted(matcher.id()):
                ids.append(matcher.id() + offset)
                weights.append(matcher.weight())
            matcher.next()
    return ids, weights


@pytest.mark.parametrize("field", [ALL_FOLDED, folded("body"), folded("title"), "body", TEXT_BIGRAMS])
def test_posting_arrays_equal_whooshs_matcher(searcher, field: str) -> None:
    columns = Columns(searcher.reader())
    terms = [raw.decode() for raw, _ in searcher.reader().iter_field(field)]
    assert terms
    # Common terms span many blocks; rare ones are inlined in the term info.
    for term in random.Random(1).sample(terms, min(40, len(terms))) + terms[:3]:
        postings = columns.postings(field, term)
        ids, weights = whoosh_postings(searcher, field, term)
        assert postings.ids.tolist() == ids
        assert np.allclose(postings.freqs, weights)
    assert len(columns.postings(field, "không-có-từ-này").ids) == 0


def test_segments_with_deletions_are_read_block_by_block(searcher, monkeypatch) -> None:
    """Whoosh filters deleted documents one posting at a time; after any update
    that made every query read its posting lists in Python, posting by posting."""
    from whoosh.matching.wrappers import FilterMatcher

    def one_posting_at_a_time(self):
        raise AssertionError("posting lists read one posting at a time")

    monkeypatch.setattr(FilterMatcher, "next", one_posting_at_a_time)
    columns = Columns(searcher.reader())
    terms = [raw.decode() for raw, _ in searcher.reader().iter_field(ALL_FOLDED)]
    assert sum(len(columns.postings(ALL_FOLDED, term).ids) for term in terms) > 1000


def test_columns_equal_stored_fields(searcher) -> None:
    columns = Columns(searcher.reader())
    codes, values = columns.codes("category")
    dates = columns.dates()
    lengths = columns.lengths(folded("body"))
    alive = set(searcher.reader().all_doc_ids())
    assert columns.alive.sum() == len(alive) == 370
    for docnum in alive:
        stored = searcher.stored_fields(docnum)
        assert values[codes[docnum]] == stored.get("category", "")
        date = stored.get("date")
        assert dates[docnum] == (date.toordinal() if date else NO_DATE)
        assert lengths[docnum] == searcher.reader().doc_field_length(docnum, folded("body"))


def test_bm25_scores_equal_whooshs(tmp_path) -> None:
    """Without deletions, one term's score is Whoosh's BM25F, with Lucene's idf for Whoosh's."""
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 300))], store, jobs=1)
    weights = Weights(k1=1.4, b=0.6, title_b=0.3)
    with store.current().open().searcher(
        weighting=scoring.BM25F(B=weights.b, K1=weights.k1, title_f_B=weights.title_b)
    ) as s:
        ranker = Ranker(s, Columns(s.reader()))
        for field, term in [(folded("title"), "tinh"), (folded("body"), "xa"), (ALL_FOLDED, "giao")]:
            df, n = s.doc_frequency(field, term), s.doc_count()
            lucene_idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            expected = {
                hit.docnum: hit.score / s.idf(field, term) * lucene_idf
                for hit in s.search(Term(field, term), limit=None)
            }
            plan = QueryPlan(required=(term,), evidence=(Evidence(field, term, 2.0),))
            ids = np.array(sorted(expected), dtype=np.int32)
            got = ranker.scorer.scores(plan, ids, weights)
            assert np.allclose(got, [2.0 * expected[d] for d in ids], rtol=1e-4)


def test_filters_select_by_section_and_inclusive_dates(searcher) -> None:
    columns = Columns(searcher.reader())
    ids = np.flatnonzero(columns.alive).astype(np.int32)
    health = [d for d in ids if searcher.stored_fields(d).get("category") == "Y tế"]
    days = sorted({searcher.stored_fields(d)["date"].date() for d in health})
    start, end = days[1], days[-2]  # both ends are included; days outside exist on both sides
    chosen = Filters(category="Y tế", date_from=start, date_to=end).apply(ids, columns)
    expected = [d for d in health if start <= searcher.stored_fields(d)["date"].date() <= end]
    assert chosen.tolist() == expected
    assert {searcher.stored_fields(d)["date"].date() for d in expected} >= {start, end}
    assert len(expected) < len(health)
    assert len(Filters(category="Không có mục này").apply(ids, columns)) == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_posting_blocks_are_large_and_uncompressed(tmp_path, jobs: int) -> None:
    """The format search/storage/postings.py is fast on, whichever writer (one process or workers) wrote it."""
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 600))], store, jobs=jobs)
    with store.current().open().searcher() as s:
        for leaf, _ in s.reader().leaf_readers():
            matcher = leaf.postings(ALL_FOLDED, b"tinh")  # in nearly every synthetic article
            matcher._read_data()
            assert not matcher._compression
            assert matcher._blocklength == min(512, leaf.doc_frequency(ALL_FOLDED, "tinh")) > 128


def test_array_cache_drops_the_least_recently_used_past_its_size() -> None:
    from search.storage.postings import ArrayCache

    cache, computed = ArrayCache(limit_bytes=250), []

    def get(key: str) -> np.ndarray:
        return cache.get(key, lambda: computed.append(key) or np.zeros(100, np.uint8), lambda a: a.nbytes)

    get("a"), get("b"), get("a"), get("c")  # 300 bytes: "b", the least recently used, goes
    get("a"), get("c"), get("b")
    assert computed == ["a", "b", "c", "b"]
