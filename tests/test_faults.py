"""Faults: a builder killed mid-update, a damaged generation, a full disk, a read-only index directory.

In every case the generation that was serving keeps serving, and the next run succeeds.
Tests that need `mount` (root, CAP_SYS_ADMIN) skip when it is not permitted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from index.build import _lock, build, update
from search.engine import SearchEngine
from search.storage.generations import META, POINTER, IndexMissing, IndexStore
from tests.factories import write_jsonl
from web.cli import main

REPO = Path(__file__).resolve().parents[1]

# Runs `bantin ARGS` in a child that SIGKILLs itself at one exact point of an update.
KILL_AT = """
import os, signal, sys
import index.build, index.generations

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[1]
if point == "adding":  # the writer has taken some documents, nothing committed
    real, calls = index.build.to_document, []
    def to_document(article):
        calls.append(1)
        if len(calls) == 10:
            die()
        return real(article)
    index.build.to_document = to_document
elif point == "committed":  # Whoosh committed and the manifest is written; meta.json is not
    real_write = index.generations.write_json
    def write_json(path, data):
        if path.name == "meta.json":
            die()
        real_write(path, data)
    index.generations.write_json = write_json
elif point == "complete":  # complete and durable, but CURRENT not yet switched
    index.build.publish = die

from web.cli import main
main(sys.argv[2:])
"""


def changed_sources(tmp_path: Path) -> tuple[Path, Path]:
    """20 articles, and the same 20 with different text plus 30 new ones."""
    old = write_jsonl(tmp_path / "old.jsonl", 20)
    new = tmp_path / "new.jsonl"
    records = [json.loads(line) for line in write_jsonl(tmp_path / "tmp.jsonl", 50, seed=99).read_text("utf-8").splitlines()]
    for record in records:
        record["title"] += " (bản Zaphod)"
    new.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return old, new


def generation_files(store: IndexStore, name: str) -> dict[str, str]:
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in (store.root / name).iterdir()}


@pytest.mark.parametrize("point", ["adding", "committed", "complete"])
def test_sigkill_during_update_keeps_the_previous_generation_serving(tmp_path: Path, point: str) -> None:
    old, new = changed_sources(tmp_path)
    store = IndexStore(tmp_path / "ix")
    build([str(old)], store, jobs=1)
    serving = SearchEngine(store)
    assert serving.search("Zaphod").total == 0 and serving.doc_count() == 20
    before = generation_files(store, "gen-000001")

    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, point, "index", "update", str(new), "--index-dir", str(store.root), "--jobs", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    assert (store.root / "gen-000002").is_dir()  # it got as far as writing the new generation

    for engine in (serving, SearchEngine(store)):  # the running engine, and one started after the crash
        assert engine.generation.name == "gen-000001"
        assert engine.doc_count() == 20 and engine.search("Zaphod").total == 0
    assert generation_files(store, "gen-000001") == before

    report = update([str(new)], store, jobs=1)
    assert (report.indexed, report.total) == (50, 50)
    serving.warm(wait=True)  # it answers from the old generation until the new one's tables are built
    assert serving.search("Zaphod").total == 50  # the running engine switched by itself
    assert [g.name for g in store.all_generations() if not g.complete] == []


def damage_truncate_segment(gen: Path) -> None:
    segment = next(gen.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])


def damage_remove_toc(gen: Path) -> None:
    next(gen.glob("_MAIN_*.toc")).unlink()


def damage_garbage_meta(gen: Path) -> None:
    (gen / META).write_bytes(b"\x00\xff{garbage")


def damage_half_written_meta(gen: Path) -> None:
    data = (gen / META).read_bytes()
    (gen / META).write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    "damage", [damage_truncate_segment, damage_remove_toc, damage_garbage_meta, damage_half_written_meta]
)
def test_damaged_generation_is_passed_over_for_the_previous_one(tmp_path: Path, damage, caplog) -> None:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 20))], store, jobs=1)
    engine = SearchEngine(store)
    assert engine.search("tuyển sinh lớp 10").total > 0  # serving gen-000001

    # gen-000002 is built from other articles (its own files, no links to gen-000001), then damaged
    # before the engine looks again
    build([str(write_jsonl(tmp_path / "b.jsonl", 5, start=900))], store, jobs=1)
    assert store.pointer() == "gen-000002"
    damage(store.root / "gen-000002")

    with caplog.at_level(logging.WARNING, logger="search.storage.generations"):
        assert store.current().name == "gen-000001"
        assert engine.doc_count() == 20
        assert SearchEngine(store).search("tuyển sinh lớp 10").total == engine.search("tuyển sinh lớp 10").total > 0
    assert "dùng thế hệ gen-000001 vì gen-000002" in caplog.text

    # an update with nothing to change points CURRENT back and clears the damaged generation away
    assert update([str(tmp_path / "a.jsonl")], store, jobs=1).generation == "gen-000001"
    assert (store.pointer(), [g.name for g in store.all_generations()]) == ("gen-000001", ["gen-000001"])
    # and a build succeeds
    assert build([str(tmp_path / "b.jsonl")], store, jobs=1).generation == "gen-000002"


def test_no_sound_generation_is_a_clear_error(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 3))], store, jobs=1)
    damage_remove_toc(store.root / "gen-000001")
    with pytest.raises(IndexMissing, match=r"bị hỏng \(gen-000001 thiếu tệp _MAIN_1.toc\)"):
        store.current()
    result = CliRunner().invoke(main, ["search", "tin", "--index-dir", str(store.root)])
    assert result.exit_code == 1 and "hãy chạy `bantin index build`" in result.output


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[None]:
    """`mount ... target` for the duration, or skip the test where mounting is not permitted."""
    try:
        done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("no mount command")
    if done.returncode != 0:
        pytest.skip(f"mount not permitted here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def worker_processes() -> list[psutil.Process]:
    """The parallel writer's workers: Python children of this process (a browser test's
    Playwright driver may be a child too, and the multiprocessing resource tracker)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.exe() == psutil.Process().exe() and "resource_tracker" not in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # ended meanwhile
            continue
    return found


def test_full_disk_is_a_clear_error_and_the_serving_index_is_untouched(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    small = write_jsonl(tmp_path / "small.jsonl", 20)
    big = write_jsonl(tmp_path / "big.jsonl", 500, start=100)  # enough for the parallel writer's workers
    with mounted(index_dir, "-t", "tmpfs", "-o", "size=2m", "tmpfs"):
        store = IndexStore(index_dir)
        build([str(small)], store, jobs=1)
        before = generation_files(store, "gen-000001")

        result = CliRunner().invoke(main, ["index", "update", str(big), "--jobs", "2", "--index-dir", str(index_dir)])
        assert result.exit_code == 1
        assert f"không ghi được chỉ mục vào {index_dir}: ổ đĩa chứa chỉ mục đã đầy" in result.output
        assert "(gen-000001) không bị ảnh hưởng" in result.output
        assert "Traceback" not in result.output
        assert (store.pointer(), generation_files(store, "gen-000001")) == ("gen-000001", before)
        assert [g.name for g in store.all_generations()] == ["gen-000001"]  # the partial one was removed
        assert SearchEngine(store).doc_count() == 20
        assert worker_processes() == []  # the parallel writer's workers were stopped, not left holding the lock
        with _lock(store):
            pass

        subprocess.run(["mount", "-o", "remount,size=64m", str(index_dir)], check=True)
        assert update([str(big)], store, jobs=2).total == 520


def test_read_only_index_directory_is_a_clear_error(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    store = IndexStore(index_dir)
    build([str(write_jsonl(tmp_path / "a.jsonl", 20))], store, jobs=1)
    more = write_jsonl(tmp_path / "more.jsonl", 5, start=300)
    before = generation_files(store, "gen-000001")
    # root ignores file modes, so the directory is made read-only the way a mount would be
    with mounted(index_dir, "--bind", str(index_dir)):
        subprocess.run(["mount", "-o", "remount,bind,ro", str(index_dir)], check=True)
        for command in ("update", "build"):
            result = CliRunner().invoke(main, ["index", command, str(more), "--index-dir", str(index_dir)])
            assert result.exit_code == 1
            assert "thư mục chỉ mục nằm trên ổ chỉ đọc" in result.output and "Traceback" not in result.output
        # reading still works
        assert SearchEngine(store).search("tuyển sinh").total > 0
        stats = CliRunner().invoke(main, ["index", "stats", "--json", "--index-dir", str(index_dir)])
        assert json.loads(stats.output)["articles"] == 20
    assert (index_dir / POINTER).read_text().strip() == "gen-000001"
    assert generation_files(store, "gen-000001") == before
    assert update([str(more)], store, jobs=1).total == 25
