"""Build or update, then everything that follows a new generation going live:
the report the dashboard and `bantin index stats` read, then the article vectors.

The staff's command and the admin's background job both run it; they differ
only in how they show progress and what a failure of the vectors does (the
command stops with the reason; the job records it and ends done, since the
index it built already serves).

By default the vectors are left to the running service when there is one
(index/vectors_keeper.py): it computes them in the background, so nobody
waits minutes at a terminal or on the dashboard for them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from index.build import BuildReport
from index.reports import save_last_report
from index.vectors import VectorReport, VectorsBusy, fill
from index.vectors_state import keeper_alive
from search import meaning
from search.progress import Progress
from search.storage.generations import IndexStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vectors:
    """What the vectors step did: its report, or why it computed nothing."""

    report: VectorReport | None = None
    left: str | None = None


HANDED_OVER = "trang web đang chạy sẽ tính vector ngữ nghĩa trong nền; xem tiến độ bằng `bantin index stats`"


@dataclass(frozen=True)
class Published:
    report: BuildReport
    vectors: Vectors | None = None  # None when they were not wanted


def publish(
    action: Callable[..., BuildReport],
    sources: list[str],
    store: IndexStore,
    progress: Progress | None,
    *,
    vectors: bool | None = True,
    on_live: Callable[[BuildReport, bool], None] = lambda report, vectors_next: None,
    tolerate_vector_errors: bool = False,
    **options: object,
) -> Published:
    """Run `action` (index.build.build or update); errors of the build itself are
    the caller's. `vectors`: True computes them here, False leaves them (to the
    service or `bantin index vectors`), None computes them here unless a
    running service keeps this index's vectors. `on_live` hears of the new
    generation (and whether vectors come next here) before the vectors start,
    which can take minutes."""
    report = action(sources, store, progress=progress, **options)
    save_last_report(store, report)
    if not meaning.enabled() or vectors is False:
        on_live(report, False)
        return Published(report)
    if vectors is None and keeper_alive(store):
        on_live(report, False)
        return Published(report, Vectors(left=HANDED_OVER))
    on_live(report, True)
    return Published(report, fill_vectors(store, progress, tolerate_errors=tolerate_vector_errors))


def fill_vectors(store: IndexStore, progress: Progress | None, *, tolerate_errors: bool = False) -> Vectors:
    """The live generation's missing vectors. Another process at it is no error
    (it moves on to the newest generation itself); any other failure is raised,
    unless tolerated: searches are then ranked by their words alone."""
    try:
        return Vectors(fill(store, progress))
    except VectorsBusy as exc:
        return Vectors(left=f"{exc}; tiến trình đó sẽ tính cả thế hệ mới")
    except Exception as exc:
        if not tolerate_errors:
            raise
        log.exception("không tính được vector ngữ nghĩa")
        return Vectors(
            left=f"chưa tính được vector ngữ nghĩa ({type(exc).__name__}); chạy `bantin index vectors` để tính tiếp"
        )
