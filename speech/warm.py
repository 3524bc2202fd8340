"""Pre-generating article audio for the index, newest articles first.

Staff run it after an index build so that readers (and the podcast feed, which
lists only articles whose audio is ready) never wait for synthesis.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from search.article import Article
from search.engine import SearchEngine
from speech.errors import NothingToSay, SpeechError
from speech.service import AudioService


@dataclass
class WarmReport:
    articles: int = 0  # in the index
    ready: int = 0  # already had audio
    made: dict[str, int] = field(default_factory=dict)  # engine label -> articles synthesized
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)
    fallback: str = ""  # why an engine gave way to the next one, the first time it happened
    silent: int = 0  # nothing to read (no title, no text)
    audio_seconds: float = 0.0
    elapsed: float = 0.0

    @property
    def synthesized(self) -> int:
        return sum(self.made.values())


class Backlog:
    """Indexed articles without ready audio, newest first (undated ones last), read
    through the search front object as every other reader of the index does.

    Only ids are kept, so that a large index's bodies are not all held in
    memory; each article is read again when its turn comes (one that a newer
    generation dropped meanwhile is skipped).
    """

    def __init__(self, engine: SearchEngine, service: AudioService, report: WarmReport) -> None:
        self.engine = engine
        self.ids: list[str] = []
        for article in engine.latest(engine.doc_count()):
            report.articles += 1
            if service.ready(article) is not None:
                report.ready += 1
            else:
                self.ids.append(article.id)

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Article]:
        for article_id in self.ids:
            article = self.engine.article(article_id)
            if article is not None:
                yield article


def warm(
    service: AudioService,
    articles: Iterator[Article],
    report: WarmReport,
    limit: int | None = None,
    advance: Callable[[], None] = lambda: None,
) -> WarmReport:
    """Synthesize `articles` (at most `limit`), one per core at a time: more would not
    finish sooner."""
    started = time.monotonic()
    running: dict[Future, Article] = {}
    at_once = min(service.workers, os.cpu_count() or 1)
    with ThreadPoolExecutor(at_once) as pool:
        for article in itertools.islice(articles, limit):
            if len(running) >= at_once:
                _collect(running, report, advance)
            running[pool.submit(service.get, article)] = article
        while running:
            _collect(running, report, advance)
    report.elapsed = time.monotonic() - started
    return report


def _collect(running: dict[Future, Article], report: WarmReport, advance: Callable[[], None]) -> None:
    done, _ = wait(running, return_when=FIRST_COMPLETED)
    for future in done:
        article = running.pop(future)
        try:
            entry = future.result()
        except NothingToSay:
            report.silent += 1
        except (SpeechError, TimeoutError, OSError) as exc:
            report.failed.append((article.id, str(exc)))
        else:
            report.made[entry.engine] = report.made.get(entry.engine, 0) + 1
            report.fallback = report.fallback or next(iter(entry.metadata().get("fallback_reasons", [])), "")
            report.audio_seconds += entry.duration
        advance()
