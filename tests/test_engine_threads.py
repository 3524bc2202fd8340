"""One engine shared by many threads: no corrupt reads, and a rebuild switched in without a stall."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from index.build import build
from search.engine import SearchEngine
from search.storage.generations import IndexStore
from tests.factories import write_jsonl

QUERIES = ["ubnd tỉnh", "tuyen sinh lop 10", "dịch vụ công trực tuyến", "nông dân hạn mặn", "lễ hội", "chuyển đổi số"]


def test_searches_and_article_reads_from_many_threads_agree_with_one_thread(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    # Written by parallel workers: segments read through plain files (seek, then read).
    build([str(write_jsonl(tmp_path / "a.jsonl", 600))], store, jobs=2)
    expected = {q: [h.id for h in SearchEngine(store).search(q).results] for q in QUERIES}
    shared = SearchEngine(store)  # cold: every thread also reads posting lists and tables

    def work(n: int) -> tuple[str, list[str], str | None]:
        query = QUERIES[n % len(QUERIES)]
        article = shared.article(f"bai-{n % 600:05d}")
        return query, [h.id for h in shared.search(query).results], article.id if article else None

    with ThreadPoolExecutor(max_workers=16) as pool:
        for n, (query, found, article_id) in enumerate(pool.map(work, range(400))):
            assert found == expected[query]
            assert article_id == f"bai-{n % 600:05d}"


def test_a_new_generation_is_served_once_ready_and_the_old_one_until_then(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 50))], store, jobs=1)
    engine = SearchEngine(store)
    engine.warm(wait=True)
    build([str(write_jsonl(tmp_path / "b.jsonl", 80, start=1000))], store, jobs=1)
    first = engine.search("ubnd tỉnh")  # answered at once, by whichever generation is ready
    assert first.total > 0
    engine.warm(wait=True)
    assert engine.generation.name == "gen-000002"
    assert all(hit.id >= "bai-01000" for hit in engine.search("ubnd tỉnh", per_page=100).results)


def test_a_new_generation_takes_over_with_the_posting_lists_searches_read_last(tmp_path: Path) -> None:
    from search.storage.schema import ALL_FOLDED

    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 50))], store, jobs=1)
    engine = SearchEngine(store)
    engine.warm(wait=True)
    engine.search("tuyen sinh lop 10")
    build([str(write_jsonl(tmp_path / "b.jsonl", 80, start=1000))], store, jobs=1)
    engine.warm(wait=True)
    assert engine.generation.name == "gen-000002"
    warm = engine._current().columns.recent_terms(1000)
    assert {(ALL_FOLDED, s) for s in ("tuyen", "sinh", "lop", "10")} <= set(warm)


def test_searches_go_on_while_a_new_generation_is_being_opened(tmp_path: Path, monkeypatch) -> None:
    """Opening a generation reads for a second or more on a large index; requests
    must not queue behind it (they did: a 3 s stall at every switch under load)."""
    import threading

    from search.storage.generations import Generation

    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 50))], store, jobs=1)
    engine = SearchEngine(store)
    engine.warm(wait=True)
    build([str(write_jsonl(tmp_path / "b.jsonl", 80, start=1000))], store, jobs=1)

    release, opening = threading.Event(), threading.Event()
    real_open = Generation.open

    def slow_open(self):
        if self.name == "gen-000002" and threading.current_thread() is not threading.main_thread():
            opening.set()
            release.wait(60)
        return real_open(self)

    monkeypatch.setattr(Generation, "open", slow_open)
    answered: list[int] = []
    searching = threading.Thread(target=lambda: answered.append(engine.search("ubnd tỉnh").total))
    searching.start()
    assert opening.wait(30)
    searching.join(30)
    try:
        assert answered and answered[0] > 0, "a search waited for the new generation to open"
        assert engine.generation.name == "gen-000001"
    finally:
        release.set()
    engine.warm(wait=True)
    assert engine.generation.name == "gen-000002"
