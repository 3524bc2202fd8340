"""Background index jobs started from the admin area: one at a time, each its own process.

A job runs `web.admin.worker` as a child process rather than a thread of the
web server: indexing is CPU-bound pure Python (pyvi, Whoosh's merge) that would
hold the server's GIL and slow every search, Whoosh's parallel writer forks
workers (unsafe from a threaded server), and a job killed by the out-of-memory
killer must not take the site down. The child runs at a lower priority and
reports through a small JSON state file that the dashboard polls.

At most one job runs: a lock here refuses a second start, and the index's own
build lock (index.build) refuses any other builder, the CLI's included.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from filelock import FileLock

from index.build import INDEXING_NICE
from search.durable import read_json_object, write_json
from web.admin.audit import AuditLog

ACTIVE = ("starting", "running")
KINDS = {"update": "Cập nhật", "build": "Lập lại toàn bộ"}
# A job whose process has not yet written its state counts as running this long.
STARTUP_GRACE_S = 60
DIED = "tiến trình dừng bất thường (bị dừng hoặc hết bộ nhớ); chỉ mục đang dùng không bị ảnh hưởng"


class JobRunning(Exception):
    """A job is already running; `state` is its state."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__(f"{state.get('kind')} job of {state.get('user')} running since {state.get('started')}")
        self.state = state


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def write_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, state)


def result_text(state: dict[str, Any]) -> str:
    """One line for the audit log and the page: what the finished job did."""
    if state.get("status") != "done":
        return f"lỗi: {state.get('error') or 'không rõ'}"
    report = state.get("report") or {}
    skipped = len(report.get("skipped") or [])
    text = (
        f"xong: {report.get('indexed', 0)} bài mới hoặc đã đổi, {report.get('unchanged', 0)} không đổi, "
        f"{report.get('deleted', 0)} đã xóa, {skipped} nguồn bị bỏ qua; "
        f"{report.get('generation')} có {report.get('total', 0)} bài"
    )
    return f"{text}; {state['vectors']}" if state.get("vectors") else text


def _process_runs(pid: int, job_id: str) -> bool:
    """Whether `pid` is still this job's worker (not a later process that got its number)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return job_id.encode() in handle.read()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: at least the process exists
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


class Jobs:
    def __init__(
        self, folder: Path, index_dir: str, audit: AuditLog, nice: int = INDEXING_NICE, workers: int | None = None
    ) -> None:
        self.folder = folder
        self.state_path = folder / "job.json"
        self.log_path = folder / "job.log"
        self.index_dir = index_dir
        self.audit = audit
        self.nice = nice
        self.workers = workers
        self._children: dict[str, subprocess.Popen] = {}
        self._guard = threading.Lock()

    def current(self) -> dict[str, Any] | None:
        """The running or last job's state; a job whose process died is marked failed here."""
        with self._guard:
            return self._current()

    def _current(self) -> dict[str, Any] | None:
        state = read_json_object(self.state_path)
        if not state or state.get("status") not in ACTIVE or self._alive(state):
            return state
        state = read_json_object(self.state_path) or state  # it may have finished just now
        if state.get("status") in ACTIVE:
            state.update(status="failed", error=DIED, finished=now_iso())
            write_state(self.state_path, state)
            self.audit.append(
                state.get("user", "?"), "job-end", result_text(state), state.get("sources", []), kind=state.get("kind")
            )
        return state

    def _alive(self, state: dict[str, Any]) -> bool:
        job_id = str(state.get("id", ""))
        child = self._children.get(job_id)
        if child is not None:
            if child.poll() is None:
                return True
            del self._children[job_id]  # reaped
            return False
        pid = state.get("pid")
        if isinstance(pid, int):
            return _process_runs(pid, job_id)
        try:
            started = dt.datetime.fromisoformat(state["started"])
        except (KeyError, TypeError, ValueError):
            return False
        return (dt.datetime.now().astimezone() - started).total_seconds() < STARTUP_GRACE_S

    def start(self, kind: str, sources: list[str], user: str) -> dict[str, Any]:
        if kind not in KINDS:
            raise ValueError(f"không có loại việc {kind!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._guard, FileLock(str(self.folder / "job.lock"), timeout=10):
            current = self._current()
            if current and current.get("status") in ACTIVE:
                raise JobRunning(current)
            job_id = dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
            state = {
                "id": job_id,
                "kind": kind,
                "user": user,
                "sources": list(sources),
                "status": "starting",
                "phase": "Đang khởi động",
                "done": 0,
                "total": 0,
                "started": now_iso(),
                "finished": None,
                "pid": None,
                "report": None,
                "error": None,
            }
            write_state(self.state_path, state)
            command = [
                sys.executable,
                "-m",
                "web.admin.worker",
                "--job-id",
                job_id,
                "--kind",
                kind,
                "--user",
                user,
                "--index-dir",
                self.index_dir,
                "--state",
                str(self.state_path),
                "--audit",
                str(self.audit.path),
                "--nice",
                str(self.nice),
            ]
            if self.workers:
                command += ["--jobs", str(self.workers)]
            with open(self.log_path, "wb") as log:
                self._children[job_id] = subprocess.Popen(
                    [*command, "--", *sources],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self.audit.append(user, "job-start", "đã khởi chạy", sources, kind=kind)
            return state
