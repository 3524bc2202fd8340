"""Build or update, then everything that follows a new generation going live:
the report the dashboard and `bantin index stats` read, then the article vectors.

The staff's command and the admin's background job both run it; they differ
only in how they show progress and what a failure of the vectors does (the
command stops with the reason; the job records it and ends done, since the
index it built already serves).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from index.build import BuildReport
from index.reports import save_last_report
from index.vectors import VectorReport, VectorsBusy, fill
from search import meaning
from search.progress import Progress
from search.storage.generations import IndexStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vectors:
    """What the vectors step did: its report, or why it computed nothing."""

    report: VectorReport | None = None
    left: str | None = None


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
    vectors: bool = True,
    on_live: Callable[[BuildReport, bool], None] = lambda report, vectors_next: None,
    tolerate_vector_errors: bool = False,
    **options: object,
) -> Published:
    """Run `action` (index.build.build or update); errors of the build itself are
    the caller's. `on_live` hears of the new generation (and whether vectors
    come next) before the vectors start, which can take minutes."""
    report = action(sources, store, progress=progress, **options)
    save_last_report(store, report)
    wanted = vectors and meaning.enabled()
    on_live(report, wanted)
    if not wanted:
        return Published(report)
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
