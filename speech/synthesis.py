"""One article's synthesis: sentence by sentence, engine after engine, into one MP3 that can be
listened to while it grows.

Each sentence's PCM goes straight into one MP3 encoder, and the bytes it gives
back are at once readable by every listener of the job (`AudioJob.stream`) and
written to the cache's pending file. So a reader hears the title as soon as it
is spoken, while the rest of the article is still being synthesized, and the
MP3 streamed is byte for byte the one cached.

Engines are tried in the configured order; when one fails on a sentence, the
next one speaks that sentence and every later one (a reader who already heard
the online voice hears the offline one continue; the entry is then labelled
"gtts+espeak" and, like a pure offline entry, replaced once the online voice
is back).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from filelock import Timeout as LockTimeout

from search.article import Article
from speech.cache import AudioCache, AudioEntry, PendingAudio, entry_key
from speech.engine import Deadline, Engine
from speech.errors import EngineError, SpeechError, SynthesisFailed
from speech.mp3 import DELAY_SECONDS, Mp3Encoder
from speech.pcm import SAMPLE_RATE, SAMPLE_WIDTH, silence
from speech.script import Script

log = logging.getLogger(__name__)

# Pauses, in seconds, before a sentence: within a paragraph, and at the start of a
# title/lead/caption/paragraph. espeak-ng's own pauses at a full stop are short.
PAUSE_SENTENCE = 0.3
PAUSE_BLOCK = 0.7
# Sentences spoken ahead of the one being encoded (see _Speaker).
AHEAD = 2


def engine_labels(engines: Sequence[Engine]) -> list[str]:
    """Every label a synthesis with these engines can produce, in order of preference:
    the first engine alone, then it continued by a later one, ..., the last alone."""
    names = [engine.name for engine in engines]
    combos = [c for n in range(1, len(names) + 1) for c in itertools.combinations(range(len(names)), n)]
    return ["+".join(names[i] for i in combo) for combo in sorted(combos)]


class AudioJob:
    """A synthesis running in a worker thread, shared by every request for the same article."""

    def __init__(
        self,
        article: Article,
        script: Script,
        engines: Sequence[Engine],
        cache: AudioCache,
        deadlines: dict[bool, float],  # seconds for the whole article, by Engine.online
        lock_timeout: float = 600.0,
    ) -> None:
        self.article, self.script, self.engines, self.cache = article, script, list(engines), cache
        self.deadlines = deadlines
        self.lock_timeout = lock_timeout
        self.digest = script.digest
        self._cond = threading.Condition()
        self._data = bytearray()
        self._timings: list[dict[str, Any]] = []
        self._finished = False
        self._error: SpeechError | None = None
        self._entry: AudioEntry | None = None
        self.done = threading.Event()

    # --- what listeners call --------------------------------------------------------

    def stream(self, wait: float = 30.0) -> Iterator[bytes]:
        """The MP3 from its first byte, each piece as soon as it exists, until the end.

        Raises SynthesisFailed (or another SpeechError) if the job fails, and
        TimeoutError if no new audio comes for `wait` seconds.
        """
        position = 0
        while True:
            with self._cond:
                if position == len(self._data) and not self._finished:
                    if not self._cond.wait_for(lambda: position < len(self._data) or self._finished, wait):
                        raise TimeoutError("âm thanh không được tạo kịp")
                chunk = bytes(self._data[position:])
                finished, error = self._finished, self._error
            position += len(chunk)
            if chunk:
                yield chunk
            elif finished:
                if error is not None:
                    raise error
                return

    def timings(self) -> list[dict[str, Any]]:
        """Sentences spoken so far (all of them once done)."""
        with self._cond:
            return list(self._timings)

    def result(self, timeout: float | None = None) -> AudioEntry:
        """The finished entry; raises the job's error, or TimeoutError."""
        if not self.done.wait(timeout):
            raise TimeoutError("âm thanh chưa tạo xong")
        if self._error is not None:
            raise self._error
        assert self._entry is not None
        return self._entry

    # --- the work ------------------------------------------------------------------

    def run(self) -> None:
        try:
            with self.cache.lock(self.digest, timeout=self.lock_timeout):
                entry = self._existing()
                if entry is not None:
                    # Made meanwhile by another process (or for another article with the same text).
                    self._publish(entry.path.read_bytes(), entry.timings())
                else:
                    entry = self._synthesize()
                self.cache.point(self.article, self.digest, entry)
            self._finish(entry=entry)
        except LockTimeout:
            self._finish(error=SpeechError("một tiến trình khác đang tạo âm thanh cho bài này quá lâu"))
        except SpeechError as exc:
            self._finish(error=exc)
        except Exception as exc:  # a bug or a disk error: listeners must not wait forever
            log.exception("synthesis of %s failed", self.article.id)
            self._finish(error=SpeechError(f"lỗi khi tạo âm thanh: {exc}"))

    def _voices(self, label: str) -> list[str]:
        by_name = {engine.name: engine for engine in self.engines}
        return [by_name[name].voice_id() for name in label.split("+")]

    def _existing(self) -> AudioEntry | None:
        for label in engine_labels(self.engines):
            entry = self.cache.entry(entry_key(self.digest, label, self._voices(label)))
            if entry is not None:
                return entry
        return None

    def _synthesize(self) -> AudioEntry:
        pending = self.cache.begin()
        try:
            encoder = Mp3Encoder()
            speaker = _Speaker(self.engines, self.deadlines)
            samples = 0
            spoken = speaker.pcm([line.spoken for line in self.script.lines])
            for number, (line, pcm) in enumerate(zip(self.script.lines, spoken)):
                pause = silence(PAUSE_BLOCK if line.opens_block else PAUSE_SENTENCE) if number else b""
                start = (samples + len(pause)) // SAMPLE_WIDTH
                samples += len(pause) + len(pcm)
                timing = {
                    "start": round(start / SAMPLE_RATE + DELAY_SECONDS, 3),
                    "end": round(samples // SAMPLE_WIDTH / SAMPLE_RATE + DELAY_SECONDS, 3),
                    "text": line.text,
                    "part": line.part,
                    "paragraph": line.paragraph,
                }
                self._emit(encoder.encode(pause + pcm), pending, timing)
            self._emit(encoder.flush(), pending)
            label = "+".join(speaker.used)
            meta = {
                "article": self.article.id,
                "digest": self.digest,
                "engine": label,
                "voices": self._voices(label),
                "duration": round(samples // SAMPLE_WIDTH / SAMPLE_RATE + DELAY_SECONDS, 3),
                "sentences": self.timings(),
            }
            if speaker.errors:
                meta["fallback_reasons"] = [str(e) for e in speaker.errors]
            entry = self.cache.commit(pending, entry_key(self.digest, label, self._voices(label)), meta)
        except BaseException:
            pending.abort()
            raise
        self.cache.evict(keep=entry.key)
        return entry

    def _emit(self, data: bytes, pending: PendingAudio, timing: dict[str, Any] | None = None) -> None:
        if data:
            pending.write(data)
        with self._cond:
            self._data += data
            if timing is not None:
                self._timings.append(timing)
            self._cond.notify_all()

    def _publish(self, data: bytes, timings: list[dict[str, Any]]) -> None:
        with self._cond:
            self._data += data
            self._timings = list(timings)
            self._cond.notify_all()

    def _finish(self, entry: AudioEntry | None = None, error: SpeechError | None = None) -> None:
        with self._cond:
            self._entry, self._error, self._finished = entry, error, True
            self._cond.notify_all()
        self.done.set()


class _Speaker:
    """Engines in order, a few sentences ahead of the listener; a failed engine is left
    for the rest of the article.

    Speaking ahead overlaps the engine (a subprocess, or a request in flight) with
    encoding the sentence before: on two cores that nearly halves an article's time.
    """

    def __init__(self, engines: Sequence[Engine], deadlines: dict[bool, float], ahead: int = AHEAD) -> None:
        self.engines = list(engines)
        self.deadline_seconds = deadlines
        self.ahead = ahead
        self.current = 0
        self.used: list[str] = []
        self.errors: list[EngineError] = []

    def pcm(self, texts: Sequence[str]) -> Iterator[bytes]:
        """The PCM of each text, in order."""
        with ThreadPoolExecutor(self.ahead + 1, thread_name_prefix="bantin-speak") as pool:
            futures: dict[int, Future[bytes]] = {}
            deadlines: dict[str, Deadline] = {}
            number = 0
            while number < len(texts):
                if self.current >= len(self.engines):
                    raise SynthesisFailed(self.errors)
                engine = self.engines[self.current]
                if engine.name not in deadlines:
                    # Each engine's deadline starts when it first speaks: the offline voice
                    # taking over late in the article still gets its full time.
                    deadlines[engine.name] = Deadline(self.deadline_seconds[engine.online])
                deadline = deadlines[engine.name]
                # Nothing ahead of the first sentence: on two cores, helpers competing
                # with it would delay the first audio the reader is waiting for.
                window = self.ahead + 1 if number else 1
                for ahead in range(number, min(number + window, len(texts))):
                    if ahead not in futures:
                        futures[ahead] = pool.submit(engine.speak, texts[ahead], deadline)
                try:
                    # An engine resting or not installed says so at once.
                    pcm = futures.pop(number).result()
                except EngineError as exc:
                    log.info("engine %s failed, the next one takes over: %s", engine.name, exc)
                    self.errors.append(exc)
                    self.current += 1
                    for future in futures.values():  # spoken by the failed engine: not used
                        future.cancel()
                    futures.clear()
                    continue
                if engine.name not in self.used:
                    self.used.append(engine.name)
                yield pcm
                number += 1
