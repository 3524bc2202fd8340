"""build / update / stats / search through Click's runner on real indexes on disk."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.build import BuilderBusy, _lock, build, update
from search.engine import SearchEngine
from search.storage.generations import IndexStore
from tests.factories import write_jsonl, write_portal
from tests.terminal import bantin_on_terminal
from web.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, index_dir: Path):
    result = CliRunner().invoke(main, [*args, "--index-dir", str(index_dir)], catch_exceptions=False)
    return result


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    write_jsonl(src / "a.jsonl", 30)
    write_portal(src / "nested" / "dan-chu.txt")
    (src / "nested" / "empty.txt").write_bytes(b"")
    (src / "broken.jsonl").write_text('{"id": "x", "title": \n', encoding="utf-8")
    return src


def test_build_stats_search(tmp_path: Path, sources: Path) -> None:
    index_dir = tmp_path / "ix"
    result = run("index", "build", str(sources), index_dir=index_dir)
    assert result.exit_code == 0, result.output
    assert "31 bài" in result.output
    # not a terminal: plain progress lines with the rate and an ETA
    assert "bài/giây" in result.output and "còn khoảng" in result.output
    # each bad source is reported with its path and reason
    assert "empty.txt" in result.output and "broken.jsonl:1" in result.output

    stats = json.loads(run("index", "stats", "--json", index_dir=index_dir).output)
    assert stats["articles"] == 31
    assert stats["generation"] == "gen-000001"
    assert stats["size_bytes"] > 10_000

    for query in ("quy chế dân chủ", "quy che dan chu"):
        out = json.loads(run("search", query, "--json", index_dir=index_dir).output)
        assert out["results"][0]["title"] == "Thực hiện quy chế dân chủ cơ sở ở các xã vùng cao"
        assert set(out) >= {"query", "total", "page", "per_page", "results", "suggestion"}
        assert set(out["results"][0]) == {"id", "url", "title", "date", "category", "snippet", "score"}
        assert "<mark>" in out["results"][0]["snippet"]


def test_env_variable_chooses_index_dir(tmp_path: Path, sources: Path) -> None:
    index_dir = tmp_path / "from-env"
    result = CliRunner().invoke(main, ["index", "build", str(sources)], env={"BANTIN_INDEX_DIR": str(index_dir)})
    assert result.exit_code == 0, result.output
    assert IndexStore(index_dir).current().name == "gen-000001"


def test_update_writes_only_changes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "a.jsonl", 40)
    store = IndexStore(tmp_path / "ix")
    first = build([str(src)], store, jobs=1)
    assert first.indexed == 40

    same = update([str(src)], store, jobs=1)
    assert (same.indexed, same.unchanged, same.generation) == (0, 40, "gen-000001")

    # change one article, add one, drop five
    records = [json.loads(line) for line in (src / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    records[3]["title"] = "Tiêu đề đã sửa về cầu Rạch Miễu"
    records = records[:35] + [dict(records[0], id="bai-moi", title="Bài hoàn toàn mới về lễ hội")]
    (src / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")

    changed = update([str(src)], store, jobs=1)
    assert (changed.indexed, changed.unchanged, changed.deleted) == (2, 34, 0)
    assert changed.total == 41  # nothing deleted without --delete-missing

    engine = SearchEngine(store)
    assert engine.search("cầu Rạch Miễu").results[0].id == "bai-00003"
    assert engine.search("Tiêu đề đã sửa").total == 1

    pruned = update([str(src)], store, delete_missing=True, jobs=1)
    assert (pruned.indexed, pruned.deleted, pruned.total) == (0, 5, 36)
    engine.warm(wait=True)  # the new generation's tables are built in the background
    assert engine.doc_count() == 36  # the engine picked up the new generation by itself
    # only the last two generations are kept
    assert [g.name for g in store.complete_generations()] == ["gen-000002", "gen-000003"]


def test_update_leaves_previous_generation_intact(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "a.jsonl", 20)
    store = IndexStore(tmp_path / "ix")
    build([str(src)], store, jobs=1)
    old = store.current()
    original_title = json.loads((src / "a.jsonl").read_text(encoding="utf-8").splitlines()[0])["title"]
    write_jsonl(src / "a.jsonl", 20, seed=99)  # every article changes
    update([str(src)], store, jobs=1)
    assert store.current().name != old.name
    with old.open().searcher() as searcher:
        assert searcher.doc_count() == 20
        stored = searcher.document(id="bai-00000")
    assert stored["title"] == original_title
    assert SearchEngine(store).article("bai-00000").title != original_title
    assert old.manifest() != store.current().manifest()


def test_parallel_build_gives_the_same_documents(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", 500)
    serial, parallel = IndexStore(tmp_path / "s"), IndexStore(tmp_path / "p")
    build([str(src)], serial, jobs=1)
    build([str(src)], parallel, jobs=2)
    # one segment per worker: the parallel path really ran
    assert len(parallel.current().open().reader().leaf_readers()) == 2
    for store in (serial, parallel):
        assert store.current().open().doc_count() == 500
    a = SearchEngine(serial).search("tuyển sinh lớp 10", per_page=50)
    b = SearchEngine(parallel).search("tuyển sinh lớp 10", per_page=50)
    assert a.total == b.total > 0
    assert {h.id for h in a.results} == {h.id for h in b.results}


def test_second_builder_is_refused(tmp_path: Path, sources: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    with _lock(store):
        with pytest.raises(BuilderBusy):
            build([str(sources)], store)
        result = run("index", "build", str(sources), index_dir=store.root)
        assert result.exit_code != 0
        assert "đang chạy" in result.output
    assert build([str(sources)], store).indexed == 31


def _bantin(*args: str) -> list[str]:
    return [sys.executable, "-c", "from web.cli import main; main()", *args]


def test_concurrent_build_processes_do_not_both_run(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "big.jsonl", 1500)
    index_dir = tmp_path / "ix"
    first = subprocess.Popen(_bantin("index", "build", str(src), "--index-dir", str(index_dir)), cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while not any(index_dir.glob("gen-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(
            _bantin("index", "build", str(src), "--index-dir", str(index_dir)), cwd=REPO, capture_output=True, text=True
        )
        assert second.returncode == 1
        assert "đang chạy" in second.stderr
    finally:
        assert first.wait(timeout=120) == 0
    assert IndexStore(index_dir).current().open().doc_count() == 1500


@pytest.mark.slow
def test_sigkill_mid_build_keeps_previous_generation(tmp_path: Path) -> None:
    small = write_jsonl(tmp_path / "small.jsonl", 25)
    big = write_jsonl(tmp_path / "big.jsonl", 3000, start=5000, words=12)
    store = IndexStore(tmp_path / "ix")
    build([str(small)], store, jobs=1)

    for delay in (1.5, 4.0):  # while reading/adding documents, and later (workers busy)
        proc = subprocess.Popen(
            _bantin("index", "build", str(big), "--index-dir", str(store.root), "--jobs", "2"), cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=False,
        )
        time.sleep(delay)
        assert proc.poll() is None, "the build finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # the previous generation still answers
        assert store.current().name == "gen-000001"
        assert SearchEngine(store).search("tuyển sinh lớp 10").total > 0

    # the killed builder's workers died with it, so the lock is free and the next build succeeds
    report = build([str(small), str(big)], store, jobs=2)
    assert report.total == 3025
    assert not [g for g in store.all_generations() if not g.complete]
    assert SearchEngine(store).doc_count() == 3025


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", 20)
    code, text = bantin_on_terminal("index", "build", str(src), "--index-dir", str(tmp_path / "ix"))
    assert code == 0, text
    assert "20/20" in text and "bài/s" in text and "%|" in text  # tqdm's bar: rate and ETA
