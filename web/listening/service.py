"""The app's one AudioService: settings from the app's configuration, made on first use, closed at exit.

Made on first use, not in the factory: every app (and every test app) would
otherwise create an audio folder and worker pools it may never need. Settings
are read in the factory, so a wrong value is logged when the site starts; the
site still serves search and articles, and the audio routes answer with the
reason.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from flask import Flask, current_app

from speech.config import SpeechConfig
from speech.errors import SpeechConfigError
from speech.service import AudioService

log = logging.getLogger(__name__)

# The speech settings, under the same names as everywhere else: BANTIN_<NAME> in the
# environment (Flask's from_prefixed_env already copies them into the config), or
# <NAME> in bantin.cfg or in create_app's mapping (tests give a tmp AUDIO_DIR).
SETTINGS = ("AUDIO_DIR", "AUDIO_CACHE_MB", "TTS_ENGINES", "GTTS_URL", "ESPEAK_SPEED")
EXTENSION = "bantin.audio"


class AppAudio:
    """Holds the service of one app."""

    def __init__(self, config: SpeechConfig | None, error: SpeechConfigError | None) -> None:
        self.config, self.error = config, error
        self._service: AudioService | None = None
        self._lock = threading.Lock()

    def service(self) -> AudioService:
        """Raises SpeechConfigError when the settings are unusable."""
        if self.error is not None:
            raise self.error
        with self._lock:
            if self._service is None:
                assert self.config is not None
                self._service = AudioService.from_config(self.config)
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
    try:
        holder = AppAudio(speech_config(app), None)
    except SpeechConfigError as exc:
        log.error("article audio is off: %s", exc)
        holder = AppAudio(None, exc)
    app.extensions[EXTENSION] = holder


def audio_service() -> AudioService:
    return current_app.extensions[EXTENSION].service()
