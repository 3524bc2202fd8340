"""What a voice is to the rest of speech/: something that turns one sentence into PCM.

Engines speak a sentence at a time so that the article can be streamed as it is
produced, timed by counting samples, and switched to the next engine at any
sentence when the current one fails.
"""

from __future__ import annotations

import time
from typing import Protocol


class Deadline:
    """A point in (monotonic) time by which the whole article must be done."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0


class Engine(Protocol):
    #: Recorded in each audio entry and its cache key: "gtts", "espeak".
    name: str
    #: Online engines are the preferred ones whose results replace offline ones later.
    online: bool

    def voice_id(self) -> str:
        """Everything that changes how this engine sounds (voice, speed, version):
        part of the cache key, so a change of voice never serves old audio."""
        ...

    def available(self) -> bool:
        """Cheap: worth trying now? False when not installed or when it failed moments ago."""
        ...

    def speak(self, text: str, deadline: Deadline) -> bytes:
        """PCM (speech.pcm format) of `text`, one sentence; raises an EngineError subclass."""
        ...
