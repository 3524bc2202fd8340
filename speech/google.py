"""The online voice: Google Translate's Vietnamese voice, spoken to through gTTS's protocol.

gTTS builds the requests (its batchexecute RPC body and headers, kept up to date
upstream); sending them is done here, because gTTS itself sends with
`verify=False`, no timeout and a new connection per request. Here: certificates
verified, one keep-alive session per worker thread, a timeout per request and a
deadline for the whole article, chunks cut at clause and word boundaries, and a
typed error for every failure. After a failure the engine rests for
`retry_after` seconds, so a down network costs one timeout, not one per article.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import queue
import re
import time
import urllib.parse
from collections.abc import Iterator

import requests
from gtts import gTTS
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from speech.engine import Deadline
from speech.errors import (
    EngineBadResponse,
    EngineConnectionError,
    EngineError,
    EngineHTTPError,
    EngineTimeout,
    EngineTLSError,
    EngineUnavailable,
)
from speech.pcm import AudioFormatError, mp3_to_pcm

# The most characters Google's endpoint speaks per request (gTTS.GOOGLE_TTS_MAX_CHARS).
MAX_CHARS = gTTS.GOOGLE_TTS_MAX_CHARS
BATCHEXECUTE_PATH = "_/TranslateWebserverUi/data/batchexecute"
# gTTS's own reading of the response: the RPC's line carries the MP3, base64, as
# `jQ1olc","[\"<base64>\"]` (gtts.tts.gTTS.stream).
_AUDIO = re.compile(r'jQ1olc","\[\\"(.*)\\"]')
_CLAUSE_END = re.compile(r"(?<=[,;:–—])\s+")
_SPEAKABLE = re.compile(r"\w")


def endpoint_url(tld: str = "com") -> str:
    return f"https://translate.google.{tld}/{BATCHEXECUTE_PATH}"


def chunks(sentence: str, limit: int = MAX_CHARS) -> list[str]:
    """`sentence` in pieces of at most `limit` characters, cut where a reader would
    pause: after clause punctuation first, then between words; a word longer than
    `limit` (never in real text) is cut anywhere. Pieces with nothing to say are dropped."""
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence.strip()):
        pieces.extend(_balanced(clause.split(" "), limit) if len(clause) > limit else [clause])
    packed = _pack(pieces, " ", limit)
    return [p for p in packed if _SPEAKABLE.search(p)]


def _balanced(words: list[str], limit: int) -> list[str]:
    """Words packed into as few pieces as `limit` allows, of similar lengths
    (no one-word tail read on its own)."""
    fewest = len(_pack(words, " ", limit))
    width = -(-len(" ".join(words)) // fewest)
    while width < limit:
        packed = _pack(words, " ", width)
        if len(packed) == fewest:
            return packed
        width += 4
    return _pack(words, " ", limit)


def _pack(parts: list[str], joiner: str, limit: int) -> list[str]:
    """Greedily join consecutive parts while the result fits in `limit`."""
    out: list[str] = []
    for part in parts:
        while len(part) > limit:
            out.append(part[:limit])
            part = part[limit:]
        if out and len(out[-1]) + len(joiner) + len(part) <= limit:
            out[-1] = out[-1] + joiner + part
        elif part:
            out.append(part)
    return out


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def _why(exc: requests.exceptions.ConnectionError) -> str:
    """The useful end of requests' nested connection error messages."""
    text = str(exc)
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "không phân giải được tên miền (mất mạng?)"
    if "Connection refused" in text:
        return "máy chủ từ chối kết nối"
    return text.rsplit(": ", 1)[-1].strip(" )'\"")[:160]


class GttsEngine:
    name = "gtts"
    online = True

    def __init__(
        self,
        lang: str = "vi",
        tld: str = "com",
        endpoint: str | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 5.0,
        retry_after: float = 300.0,
    ) -> None:
        self.lang, self.tld = lang, tld
        self.endpoint = endpoint or endpoint_url(tld)
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.retry_after = retry_after
        self._down_until = 0.0
        # Idle keep-alive sessions, the most recently used first: a requests.Session is
        # not meant to be used by two threads at once, and its connection should
        # outlive the article (and the thread) that opened it.
        self._sessions: queue.LifoQueue[requests.Session] = queue.LifoQueue()

    def voice_id(self) -> str:
        return f"gtts/{self.lang}/{self.tld}"

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def new_session(self) -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    @contextlib.contextmanager
    def _session(self) -> Iterator[requests.Session]:
        try:
            session = self._sessions.get_nowait()
        except queue.Empty:
            session = self.new_session()
        try:
            yield session
        finally:
            self._sessions.put(session)

    def speak(self, text: str, deadline: Deadline) -> bytes:
        if not self.available():
            raise EngineUnavailable(self.name, "máy chủ vừa lỗi, tạm dùng giọng đọc ngoại tuyến")
        try:
            return b"".join(mp3_to_pcm(self._fetch(piece, deadline)) for piece in chunks(text))
        except AudioFormatError as exc:
            self._rest()
            raise EngineBadResponse(self.name, str(exc)) from None
        except EngineError:
            self._rest()
            raise

    def _rest(self) -> None:
        self._down_until = time.monotonic() + self.retry_after

    def _fetch(self, piece: str, deadline: Deadline) -> bytes:
        """The MP3 Google returns for one piece of at most MAX_CHARS characters."""
        remaining = deadline.remaining()
        if remaining <= 0:
            raise EngineTimeout(self.name, "hết thời hạn đọc bài")
        body = gTTS(piece, lang=self.lang, tld=self.tld, lang_check=False, pre_processor_funcs=[]).get_bodies()[0]
        try:
            with self._session() as session:
                response = session.post(
                    self.endpoint,
                    data=body,
                    headers=gTTS.GOOGLE_TTS_HEADERS,
                    timeout=(min(self.connect_timeout, remaining), min(self.read_timeout, remaining)),
                    verify=True,
                    stream=True,
                )
                with response:
                    if response.status_code >= 400:
                        raise EngineHTTPError(self.name, response.status_code)
                    content = bytearray()
                    for block in response.iter_content(16384):
                        content += block
                        if deadline.expired():
                            raise EngineTimeout(self.name, "hết thời hạn đọc bài")
        except requests.exceptions.SSLError as exc:
            raise EngineTLSError(self.name, f"chứng chỉ TLS không hợp lệ: {exc}") from None
        except requests.exceptions.Timeout:
            raise EngineTimeout(self.name, "máy chủ không trả lời kịp") from None
        except requests.exceptions.ConnectionError as exc:
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):  # a timeout while reading the body
                raise EngineTimeout(self.name, "máy chủ không trả lời kịp") from None
            raise EngineConnectionError(self.name, f"không kết nối được máy chủ {_host(self.endpoint)}: {_why(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise EngineConnectionError(self.name, f"lỗi yêu cầu: {exc}") from None
        return self._audio(content.decode("utf-8", "replace"))

    def _audio(self, text: str) -> bytes:
        for line in text.splitlines():
            found = _AUDIO.search(line)
            if found:
                try:
                    return base64.b64decode(found.group(1), validate=True)
                except (binascii.Error, ValueError):
                    break
        raise EngineBadResponse(self.name, "máy chủ trả lời nhưng không có âm thanh")
