"""Build -> report -> vectors, the one pipeline behind `bantin index build|update`
and the admin's background job: they differ only in what a failure of the
vectors does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import publish as pipeline
from index.build import build, update
from index.reports import load_last_report
from index.vectors import VectorsBusy
from search import meaning
from search.storage.generations import IndexStore


def sources(tmp_path: Path) -> list[str]:
    path = tmp_path / "bai.jsonl"
    record = {"id": "a", "title": "Giá xăng giảm", "body": "Giá xăng giảm từ chiều nay.", "date": "2024-05-01"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return [str(path)]


def test_the_report_is_saved_and_heard_before_the_vectors(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(meaning.SWITCH, "1")
    store = IndexStore(tmp_path / "ix")
    heard: list[tuple[str, bool, bool]] = []

    def fill(store_, progress):
        heard.append(("fill", True, load_last_report(store_) is not None))
        raise VectorsBusy("một tiến trình khác đang tính vector")

    monkeypatch.setattr(pipeline, "fill", fill)
    published = pipeline.publish(
        build, sources(tmp_path), store, None, on_live=lambda report, nxt: heard.append((report.kind, nxt, True))
    )
    assert heard == [("build", True, True), ("fill", True, True)]
    assert published.report.total == 1
    assert published.vectors is not None and published.vectors.report is None
    assert "tiến trình đó sẽ tính cả thế hệ mới" in published.vectors.left


def test_no_vectors_when_not_wanted(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "fill", lambda *a: pytest.fail("vectors computed"))
    store = IndexStore(tmp_path / "ix")
    assert pipeline.publish(build, sources(tmp_path), store, None, vectors=False).vectors is None
    monkeypatch.setenv(meaning.SWITCH, "0")
    assert pipeline.publish(update, sources(tmp_path), store, None).vectors is None
    assert load_last_report(store)["kind"] == "update"


def test_a_failure_of_the_vectors_stops_the_command_but_not_the_job(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(meaning.SWITCH, "1")

    def fill(store_, progress):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "fill", fill)
    store = IndexStore(tmp_path / "ix")
    with pytest.raises(OSError):
        pipeline.publish(build, sources(tmp_path), store, None)
    published = pipeline.publish(update, sources(tmp_path), store, None, tolerate_vector_errors=True)
    assert published.vectors.report is None
    assert "chạy `bantin index vectors` để tính tiếp" in published.vectors.left
    assert store.current().name == published.report.generation  # the index built serves either way
