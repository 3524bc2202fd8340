"""How far the article vectors are, for people: a small JSON file beside the index.

Every run of index.vectors.fill (the service's background run, `bantin index
vectors`, a build that embeds at once) writes <index dir>/vectors.json while it
holds the vectors lock, so `bantin index stats` and the admin dashboard show
one run's progress whichever process does it, and never have to load the
vectors themselves (20 MB for 26,000 articles) twice a second.

The file says "running" for as long as its run lives; a run killed outright
cannot say it stopped, so a reader trusts "running" only while the vectors
lock is held.

The service that keeps the vectors (index/vectors_keeper.py) touches
vectors.keeper every few seconds: a build or update seeing it fresh leaves the
vectors to that service instead of making the person at the terminal wait.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from filelock import FileLock, Timeout

from search import meaning
from search.durable import read_json_object, write_json
from search.storage.generations import IndexMissing, IndexStore

STATE_FILE = "vectors.json"
HEARTBEAT_FILE = "vectors.keeper"
LOCK_FILE = "vectors.lock"
# The file is rewritten at most this often while articles are embedded (and at each start and end).
WRITE_EVERY_S = 1.0
# A keeper that has not touched its heartbeat for this long is gone (it touches it every few seconds).
KEEPER_FRESH_S = 30.0


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def read(store: IndexStore) -> dict[str, Any] | None:
    return read_json_object(store.root / STATE_FILE)


def _write(store: IndexStore, state: dict[str, Any]) -> None:
    write_json(store.root / STATE_FILE, state)


def time_left(seconds: float | None) -> str:
    """Vietnamese, rounded as a person would say it: the rate wanders by a few percent."""
    if seconds is None:
        return "đang ước tính thời gian còn lại"
    if seconds < 60:
        return "còn chưa đến 1 phút"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"còn khoảng {minutes} phút"
    hours, minutes = divmod(minutes, 60)
    return f"còn khoảng {hours} giờ {minutes} phút" if minutes else f"còn khoảng {hours} giờ"


class RunState:
    """search.progress's Progress for one fill(), written to STATE_FILE.

    The rate is over the run so far, counted from the first article (the model
    is loaded before), so the time left steadies after a few batches.
    """

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self.last = 0.0
        self.began = time.monotonic()
        self.state: dict[str, Any] = {
            "status": "running",
            "pid": os.getpid(),
            "started": now_iso(),
            "finished": None,
            "generation": "",
            "articles": 0,
            "with_vectors": 0,
            "done": 0,
            "total": 0,
            "rate": None,
            "eta_s": None,
            "error": None,
        }

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= WRITE_EVERY_S:
            self.last = now
            self.state["updated"] = now_iso()
            _write(self.store, self.state)

    def generation(self, name: str, articles: int) -> None:
        """fill() moves to `name` (the live generation, of `articles` articles)."""
        self.state.update(generation=name, articles=articles, with_vectors=articles, done=0, total=0)
        self._save(force=True)

    def start(self, total: int, what: str) -> None:
        self.began = time.monotonic()
        self.state.update(done=0, total=total, with_vectors=self.state["articles"] - total, rate=None, eta_s=None)
        self._save(force=True)

    def advance(self, n: int = 1) -> None:
        state = self.state
        state["done"] += n
        state["with_vectors"] += n
        elapsed = time.monotonic() - self.began
        if elapsed > 0:
            state["rate"] = round(state["done"] / elapsed, 2)
            state["eta_s"] = round((state["total"] - state["done"]) / state["rate"], 1) if state["rate"] else None
        self._save()

    def finish(self) -> None:
        self._save(force=True)

    def end(self, status: str, error: str | None = None) -> None:
        """The run is over: "done", "stopped" (to be resumed) or "failed"."""
        self.state.update(status=status, error=error, finished=now_iso(), eta_s=None)
        if status == "done":
            self.state["with_vectors"] = self.state["articles"]
        self._save(force=True)


def lock_held(store: IndexStore) -> bool:
    """Whether some process computes the vectors now (the lock is taken for a moment only)."""
    if not (store.root / LOCK_FILE).exists():
        return False
    lock = FileLock(str(store.root / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def beat(store: IndexStore) -> None:
    """The keeper is alive and keeps this index's vectors."""
    (store.root / HEARTBEAT_FILE).touch()


def keeper_alive(store: IndexStore) -> bool:
    """Whether a running service will compute this index's vectors in the background."""
    try:
        age = time.time() - (store.root / HEARTBEAT_FILE).stat().st_mtime
    except OSError:
        return False
    return age < KEEPER_FRESH_S


def status(store: IndexStore) -> dict[str, Any]:
    """The live generation's vectors for stats and the dashboard: how many of its
    articles have one, whether a run is going, its progress and time left.

    `state` is one of "off" (BANTIN_DENSE=0), "none" (no index), "running",
    "complete", "waiting" (a service will compute them), "missing".
    """
    try:
        generation = store.current()
        articles = int(generation.meta().get("articles", 0))
    except (IndexMissing, OSError, ValueError):
        return {"state": "none", "articles": 0, "with_vectors": 0}
    run = read(store) or {}
    result: dict[str, Any] = {"articles": articles, "generation": generation.name, "keeper": keeper_alive(store)}
    running = run.get("status") == "running" and lock_held(store)
    if running and run.get("generation") == generation.name:
        with_vectors = int(run.get("with_vectors") or 0)
    else:
        with_vectors = meaning.count_present(generation.path / meaning.VECTORS)
    result["with_vectors"] = min(with_vectors, articles)
    if running:
        result.update(
            state="running",
            done=int(run.get("done") or 0),
            total=int(run.get("total") or 0),
            rate=run.get("rate"),
            eta_s=run.get("eta_s"),
            started=run.get("started"),
        )
    elif not meaning.enabled():
        result["state"] = "off"
    elif with_vectors >= articles:
        result["state"] = "complete"
    else:
        result["state"] = "waiting" if result["keeper"] else "missing"
    if run.get("status") in ("stopped", "failed") and not running:
        result["last_run"] = {"status": run["status"], "finished": run.get("finished"), "error": run.get("error")}
    return result


def describe(found: dict[str, Any]) -> str:
    """One Vietnamese sentence for `found` (from status): the same words in stats and on the dashboard."""
    state = found["state"]
    count = f"{found['with_vectors']:,}/{found['articles']:,}".replace(",", ".")
    if state == "none":
        return "Chưa có chỉ mục."
    if state == "off":
        return f"Đang tắt ({meaning.SWITCH}=0): tìm kiếm xếp hạng theo từ."
    if state == "complete":
        return f"Đã đủ: {count} bài có vector."
    if state == "running":
        percent = found["with_vectors"] * 100 // found["articles"] if found["articles"] else 100
        rate = f", {found['rate']:.1f} bài/giây".replace(".", ",") if found.get("rate") else ""
        return f"Đang tính trong nền: {count} bài ({percent}%){rate}, {time_left(found.get('eta_s'))}."
    if state == "waiting":
        return f"Chờ tính trong nền: {count} bài có vector; trang web đang chạy sẽ tính tiếp."
    return f"Còn thiếu: {count} bài có vector; chạy `bantin index vectors` hoặc `bantin serve` để tính tiếp."
