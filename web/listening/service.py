"""The app's one AudioService: settings from the app's configuration, made on first use, closed at exit.

Made on first use, not in the factory: every app (and every test app) would
otherwise create an audio folder and worker pools it may never need. Settings
are read in the factory, so a wrong value is logged when the site starts; the
site still serves search and articles, and the audio routes answer with the
reason.

The metrics of listening are taken here, where the web layer meets speech/:
whether the audio asked for was in the cache (`start`), and how long each
voice takes over a sentence (its engines are handed to the service timed),
so speech/ knows nothing of Prometheus.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from flask import Flask, current_app
from prometheus_client import Histogram

from search.article import Article
from speech.cache import AudioEntry
from speech.config import SpeechConfig
from speech.engine import Deadline, Engine
from speech.errors import SpeechConfigError
from speech.service import AudioService
from speech.synthesis import AudioJob
from web.plumbing import metrics

log = logging.getLogger(__name__)

# The speech settings, under the same names as everywhere else: BANTIN_<NAME> in the
# environment (Flask's from_prefixed_env already copies them into the config), or
# <NAME> in bantin.cfg or in create_app's mapping (tests give a tmp AUDIO_DIR).
SETTINGS = ("AUDIO_DIR", "AUDIO_CACHE_MB", "TTS_ENGINES", "GTTS_URL", "ESPEAK_SPEED")
EXTENSION = "bantin.audio"


class TimedVoice:
    """An engine whose sentences, when spoken, are timed into a histogram by voice.

    Each sentence, not each article: an article's audio can be spoken by two voices
    (the offline one taking over), and sentences are spoken a few ahead in parallel.
    """

    def __init__(self, engine: Engine, seconds: Histogram) -> None:
        self.engine, self.name, self.online = engine, engine.name, engine.online
        self._seconds = seconds.labels(engine.name)

    def voice_id(self) -> str:
        return self.engine.voice_id()

    def available(self) -> bool:
        return self.engine.available()

    def speak(self, text: str, deadline: Deadline) -> bytes:
        started = time.perf_counter()
        pcm = self.engine.speak(text, deadline)  # a failure is not a voice's speed: not timed
        self._seconds.observe(time.perf_counter() - started)
        return pcm


class AppAudio:
    """Holds the service of one app."""

    def __init__(self, config: SpeechConfig | None, error: SpeechConfigError | None, seconds: Histogram) -> None:
        self.config, self.error = config, error
        self._seconds = seconds
        self._service: AudioService | None = None
        self._lock = threading.Lock()

    def service(self) -> AudioService:
        """Raises SpeechConfigError when the settings are unusable."""
        if self.error is not None:
            raise self.error
        with self._lock:
            if self._service is None:
                assert self.config is not None
                timed = [TimedVoice(engine, self._seconds) for engine in self.config.build_engines()]
                self._service = AudioService.from_config(self.config, engines=timed)
                # Queued syntheses are dropped at exit; running ones finish (each has a deadline).
                atexit.register(self._service.close, wait=False)
            return self._service


def speech_config(app: Flask) -> SpeechConfig:
    environ = dict(os.environ)
    for name in SETTINGS:
        value = app.config.get(name)
        if isinstance(value, (list, tuple)):  # TTS_ENGINES = ["espeak"] in bantin.cfg
            value = ",".join(map(str, value))
        if value is not None:
            environ[f"BANTIN_{name}"] = str(value)
    return SpeechConfig.from_env(environ)


def register(app: Flask) -> None:
    seconds = metrics.of(app).speech_seconds
    try:
        holder = AppAudio(speech_config(app), None, seconds)
    except SpeechConfigError as exc:
        log.error("article audio is off: %s", exc)
        holder = AppAudio(None, exc, seconds)
    app.extensions[EXTENSION] = holder


def audio_service() -> AudioService:
    return current_app.extensions[EXTENSION].service()


def start(article: Article) -> AudioEntry | AudioJob:
    """`AudioService.start` for a listener, counted as a cache hit or miss."""
    started = audio_service().start(article)
    metrics.audio_lookup(hit=isinstance(started, AudioEntry))
    return started
