"""Speech settings, from the environment (documented in docs/operators.md).

    BANTIN_AUDIO_DIR        audio cache directory        <data dir>/audio
    BANTIN_AUDIO_CACHE_MB   cache size limit, MB         1024
    BANTIN_TTS_ENGINES      engines in order, commas     gtts,espeak
    BANTIN_GTTS_URL         the online voice's endpoint  Google Translate's (HTTPS)
    BANTIN_ESPEAK_SPEED     offline voice, words/minute  175
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.paths import data_dir
from speech.engine import Engine
from speech.errors import SpeechConfigError
from speech.espeak import DEFAULT_SPEED, EspeakEngine
from speech.google import GttsEngine

ENGINES = ("gtts", "espeak")


@dataclass(frozen=True)
class SpeechConfig:
    audio_dir: Path
    cache_mb: int = 1024
    engines: tuple[str, ...] = ENGINES
    gtts_url: str | None = None
    espeak_speed: int = DEFAULT_SPEED
    workers: int = 4
    online_deadline: float = 120.0

    def __post_init__(self) -> None:
        unknown = [name for name in self.engines if name not in ENGINES]
        if unknown or not self.engines or len(set(self.engines)) != len(self.engines):
            raise SpeechConfigError(
                f"BANTIN_TTS_ENGINES không hợp lệ: {','.join(self.engines)!r}; dùng các tên {', '.join(ENGINES)}"
            )
        if self.cache_mb < 1:
            raise SpeechConfigError("BANTIN_AUDIO_CACHE_MB phải là số MB dương")
        if not 80 <= self.espeak_speed <= 450:
            raise SpeechConfigError("BANTIN_ESPEAK_SPEED phải từ 80 đến 450 từ/phút")

    @property
    def cache_bytes(self) -> int:
        return self.cache_mb * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, Any] = os.environ) -> "SpeechConfig":
        audio_dir = environ.get("BANTIN_AUDIO_DIR")
        engines = str(environ.get("BANTIN_TTS_ENGINES") or ",".join(ENGINES))
        return cls(
            audio_dir=Path(audio_dir).resolve() if audio_dir else data_dir() / "audio",
            cache_mb=_int(environ, "BANTIN_AUDIO_CACHE_MB", 1024),
            engines=tuple(name.strip().lower() for name in engines.split(",") if name.strip()),
            gtts_url=environ.get("BANTIN_GTTS_URL") or None,
            espeak_speed=_int(environ, "BANTIN_ESPEAK_SPEED", DEFAULT_SPEED),
        )

    def build_engines(self) -> list[Engine]:
        made: dict[str, Engine] = {
            "gtts": GttsEngine(endpoint=self.gtts_url),
            "espeak": EspeakEngine(speed=self.espeak_speed),
        }
        return [made[name] for name in self.engines]


def _int(environ: Mapping[str, Any], name: str, default: int) -> int:
    value = environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SpeechConfigError(f"{name} phải là một số nguyên, không phải {value!r}") from None
