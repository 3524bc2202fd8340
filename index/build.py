"""Full rebuilds and incremental updates of the index, one builder at a time.

A build writes a new generation beside the live one and switches to it only
when it is complete and durable (see search.store), so searches never see a
partial index and a killed build leaves the previous generation serving.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from index.generations import building, complete, link_copy, prune, publish, remove_abandoned
from index.parallel_writer import ParallelWriter
from index.progress import Progress, SilentProgress
from index.sources.errors import SkippedSource
from index.sources.reader import estimate_count, read_sources
from search.article import Article
from search.schema import SCHEMA_VERSION, build_schema, codec, to_document
from search.store import Generation, IndexMissing, IndexStore

LOCK_FILE = "build.lock"
# Below this many articles the worker processes cost more than they save.
PARALLEL_THRESHOLD = 400
WRITER_MEMORY_MB = 256


class BuilderBusy(Exception):
    """Another build or update holds the lock on this index directory."""


class BuildFailed(Exception):
    """The new generation could not be completed; the previous one still serves."""


@dataclass
class BuildReport:
    kind: str
    generation: str | None = None
    indexed: int = 0
    unchanged: int = 0
    deleted: int = 0
    total: int = 0
    skipped: list[SkippedSource] = field(default_factory=list)
    elapsed: float = 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["skipped"] = [asdict(s) for s in self.skipped]
        return data


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _lock(store: IndexStore) -> FileLock:
    store.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(store.root / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise BuilderBusy(
            f"một lần lập chỉ mục khác đang chạy trên {store.root} (khóa {store.root / LOCK_FILE}); "
            "hãy đợi nó xong rồi chạy lại"
        ) from None
    return lock


def _unique(sources: Sequence[str], report: BuildReport) -> Iterator[Article]:
    """Stream the articles of `sources`; bad files and repeated ids go to the report.

    Streaming keeps a build's memory flat however large the corpus is.
    """
    first_seen: dict[str, str] = {}
    for item in read_sources(sources):
        if isinstance(item, SkippedSource):
            report.skipped.append(item)
        elif item.id in first_seen:
            report.skipped.append(
                SkippedSource(item.source or item.id, f"duplicate id {item.id!r} (first read from {first_seen[item.id]})")
            )
        else:
            first_seen[item.id] = item.source
            yield item


def _is_ours(ix) -> bool:
    return ix.schema.names() == build_schema().names()


def _write(
    ix,
    articles: Iterable[Article],
    expected: int,
    deletions: Iterable[str],
    jobs: int,
    progress: Progress,
    what: str,
) -> dict[str, str]:
    """Add `articles` (after deleting `deletions`) and commit; return id -> content hash."""
    use_workers = jobs > 1 and expected >= PARALLEL_THRESHOLD
    # A benchmark's own schema gets Whoosh's default format, as a plain Whoosh user would.
    options = {"limitmb": WRITER_MEMORY_MB, **({"codec": codec()} if _is_ours(ix) else {})}
    writer = ParallelWriter(ix, procs=jobs, **options) if use_workers else ix.writer(**options)
    written: dict[str, str] = {}
    try:
        for article_id in deletions:
            writer.delete_by_term("id", article_id)
        progress.start(expected, what)
        for article in articles:
            writer.add_document(**to_document(article))
            written[article.id] = article.content_hash()
            progress.advance()
        progress.finish()
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return written


def _finish(store: IndexStore, generation: Generation, manifest: dict[str, str], report: BuildReport) -> None:
    ix = generation.open()
    if ix.doc_count() != len(manifest):
        raise BuildFailed(
            f"thế hệ {generation.name} có {ix.doc_count()} bài thay vì {len(manifest)}; giữ nguyên chỉ mục cũ"
        )
    report.generation = generation.name
    report.total = len(manifest)
    meta = {
        "schema": SCHEMA_VERSION,
        "generation": generation.name,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "articles": len(manifest),
        "report": report.to_dict(),
    }
    complete(generation, manifest, meta)
    publish(store, generation)
    prune(store)


def build(
    sources: Sequence[str],
    store: IndexStore,
    jobs: int | None = None,
    progress: Progress | None = None,
    schema: Schema | None = None,
) -> BuildReport:
    """Index every article of `sources` into a fresh generation and switch to it.

    `schema` is for benchmarks that compare analyzers; the service always uses
    search.schema's.
    """
    started = time.monotonic()
    progress = progress or SilentProgress()
    report = BuildReport(kind="build")
    with _lock(store):
        remove_abandoned(store)
        with building(store) as generation:
            ix = whoosh_index.create_in(str(generation.path), schema or build_schema())
            articles = _unique(sources, report)
            manifest = _write(ix, articles, estimate_count(sources), (), jobs or default_jobs(), progress, "Lập chỉ mục")
            report.indexed = len(manifest)
            report.elapsed = time.monotonic() - started
            _finish(store, generation, manifest, report)
    report.elapsed = time.monotonic() - started
    return report


def update(
    sources: Sequence[str],
    store: IndexStore,
    delete_missing: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Write only new and changed articles (by content hash) into a new generation.

    Nothing changed means no new generation at all, which is what makes a
    no-change update of a large corpus take seconds.
    """
    try:
        current = store.current()
    except IndexMissing:
        return build(sources, store, jobs=jobs, progress=progress)
    started = time.monotonic()
    progress = progress or SilentProgress()
    report = BuildReport(kind="update")
    with _lock(store):
        remove_abandoned(store)
        current = store.current()  # another builder may have switched it meanwhile
        old = current.manifest()
        manifest = dict(old)
        changed: list[Article] = []  # only what changed is held in memory
        seen: set[str] = set()
        for article in _unique(sources, report):
            seen.add(article.id)
            digest = article.content_hash()
            if old.get(article.id) == digest:
                report.unchanged += 1
            else:
                changed.append(article)
                manifest[article.id] = digest
        missing = [i for i in old if i not in seen] if delete_missing else []
        for article_id in missing:
            del manifest[article_id]
        report.indexed, report.deleted = len(changed), len(missing)
        if not changed and not missing:
            report.generation, report.total = current.name, len(old)
            report.elapsed = time.monotonic() - started
            return report
        with building(store) as generation:
            link_copy(current, generation)
            ix = generation.open()
            replaced = [a.id for a in changed if a.id in old]
            _write(ix, changed, len(changed), [*replaced, *missing], jobs or default_jobs(), progress, "Cập nhật")
            report.elapsed = time.monotonic() - started
            _finish(store, generation, manifest, report)
    report.elapsed = time.monotonic() - started
    return report
