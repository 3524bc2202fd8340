"""The library API the web layer and `bantin audio warm` use: article in, audio out.

    service = AudioService.from_config(SpeechConfig.from_env())
    service.ready(article)   -> AudioEntry | None   cheap lookup, never synthesizes (podcast feed)
    service.start(article)   -> AudioEntry | AudioJob
                                 the finished audio (serve the file: Range, ETag), or the running
                                 synthesis (stream `job.stream()` as it grows: the fast first audio)
    service.get(article)     -> AudioEntry           blocking: synthesize if needed (timings, warm)

Requests for the same article share one AudioJob (in this process) and one
synthesis (across processes, by the cache's file lock). When the audio served
is not from the first configured engine and that engine is online and not
resting after a failure, `start` also re-makes it with that engine in the
background; once done, lookups prefer it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from search.article import Article
from speech.cache import AudioCache, AudioEntry
from speech.config import SpeechConfig
from speech.engine import Engine
from speech.script import script_for
from speech.synthesis import AudioJob, engine_labels

log = logging.getLogger(__name__)


class AudioService:
    def __init__(
        self,
        cache: AudioCache,
        engines: Sequence[Engine],
        workers: int = 4,
        online_deadline: float = 120.0,
        offline_deadline: float = 300.0,
    ) -> None:
        if not engines:
            raise ValueError("at least one engine")
        self.cache = cache
        self.engines = list(engines)
        self.workers = workers
        self.deadlines = {True: online_deadline, False: offline_deadline}
        self._labels = engine_labels(self.engines)
        self._lock = threading.Lock()
        self._jobs: dict[tuple[str, ...], AudioJob] = {}
        # Syntheses for readers run side by side rather than queue: a new reader's first
        # sentence competing for the CPU is heard far sooner than one waiting for two
        # whole articles. They never queue behind replacements of offline audio either.
        self._readers = ThreadPoolExecutor(workers, thread_name_prefix="bantin-audio")
        self._background = ThreadPoolExecutor(1, thread_name_prefix="bantin-audio-upgrade")

    @classmethod
    def from_config(cls, config: SpeechConfig, engines: Sequence[Engine] | None = None) -> "AudioService":
        """`engines`: the configured ones as the caller wraps them (the site times them)."""
        return cls(
            AudioCache(config.audio_dir, config.cache_bytes),
            config.build_engines() if engines is None else engines,
            workers=config.workers,
            online_deadline=config.online_deadline,
        )

    @property
    def preferred(self) -> Engine:
        return self.engines[0]

    def ready(self, article: Article) -> AudioEntry | None:
        """The best finished audio of this article's current text, or None. Two small
        file reads; no normalization, no synthesis."""
        found = self.cache.pointed(article)
        if found is None:
            return None
        for label in self._labels:
            if label in found[1]:
                return found[1][label]
        return None

    def start(self, article: Article) -> AudioEntry | AudioJob:
        """What to serve now. Raises NothingToSay for an article without text."""
        entry = self.ready(article)
        if entry is not None:
            self.cache.touch(entry)
            self._maybe_upgrade(article, entry)
            return entry
        return self._job(article, self.engines, self._readers)

    def get(self, article: Article, timeout: float | None = None) -> AudioEntry:
        """The finished audio, synthesized now if needed. Raises SynthesisFailed,
        NothingToSay, or TimeoutError after `timeout` seconds."""
        started = self.start(article)
        return started if isinstance(started, AudioEntry) else started.result(timeout)

    def running(self) -> list[AudioJob]:
        with self._lock:
            return list(self._jobs.values())

    def close(self, wait: bool = True) -> None:
        self._readers.shutdown(wait=wait, cancel_futures=not wait)
        self._background.shutdown(wait=wait, cancel_futures=not wait)

    def _job(self, article: Article, engines: Sequence[Engine], pool: ThreadPoolExecutor) -> AudioJob:
        script = script_for(article)
        job_key = (script.digest, *(engine.name for engine in engines))
        with self._lock:
            job = self._jobs.get(job_key)
            if job is None:
                job = AudioJob(article, script, engines, self.cache, self.deadlines)
                self._jobs[job_key] = job
                pool.submit(self._run, job_key, job)
            return job

    def _run(self, job_key: tuple[str, ...], job: AudioJob) -> None:
        try:
            job.run()
        finally:
            # The entry is committed before the job leaves the table: a request
            # arriving in between finds one or the other, never neither.
            with self._lock:
                self._jobs.pop(job_key, None)

    def _maybe_upgrade(self, article: Article, entry: AudioEntry) -> None:
        preferred = self.preferred
        if entry.engine == preferred.name or not preferred.online or not preferred.available():
            return
        try:
            self._job(article, [preferred], self._background)
        except Exception:  # never let a background improvement break serving what exists
            log.exception("could not schedule re-synthesis of %s with %s", article.id, preferred.name)
