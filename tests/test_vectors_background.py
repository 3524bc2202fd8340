"""Article vectors computed in the background by the running service (issue 31):
the keeper, its worker process, the state file, stopping and resuming, and
what `bantin index stats` and the dashboard show.

Real embedding (multilingual-e5-small) on a handful of articles; the worker
runs as the real child process the service starts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from filelock import FileLock
from werkzeug.security import generate_password_hash

from index import publish as pipeline
from index import vectors_state
from index.build import build, update
from index.vectors import LOCK_FILE, fill
from index.vectors_keeper import VectorsKeeper
from index.vectors_state import RunState, beat, describe, status, time_left
from search import meaning
from search.storage.generations import IndexStore
from tests.factories import write_jsonl
from tests.test_admin import PASSWORD, sign_in
from tests.test_serve_workers import BANTIN, _answers, _free_port, _wait
from web.cli import main
from web.serving.background import keeper

ARTICLES = 6


@pytest.fixture(autouse=True)
def meaning_on(monkeypatch) -> None:
    monkeypatch.setenv(meaning.SWITCH, "1")  # tests/conftest.py turns it off for the other tests


def built(tmp_path: Path, count: int = ARTICLES, words: int = 6) -> IndexStore:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", count, words=words))], store, jobs=1)
    return store


def present(store: IndexStore) -> int:
    found = meaning.load(store.current().path / meaning.VECTORS)
    return int(found.present.sum()) if found is not None else 0


def wait_child(keeper_: VectorsKeeper, seconds: float = 120) -> int:
    child = keeper_.child
    assert child is not None, "no run started"
    return child.wait(timeout=seconds)


# --- what people read ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "đang ước tính thời gian còn lại"),
        (12, "còn chưa đến 1 phút"),
        (12 * 60 + 10, "còn khoảng 12 phút"),
        (3600, "còn khoảng 1 giờ"),
        (2 * 3600 + 5 * 60, "còn khoảng 2 giờ 5 phút"),
    ],
)
def test_time_left_in_vietnamese(seconds, text) -> None:
    assert time_left(seconds) == text


def test_the_state_file_follows_a_run(tmp_path, monkeypatch) -> None:
    store = built(tmp_path)
    monkeypatch.setattr("index.vectors.BATCH", 2)
    monkeypatch.setattr(vectors_state, "WRITE_EVERY_S", 0)
    seen: list[tuple[dict, dict]] = []
    real = meaning.MODEL.passages

    def watched(texts):
        seen.append((vectors_state.read(store), status(store)))
        return real(texts)

    monkeypatch.setattr(meaning.MODEL, "passages", watched)
    fill(store)
    state, found = seen[-1]  # before the last batch of two
    assert (state["status"], state["done"], state["total"], state["articles"]) == ("running", 4, 6, 6)
    assert state["pid"] == os.getpid() and state["rate"] > 0 and state["eta_s"] > 0
    assert state["generation"] == store.current().name
    assert found["state"] == "running" and found["with_vectors"] == 4  # from the file, the lock being held
    assert describe(found).startswith("Đang tính trong nền: 4/6 bài (66%), ")
    final = vectors_state.read(store)
    assert (final["status"], final["with_vectors"], final["eta_s"]) == ("done", 6, None)
    assert status(store)["state"] == "complete" and describe(status(store)) == "Đã đủ: 6/6 bài có vector."


def test_stats_show_a_run_going_on(tmp_path, monkeypatch) -> None:
    store = built(tmp_path, count=3)
    run = RunState(store)
    with FileLock(str(store.root / LOCK_FILE)):  # as a run in another process holds it
        run.generation(store.current().name, 3)
        run.start(3, "")
        run.state.update(done=1, with_vectors=1, rate=0.01, eta_s=200.0)
        run.finish()
        shown = CliRunner().invoke(main, ["index", "stats", "--index-dir", str(store.root)])
        as_json = CliRunner().invoke(main, ["index", "stats", "--json", "--index-dir", str(store.root)])
    assert "Tính vector:  Đang tính trong nền: 1/3 bài (33%), 0,0 bài/giây, còn khoảng 3 phút." in shown.output
    vectors = json.loads(as_json.output)["vectors"]
    assert (vectors["state"], vectors["done"], vectors["total"], vectors["eta_s"]) == ("running", 1, 3, 200.0)
    # The run was killed outright: its file still says "running", the free lock says otherwise.
    after = json.loads(CliRunner().invoke(main, ["index", "stats", "--json", "--index-dir", str(store.root)]).output)
    assert after["vectors"]["state"] == "missing" and after["articles_with_vectors"] == 0
    monkeypatch.setenv(meaning.SWITCH, "0")
    off = CliRunner().invoke(main, ["index", "stats", "--index-dir", str(store.root)])
    assert "Tính vector:  Đang tắt (BANTIN_DENSE=0)" in off.output


# --- the keeper and its worker -------------------------------------------------------


def test_the_keeper_embeds_what_a_new_generation_lacks(tmp_path) -> None:
    store = built(tmp_path)
    keeper_ = VectorsKeeper(store, nice=0, check_every=0)
    keeper_.check()
    assert wait_child(keeper_) == 0
    assert present(store) == ARTICLES and vectors_state.read(store)["status"] == "done"
    keeper_.check()
    assert keeper_.child is None  # nothing missing: no run
    assert vectors_state.keeper_alive(store)

    update([str(write_jsonl(tmp_path / "b.jsonl", 1, start=500))], store, jobs=1)
    keeper_.check()
    assert wait_child(keeper_) == 0
    state = vectors_state.read(store)
    assert (state["generation"], state["total"], state["done"]) == (store.current().name, 1, 1)  # the rest reused
    assert present(store) == ARTICLES + 1


def test_no_run_starts_while_another_process_computes(tmp_path) -> None:
    store = built(tmp_path, count=2)
    keeper_ = VectorsKeeper(store, nice=0, check_every=0)
    with FileLock(str(store.root / LOCK_FILE)):
        keeper_.check()
        assert keeper_.child is None
    keeper_.check()
    assert wait_child(keeper_) == 0 and present(store) == 2


def test_two_workers_at_once_embed_each_article_once(tmp_path) -> None:
    store = built(tmp_path)
    command = [sys.executable, "-m", "index.vectors_worker", "--index-dir", str(store.root), "--nice", "0"]
    workers = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(w.wait(timeout=120), w.stderr.read()) for w in workers]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 3]), results
    embedded = sum(int(err.split(" bài vừa tính")[0].rsplit(" ", 1)[1]) for _, err in results if "vừa tính" in err)
    assert embedded == ARTICLES and present(store) == ARTICLES


SLOW_WORKER = """
import sys, time
from index import vectors, vectors_state, vectors_worker
from search import meaning
vectors.BATCH, vectors.CHECKPOINT, vectors_state.WRITE_EVERY_S = 2, 2, 0
real = meaning.MODEL.passages
def slowly(texts):
    time.sleep(0.3)
    return real(texts)
meaning.MODEL.passages = slowly
sys.exit(vectors_worker.main(sys.argv[1:]))
"""


def test_sigterm_keeps_the_work_done_and_the_next_run_goes_on(tmp_path) -> None:
    count = 20
    store = built(tmp_path, count=count)
    worker = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER, "--index-dir", str(store.root), "--nice", "0"], stderr=subprocess.PIPE
    )
    _wait(lambda: (vectors_state.read(store) or {}).get("done", 0) >= 4, 120)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, worker.stderr.read()
    state = vectors_state.read(store)
    kept = present(store)
    assert state["status"] == "stopped" and 4 <= kept < count
    assert status(store)["last_run"]["status"] == "stopped"
    again = fill(store)
    assert (again.embedded, again.reused) == (count - kept, kept)
    assert present(store) == count


# --- the setting and the build commands -----------------------------------------------


def test_the_setting_and_the_switch_turn_it_off(make_app, monkeypatch) -> None:
    assert keeper(make_app()) is not None
    assert keeper(make_app(VECTORS_IN_BACKGROUND=False)) is None
    monkeypatch.setenv(meaning.SWITCH, "0")
    assert keeper(make_app()) is None


def test_a_build_leaves_the_vectors_to_a_running_service(tmp_path, monkeypatch) -> None:
    store = built(tmp_path, count=2)
    computed: list[str] = []
    monkeypatch.setattr(pipeline, "fill", lambda store_, progress: computed.append("fill"))
    source = str(write_jsonl(tmp_path / "b.jsonl", 1, start=50))
    vectors_state.beat(store)  # a service keeps this index
    handed = CliRunner().invoke(main, ["index", "update", source, "--index-dir", str(store.root)])
    assert handed.exit_code == 0 and "sẽ tính vector ngữ nghĩa trong nền" in handed.output and not computed
    waited = CliRunner().invoke(main, ["index", "update", source, "--vectors", "--index-dir", str(store.root)])
    assert waited.exit_code == 0 and computed == ["fill"]
    stale = time.time() - vectors_state.KEEPER_FRESH_S - 1
    os.utime(store.root / vectors_state.HEARTBEAT_FILE, (stale, stale))  # the service is gone
    alone = CliRunner().invoke(main, ["index", "update", source, "--index-dir", str(store.root)])
    assert alone.exit_code == 0 and computed == ["fill", "fill"]


# --- the dashboard -------------------------------------------------------------------


def test_the_dashboard_shows_the_vectors(make_app, tmp_path) -> None:
    store = built(tmp_path, count=3)
    account = {"lan": generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")}
    app = make_app(INDEX_DIR=str(store.root), ADMIN_USERS=account)
    client = app.test_client()
    sign_in(client)
    page = client.get("/admin/").get_data(as_text=True)
    assert '<h2 id="tieu-de-vector">Vector bài viết</h2>' in page
    assert "Còn thiếu: 0/3 bài có vector" in page and 'data-following="false"' in page  # nobody will compute them
    beat(store)  # a service keeps the vectors: the page follows it from before its run starts
    page = client.get("/admin/").get_data(as_text=True)
    assert "Chờ tính trong nền: 0/3 bài" in page and 'data-following="true"' in page
    assert client.get("/admin/vectors.json").get_json()["following"]
    run = RunState(store)
    with FileLock(str(store.root / LOCK_FILE)):
        run.generation(store.current().name, 3)
        run.start(2, "")
        run.state.update(rate=0.5, eta_s=4 * 60.0)
        run.finish()
        page = client.get("/admin/").get_data(as_text=True)
        polled = client.get("/admin/vectors.json").get_json()
    assert 'data-following="true"' in page and "Đang tính trong nền: 1/3 bài (33%), 0,5 bài/giây, còn khoảng 4 phút." in page
    assert '<progress id="tien-do-vector" max="3" value="1"' in page
    assert polled["running"] and polled["progress"] == "1/3 bài" and "còn khoảng 4 phút" in polled["message"]
    fill(store)
    done = client.get("/admin/vectors.json").get_json()
    assert done["message"] == "Đã đủ: 3/3 bài có vector." and not done["following"]


# --- bantin serve ----------------------------------------------------------------------


def _vector_workers(process: psutil.Process) -> list[psutil.Process]:
    return [c for c in process.children(recursive=True) if "index.vectors_worker" in " ".join(c.cmdline())]


def test_serve_keeps_the_vectors_stops_them_on_sigterm_and_resumes(tmp_path) -> None:
    """--workers 2 (the supervisor keeps them) is stopped mid-run; --workers 1 (a thread) finishes."""
    count = 40
    store = built(tmp_path, count=count, words=20)
    env = dict(os.environ, BANTIN_DATA_DIR=str(tmp_path / "data"), TMPDIR=str(tmp_path))

    def serve(n: int) -> tuple[subprocess.Popen, psutil.Process, str]:
        port = _free_port()
        process = subprocess.Popen(
            [BANTIN, "serve", "--port", str(port), "--workers", str(n), "--threads", "2", "--index-dir",
             str(store.root)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return process, psutil.Process(process.pid), f"http://127.0.0.1:{port}"

    process, supervisor, base = serve(2)
    try:
        _wait(lambda: bool(_vector_workers(supervisor)), 90)  # started for the generation without vectors
        child = _vector_workers(supervisor)[0]
        _wait(lambda: _answers(base + "/search?q=bai"), 90)  # the site answers meanwhile
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE  # stopped with the service
    finally:
        for leftover in supervisor.children(recursive=True) if supervisor.is_running() else []:
            leftover.kill()
        process.kill()
    kept = present(store)  # whatever it saved is a sound file (0 if stopped before its first batch)
    assert kept <= count

    process, single, base = serve(1)  # the next start, one process this time, goes on
    try:
        _wait(lambda: status(store)["state"] == "complete", 180)
        state = vectors_state.read(store)
        assert state["status"] == "done" and state["total"] == count - kept and present(store) == count
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        for leftover in single.children(recursive=True) if single.is_running() else []:
            leftover.kill()
        process.kill()
