"""The offline voice: espeak-ng's Vietnamese voice, one subprocess per sentence.

A subprocess (rather than a binding to libespeak-ng) keeps a crash or hang in
the synthesizer out of the web server and gives a hard timeout; at ~10 ms per
call it is still hundreds of times faster than real time.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

from speech.engine import Deadline
from speech.errors import EngineBadResponse, EngineError, EngineTimeout, EngineUnavailable
from speech.pcm import AudioFormatError, wav_to_pcm

DEFAULT_VOICE = "vi"
# espeak-ng's default speaking rate in words per minute; readers change speed in the player.
DEFAULT_SPEED = 175
DEFAULT_TIMEOUT = 10.0


class EspeakEngine:
    name = "espeak"
    online = False

    def __init__(
        self,
        voice: str = DEFAULT_VOICE,
        speed: int = DEFAULT_SPEED,
        timeout: float = DEFAULT_TIMEOUT,
        executable: str = "espeak-ng",
    ) -> None:
        self.voice, self.speed, self.timeout, self.executable = voice, speed, timeout, executable
        self._version: str | None = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    def voice_id(self) -> str:
        with self._lock:
            if self._version is None:
                self._version = self._run_version()
        return f"espeak-ng {self._version}/{self.voice}/{self.speed}"

    def speak(self, text: str, deadline: Deadline) -> bytes:
        timeout = min(self.timeout, deadline.remaining())
        if timeout <= 0:
            raise EngineTimeout(self.name, "hết thời hạn đọc bài")
        # Text through stdin: no argument-length limit, and a sentence starting
        # with "-" is never taken for an option.
        command = [self.executable, "-v", self.voice, "-s", str(self.speed), "-b", "1", "--stdin", "--stdout"]
        try:
            done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=timeout)
        except FileNotFoundError:
            raise EngineUnavailable(self.name, f"chưa cài {self.executable} (make install cài nó)") from None
        except subprocess.TimeoutExpired:
            raise EngineTimeout(self.name, f"không đọc xong một câu trong {timeout:.1f} giây") from None
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise EngineError(self.name, f"thoát với mã {done.returncode}: {detail}")
        try:
            return wav_to_pcm(done.stdout)
        except AudioFormatError as exc:
            raise EngineBadResponse(self.name, str(exc)) from None

    def _run_version(self) -> str:
        try:
            done = subprocess.run([self.executable, "--version"], capture_output=True, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        words = done.stdout.decode("utf-8", "replace").split()
        # "eSpeak NG text-to-speech: 1.51  Data at: ..."
        return next((w for w in words if w[:1].isdigit()), "unknown")
