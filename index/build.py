"""Full rebuilds and incremental updates of the index, one builder at a time.

A build writes a new generation beside the live one and switches to it only
when it is complete and durable (see search.store), so searches never see a
partial index and a killed build leaves the previous generation serving.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from index.crawl.crawler import Crawl, Item, NotModified, is_url
from index.crawl.fetch import Fetcher
from index.crawl.settings import CrawlSettings
from index.crawl.validators import CACHE_FILE, ValidatorCache
from index.generations import building, complete, link_copy, prune, publish, remove_abandoned
from index.language import LanguageCounts
from index.parallel_writer import ParallelWriter
from search.progress import Progress, SilentProgress
from index.sources.errors import SkippedSource
from index.sources.reader import estimate_count, read_sources
from search.article import Article
from search.storage.schema import SCHEMA_VERSION, build_schema, codec, to_document
from search.storage.generations import Generation, IndexMissing, IndexStore

LOCK_FILE = "build.lock"
# Below this many articles the worker processes cost more than they save.
PARALLEL_THRESHOLD = 400
WRITER_MEMORY_MB = 256
# How far indexing lowers its CPU priority (os.nice) by default, from the CLI
# and the admin's jobs alike: a site on the same machine keeps answering.
INDEXING_NICE = 10


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


def lower_priority(nice: int) -> None:
    """Yield the CPU to the site (inherited by the segmenting workers); 0 keeps it."""
    if nice > 0:
        os.nice(nice)


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


class _Sources:
    """The SOURCE arguments of one run: files and directories are read as they are
    streamed; URLs are crawled up front (under the build lock) so the crawl has its
    own progress count and its validators can be saved with the new generation."""

    def __init__(
        self,
        sources: Sequence[str],
        store: IndexStore,
        settings: CrawlSettings | None,
        indexed: Mapping[str, str] | None,
        progress: Progress,
    ) -> None:
        self.sources = list(sources)
        urls = [s for s in self.sources if is_url(s)]
        self.cache = ValidatorCache(store.root / CACHE_FILE) if urls else None
        self.crawled: dict[str, list[Item]] = {}
        if urls:
            fetcher = Fetcher(settings or CrawlSettings())
            try:
                self.crawled = Crawl(fetcher, self.cache, indexed, progress).run(urls)
            finally:
                fetcher.close()

    def expected(self) -> int:
        files = [s for s in self.sources if not is_url(s)]
        return estimate_count(files) + sum(isinstance(i, Article) for items in self.crawled.values() for i in items)

    def items(self) -> Iterator[Item]:
        for source in self.sources:
            yield from self.crawled[source] if is_url(source) else read_sources([source])

    def save_validators(self, manifest: Mapping[str, str]) -> None:
        """Remember the crawled pages' validators; only those whose article is in `manifest` count."""
        if self.cache is not None:
            self.cache.save(manifest)


def _unique(items: Iterable[Item], report: BuildReport) -> Iterator[Article | NotModified]:
    """The articles (and unchanged crawled pages) of `items`; bad sources and repeated ids go to the report.

    Streaming keeps a build's memory flat however large the corpus is.
    """
    first_seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, SkippedSource):
            report.skipped.append(item)
            continue
        source = item.url if isinstance(item, NotModified) else item.source
        if item.id in first_seen:
            report.skipped.append(
                SkippedSource(source or item.id, f"duplicate id {item.id!r} (first read from {first_seen[item.id]})")
            )
        else:
            first_seen[item.id] = source
            yield item


def _write(
    ix,
    articles: Iterable[Article],
    expected: int,
    deletions: Iterable[str],
    jobs: int,
    progress: Progress,
    what: str,
    language: LanguageCounts | None,
    own_format: bool = True,
) -> dict[str, str]:
    """Add `articles` (after deleting `deletions`) and commit; return id -> content hash.

    `language` counts the articles' text as they pass (None: a benchmark's own schema).

    `own_format` False (a benchmark's own schema) writes Whoosh's default format,
    as a plain Whoosh user would."""
    use_workers = jobs > 1 and expected >= PARALLEL_THRESHOLD
    options = {"limitmb": WRITER_MEMORY_MB, **({"codec": codec()} if own_format else {})}
    writer = ParallelWriter(ix, procs=jobs, **options) if use_workers else ix.writer(**options)
    written: dict[str, str] = {}
    try:
        for article_id in deletions:
            writer.delete_by_term("id", article_id)
        progress.start(expected, what)
        for article in articles:
            writer.add_document(**to_document(article))
            if language is not None:
                language.add(article)
            written[article.id] = article.content_hash()
            progress.advance()
        progress.finish()
        writer.commit()
    except BaseException:
        _discard(writer)
        raise
    return written


def _discard(writer) -> None:
    """Cancel a failed writer without hiding why it failed: on a full disk the cancel fails too."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 (the generation is deleted next; the first error is the one to report)
        pass


def _finish(
    store: IndexStore,
    generation: Generation,
    manifest: dict[str, str],
    report: BuildReport,
    sources: _Sources,
    language: LanguageCounts | None,
) -> None:
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
    if language is not None:
        meta["language"] = language.save(generation.path)
    # Before the switch is safe: validators count only for articles the live index holds as remembered.
    sources.save_validators(manifest)
    complete(generation, manifest, meta)
    publish(store, generation)
    prune(store)


def build(
    sources: Sequence[str],
    store: IndexStore,
    jobs: int | None = None,
    progress: Progress | None = None,
    schema: Schema | None = None,
    crawl: CrawlSettings | None = None,
) -> BuildReport:
    """Index every article of `sources` (paths or URLs) into a fresh generation and switch to it.

    URLs are fetched in full (no conditional requests): a rebuild starts from
    nothing. `schema` is for benchmarks that compare analyzers; the service
    always uses search.schema's.
    """
    started = time.monotonic()
    progress = progress or SilentProgress()
    report = BuildReport(kind="build")
    with _lock(store):
        remove_abandoned(store)
        inputs = _Sources(sources, store, crawl, None, progress)
        with building(store) as generation:
            ix = whoosh_index.create_in(str(generation.path), schema or build_schema())
            articles = (a for a in _unique(inputs.items(), report) if isinstance(a, Article))
            language = LanguageCounts() if schema is None else None
            manifest = _write(
                ix, articles, inputs.expected(), (), jobs or default_jobs(), progress, "Lập chỉ mục", language,
                schema is None,
            )
            report.indexed = len(manifest)
            report.elapsed = time.monotonic() - started
            _finish(store, generation, manifest, report, inputs, language)
    report.elapsed = time.monotonic() - started
    return report


def update(
    sources: Sequence[str],
    store: IndexStore,
    delete_missing: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    crawl: CrawlSettings | None = None,
) -> BuildReport:
    """Write only new and changed articles (by content hash) into a new generation.

    Nothing changed means no new generation at all, which is what makes a
    no-change update of a large corpus take seconds. Crawled pages are fetched
    with the validators of the last run; one answered "304 Not Modified" counts
    as unchanged (and present, for `delete_missing`) without being downloaded.
    """
    try:
        current = store.current()
    except IndexMissing:
        return build(sources, store, jobs=jobs, progress=progress, crawl=crawl)
    started = time.monotonic()
    progress = progress or SilentProgress()
    report = BuildReport(kind="update")
    with _lock(store):
        remove_abandoned(store)
        current = store.current()  # another builder may have switched it meanwhile
        old = current.manifest()
        manifest = dict(old)
        inputs = _Sources(sources, store, crawl, old, progress)
        changed: list[Article] = []  # only what changed is held in memory
        seen: set[str] = set()
        for item in _unique(inputs.items(), report):
            seen.add(item.id)
            digest = old[item.id] if isinstance(item, NotModified) else item.content_hash()
            if old.get(item.id) == digest:
                report.unchanged += 1
            else:
                changed.append(item)
                manifest[item.id] = digest
        missing = [i for i in old if i not in seen] if delete_missing else []
        for article_id in missing:
            del manifest[article_id]
        report.indexed, report.deleted = len(changed), len(missing)
        if not changed and not missing:
            inputs.save_validators(manifest)
            if store.pointer() != current.name:  # CURRENT names a damaged generation: point it back
                publish(store, current)
                prune(store)
            report.generation, report.total = current.name, len(old)
            report.elapsed = time.monotonic() - started
            return report
        with building(store) as generation:
            link_copy(current, generation)
            ix = generation.open()
            replaced = [a.id for a in changed if a.id in old]
            language = LanguageCounts.of(current)
            with current.open().searcher() as searcher:
                language.remove_stored(searcher, [*replaced, *missing])
            _write(
                ix, changed, len(changed), [*replaced, *missing], jobs or default_jobs(), progress, "Cập nhật", language
            )
            report.elapsed = time.monotonic() - started
            _finish(store, generation, manifest, report, inputs, language)
    report.elapsed = time.monotonic() - started
    return report
