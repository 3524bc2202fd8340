"""The admin's background job, run as its own process by web.admin.jobs:
`python -m web.admin.worker --job-id ID --kind update|build ... -- SOURCE...`

It runs one build or update through index.publish (as `bantin index` does;
the article vectors it leaves to the service's background keeper,
index/vectors_keeper.py, when that runs), keeps the job's state file
current for the dashboard, saves the report where `bantin index stats` and the
dashboard find it, and writes the result to the audit log.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from index.build import INDEXING_NICE, BuilderBusy, BuildFailed, BuildReport, build, lower_priority, update
from index.publish import Vectors, publish
from index.sources.reader import estimate_count
from search.storage.generations import IndexStore
from web.admin.audit import AuditLog
from web.admin.jobs import now_iso, result_text, write_state

WRITE_EVERY_S = 0.5


class NothingToIndex(Exception):
    """A full rebuild from sources holding no article would publish an empty index."""


class StateProgress:
    """search.progress's Progress, written to the job's state file at most twice a second."""

    def __init__(self, state: dict[str, Any], path: Path) -> None:
        self.state, self.path = state, path
        self.last = 0.0

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= WRITE_EVERY_S:
            self.last = now
            write_state(self.path, self.state)

    def start(self, total: int, what: str) -> None:
        self.state.update(phase=what, done=0, total=total)
        self._write(force=True)

    def advance(self, n: int = 1) -> None:
        self.state["done"] += n
        self._write()

    def finish(self) -> None:
        self.state["phase"] = "Đang ghi và chuyển sang chỉ mục mới"
        self._write(force=True)


def _local(source: str) -> bool:
    return not urlsplit(source).scheme.lower().startswith("http")


def _vectors_text(vectors: Vectors) -> str:
    if vectors.report is None:
        return vectors.left or ""
    return f"vector ngữ nghĩa: {vectors.report.embedded} bài vừa tính, {vectors.report.reused} bài dùng lại"


def run(args: argparse.Namespace) -> int:
    state_path = Path(args.state)
    state: dict[str, Any] = {
        "id": args.job_id,
        "kind": args.kind,
        "user": args.user,
        "sources": args.sources,
        "status": "running",
        "phase": "Đang đọc nguồn",
        "done": 0,
        "total": 0,
        "started": now_iso(),
        "finished": None,
        "pid": os.getpid(),
        "report": None,
        "error": None,
    }
    write_state(state_path, state)
    store = IndexStore(args.index_dir)
    progress = StateProgress(state, state_path)

    def live(report: BuildReport, vectors_next: bool) -> None:
        state.update(report=report.to_dict())

    try:
        if args.kind == "build" and all(map(_local, args.sources)) and estimate_count(args.sources) == 0:
            raise NothingToIndex("các nguồn đã cấu hình không có bài nào; giữ nguyên chỉ mục đang dùng")
        action = build if args.kind == "build" else update
        # The vectors' failure fails nothing: the index is built and serves, ranked by words.
        published = publish(
            action,
            args.sources,
            store,
            progress,
            vectors=None,
            on_live=live,
            tolerate_vector_errors=True,
            jobs=args.jobs,
        )
    except (BuilderBusy, BuildFailed, NothingToIndex) as exc:
        state.update(status="failed", error=str(exc))
    except OSError as exc:
        state.update(status="failed", error=f"lỗi ghi chỉ mục: {exc}; chỉ mục đang dùng không bị ảnh hưởng")
    except Exception as exc:  # the job must end with a state, whatever went wrong
        traceback.print_exc()
        state.update(
            status="failed", error=f"lỗi không mong đợi ({type(exc).__name__}); xem {state_path.parent / 'job.log'}"
        )
    else:
        if published.vectors is not None:
            state["vectors"] = _vectors_text(published.vectors)
        state.update(status="done")
    state.update(finished=now_iso(), phase="Đã xong" if state["status"] == "done" else "Thất bại")
    write_state(state_path, state)
    AuditLog(Path(args.audit)).append(args.user, "job-end", result_text(state), args.sources, kind=args.kind)
    return 0 if state["status"] == "done" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.admin.worker")
    parser.add_argument("--job-id", required=True)
    parser.add_argument("--kind", choices=("update", "build"), required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--audit", required=True)
    parser.add_argument("--nice", type=int, default=INDEXING_NICE)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("sources", nargs="*")
    args = parser.parse_args(argv)
    lower_priority(args.nice)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
