"""Which process of `bantin serve` keeps the article vectors (index/vectors_keeper.py), and the setting.

With --workers N the supervisor keeps them: it is one process whatever N is,
serves no request (the keeper's looks cost no search any time), outlives the
workers it restarts, and is the one that hears SIGTERM first, so it stops the
run before it exits. It looks from its own supervising loop rather than a
thread, because it forks workers again after a crash, and forking a process
with a second thread can copy a lock that thread held. With --workers 1 the one
process keeps them from a thread beside waitress, and stops the run when
waitress ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from index.build import INDEXING_NICE
from index.vectors_keeper import VectorsKeeper
from search import meaning
from search.storage.generations import IndexStore

DEFAULTS = {
    # Compute the live generation's missing article vectors in the background
    # (always off when BANTIN_DENSE=0: no vectors are wanted then).
    "VECTORS_IN_BACKGROUND": True,
    "VECTORS_NICE": INDEXING_NICE,
}


def keeper(app: Flask) -> VectorsKeeper | None:
    """The app's keeper, or None when the setting or BANTIN_DENSE turns it off."""
    if not (app.config["VECTORS_IN_BACKGROUND"] and meaning.enabled()):
        return None
    return VectorsKeeper(IndexStore(app.config["INDEX_DIR"]), nice=int(app.config["VECTORS_NICE"]))


@contextmanager
def keeping_vectors(app: Flask) -> Iterator[None]:
    """For one serving process: a thread that keeps the vectors while the block runs."""
    found = keeper(app)
    if found is None:
        yield
        return
    stopping = threading.Event()
    thread = threading.Thread(target=found.run, args=(stopping,), name="bantin-vectors", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        thread.join()
