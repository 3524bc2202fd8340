"""The online voice against a local server speaking Google's TTS protocol, and its TLS settings."""

from __future__ import annotations

import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests
from gtts.utils import _translate_url
from requests.adapters import BaseAdapter

from speech.engine import Deadline
from speech.errors import EngineBadResponse, EngineConnectionError, EngineHTTPError, EngineTimeout, EngineTLSError, EngineUnavailable
from speech.google import MAX_CHARS, GttsEngine, chunks, endpoint_url
from speech.pcm import seconds
from tests.google_tts_server import FakeGoogleTTS

LONG_SENTENCE = (
    "Theo báo cáo của Ủy ban nhân dân tỉnh, trong năm qua toàn tỉnh đã giải quyết việc làm cho hơn hai mươi "
    "nghìn lao động, vượt kế hoạch đề ra; tỷ lệ hộ nghèo giảm còn một phẩy năm phần trăm theo chuẩn nghèo đa "
    "chiều giai đoạn mới của Chính phủ."
)


def test_chunks_fit_google_and_break_where_a_reader_pauses() -> None:
    pieces = chunks(LONG_SENTENCE)
    assert all(0 < len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces) == LONG_SENTENCE  # nothing lost or reordered
    assert pieces[0].endswith(",") and pieces[1].endswith(";")  # cut after clause punctuation first
    assert min(len(p) for p in pieces) > 20  # no one-word tail read on its own
    assert chunks("Xin chào.") == ["Xin chào."]
    assert chunks(" … ") == []
    assert all(len(p) <= MAX_CHARS for p in chunks("a" * 250))


def test_speaks_through_the_protocol_on_one_kept_alive_connection(google_tts) -> None:
    engine = GttsEngine(endpoint=google_tts.url)
    short = engine.speak("Xin chào.", Deadline(30))
    long = engine.speak(LONG_SENTENCE, Deadline(30))
    assert google_tts.texts == ["Xin chào.", *chunks(LONG_SENTENCE)]
    assert google_tts.langs == {"vi"}
    assert len(google_tts.connections) == 1  # every request reused the first connection
    assert seconds(long) > 3 * seconds(short) > 0.3


def test_default_endpoint_is_googles_over_verified_https() -> None:
    assert endpoint_url() == _translate_url(tld="com", path="_/TranslateWebserverUi/data/batchexecute")
    seen: list[dict] = []

    class Recorder(BaseAdapter):
        def send(self, request, **kwargs):
            seen.append({"url": request.url, **kwargs})
            raise requests.exceptions.ConnectionError("recorded, not sent")

        def close(self) -> None:
            pass

    class Recorded(GttsEngine):
        def new_session(self):
            session = super().new_session()
            session.mount("https://", Recorder())
            return session

    engine = Recorded()
    assert engine.endpoint.startswith("https://translate.google.com/")
    with pytest.raises(EngineConnectionError):
        engine.speak("Xin chào.", Deadline(30))
    assert seen and seen[0]["url"] == engine.endpoint
    # gTTS itself sends verify=False; here it is True, or the CA bundle REQUESTS_CA_BUNDLE names
    verify = seen[0]["verify"]
    assert verify is True or (isinstance(verify, str) and Path(verify).is_file())
    assert seen[0]["timeout"] == (3.0, 5.0)


@pytest.fixture
def self_signed(tmp_path: Path) -> ssl.SSLContext:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            capture_output=True, check=True,
        )  # fmt: skip
    except FileNotFoundError:
        pytest.skip("openssl is not installed")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_an_untrusted_certificate_is_refused(self_signed) -> None:
    with FakeGoogleTTS(tls_context=self_signed) as server:
        engine = GttsEngine(endpoint=server.url)
        with pytest.raises(EngineTLSError):
            engine.speak("Xin chào.", Deadline(10))
        assert server.texts == []  # nothing was sent over the unverified connection


def test_a_slow_server_is_cut_at_the_deadline(google_tts) -> None:
    google_tts.mode, google_tts.delay = "slow", 30
    engine = GttsEngine(endpoint=google_tts.url, read_timeout=20)
    started = time.monotonic()
    with pytest.raises(EngineTimeout):
        engine.speak(LONG_SENTENCE, Deadline(1.0))
    assert time.monotonic() - started < 5
    assert not engine.available()  # it rests instead of making the next article wait too


@pytest.mark.parametrize(
    ("mode", "error"),
    [("error", EngineHTTPError), ("garbage", EngineBadResponse), ("not_mp3", EngineBadResponse)],
)
def test_server_failures_are_typed_errors(google_tts, mode, error) -> None:
    google_tts.mode = mode
    engine = GttsEngine(endpoint=google_tts.url, retry_after=60)
    with pytest.raises(error) as raised:
        engine.speak("Xin chào.", Deadline(10))
    assert raised.value.engine == "gtts"
    with pytest.raises(EngineUnavailable):  # resting: no request for the next sentence
        engine.speak("Xin chào.", Deadline(10))
    assert len(google_tts.texts) == 1


def test_unreachable_server_is_a_connection_error() -> None:
    engine = GttsEngine(endpoint="http://127.0.0.1:9/batchexecute")
    with pytest.raises(EngineConnectionError):
        engine.speak("Xin chào.", Deadline(5))
