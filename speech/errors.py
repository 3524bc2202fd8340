"""Every way speech can fail, as its own type, with a message a reader or staff can act on.

Messages are in Vietnamese because they reach the interface (the web layer's
JSON errors, `bantin audio warm`'s report).
"""

from __future__ import annotations


class SpeechError(Exception):
    """Base of every error raised by speech/."""


class NothingToSay(SpeechError):
    """The article has no text to read aloud."""


class SpeechConfigError(SpeechError):
    """A setting (environment variable or argument) has a value speech cannot use."""


class EngineError(SpeechError):
    """One engine could not speak one piece of text; the next engine may."""

    def __init__(self, engine: str, message: str) -> None:
        super().__init__(f"{engine}: {message}")
        self.engine = engine


class EngineUnavailable(EngineError):
    """The engine cannot be used right now: not installed, or failed moments ago."""


class EngineTimeout(EngineError):
    """A request or subprocess took longer than its timeout, or the article's deadline passed."""


class EngineConnectionError(EngineError):
    """The online voice's server could not be reached."""


class EngineTLSError(EngineConnectionError):
    """The server's TLS certificate did not verify: nothing it sent is trusted."""


class EngineHTTPError(EngineError):
    """The server answered with an HTTP error status."""

    def __init__(self, engine: str, status: int) -> None:
        super().__init__(engine, f"máy chủ trả lỗi HTTP {status}")
        self.status = status


class EngineBadResponse(EngineError):
    """The engine answered, but not with audio (protocol change, garbage, broken WAV/MP3)."""


class SynthesisFailed(SpeechError):
    """No configured engine could speak the article; `errors` says why each one failed."""

    def __init__(self, errors: list[EngineError]) -> None:
        reasons = "; ".join(str(e) for e in errors) or "không có bộ đọc nào được cấu hình"
        super().__init__(f"không tạo được âm thanh cho bài viết ({reasons})")
        self.errors = errors
