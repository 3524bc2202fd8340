"""`bantin serve --workers 2`: two processes on one port, a dead worker replaced, nothing left behind.

Runs the real console script on a small real index, as an operator would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests

from index.build import build
from search.storage.generations import IndexStore
from tests.factories import write_jsonl

BANTIN = str(Path(sys.executable).with_name("bantin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[psutil.Process, str]]:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 30))], store, jobs=1)
    port = _free_port()
    # TMPDIR: the metrics folder a killed supervisor leaves stays in the test's own folder.
    env = dict(os.environ, BANTIN_DATA_DIR=str(tmp_path / "data"), TMPDIR=str(tmp_path))
    process = subprocess.Popen(
        [BANTIN, "serve", "--port", str(port), "--workers", "2", "--threads", "2", "--index-dir", str(store.root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    supervisor = psutil.Process(process.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _answers(base + "/search?q=bai") and len(supervisor.children()) == 2)
        yield supervisor, base
    finally:
        for child in supervisor.children(recursive=True) if supervisor.is_running() else []:
            child.kill()
        process.kill()
        process.wait()


def test_two_workers_answer_and_a_killed_one_is_replaced(server) -> None:
    supervisor, base = server
    first, second = supervisor.children()
    first.send_signal(signal.SIGKILL)
    _wait(lambda: len(supervisor.children()) == 2 and first.pid not in {c.pid for c in supervisor.children()})
    assert second.is_running()
    # Requests keep being answered, by the survivor and then by both.
    for _ in range(20):
        assert requests.get(base + "/search?q=bai", timeout=30).status_code == 200


def test_sigterm_stops_every_worker_and_frees_the_port(server) -> None:
    supervisor, base = server
    workers = supervisor.children()
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0
    psutil.wait_procs(workers, timeout=10)
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
    assert not _answers(base + "/")


def test_workers_stop_when_the_supervisor_is_killed(server) -> None:
    supervisor, base = server
    workers = supervisor.children()
    supervisor.send_signal(signal.SIGKILL)
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive


def _backup(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([BANTIN, "backup", *args, "--data-dir", str(data), "--index-dir", str(data.parent / "ix")],
                          capture_output=True, text=True, timeout=120)


def test_a_running_service_is_never_restored_over_even_forced(server, tmp_path) -> None:
    supervisor, base = server
    data = tmp_path / "data"
    archive = tmp_path / "b.tar"
    assert _backup("create", str(archive), "--no-audio", data=data).returncode == 0
    current = (tmp_path / "ix" / "CURRENT").read_text()
    refused = _backup("restore", str(archive), "--force", data=data)
    assert refused.returncode == 1 and "đang chạy trên" in refused.stdout + refused.stderr
    assert (tmp_path / "ix" / "CURRENT").read_text() == current
    assert requests.get(base + "/search?q=bai", timeout=30).status_code == 200
    # Its workers hold the folder too; once all are gone the restore may go on.
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0
    restored = _backup("restore", str(archive), "--force", data=data)
    assert restored.returncode == 0, restored.stdout + restored.stderr


def test_a_service_does_not_start_while_a_restore_runs(tmp_path) -> None:
    from web.serving.occupancy import restoring

    env = dict(os.environ, BANTIN_DATA_DIR=str(tmp_path / "data"))
    with restoring(tmp_path / "data"):
        # A timeout, not a hang, if it started serving anyway.
        started = subprocess.run([BANTIN, "serve", "--port", str(_free_port())], env=env,
                                 capture_output=True, text=True, timeout=60)
    assert started.returncode == 1 and "đang được khôi phục" in started.stderr
