"""The audio product: fallback between engines, one synthesis per article, streaming, the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from speech.cache import AudioCache
from speech.config import SpeechConfig
from speech.errors import SpeechConfigError, SynthesisFailed
from speech.espeak import EspeakEngine
from speech.google import GttsEngine
from speech.pcm import mp3_to_pcm, seconds
from speech.script import script_for
from speech.service import AudioService
from speech.synthesis import AudioJob
from tests.speech_helpers import CountingEspeak, article

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path) -> AudioCache:
    return AudioCache(tmp_path / "audio", 10**9)


def make_service(cache: AudioCache, *engines, **kwargs) -> AudioService:
    return AudioService(cache, list(engines) or [EspeakEngine()], **kwargs)


def test_online_voice_when_it_answers(cache, google_tts) -> None:
    service = make_service(cache, GttsEngine(endpoint=google_tts.url), EspeakEngine())
    entry = service.get(article())
    assert entry.engine == "gtts"
    assert len(google_tts.texts) >= len(script_for(article()).lines)
    assert seconds(mp3_to_pcm(entry.path.read_bytes())) > 5
    service.close()


@pytest.mark.parametrize("mode", ["error", "garbage", "slow"])
def test_online_failure_falls_back_to_offline(cache, google_tts, mode) -> None:
    google_tts.mode, google_tts.delay = mode, 30
    service = make_service(cache, GttsEngine(endpoint=google_tts.url), EspeakEngine(), online_deadline=1.0)
    started = time.monotonic()
    entry = service.get(article())
    assert time.monotonic() - started < 10  # the slow server cost its deadline, not 30 s per request
    assert entry.engine == "espeak"
    assert "gtts" in entry.metadata()["fallback_reasons"][0]
    assert len(entry.timings()) == len(script_for(article()).lines)
    service.close()


def test_online_failing_mid_article_is_continued_offline(cache, google_tts) -> None:
    google_tts.mode, google_tts.fail_on = "fail_on", "Người dân có thể nộp"  # paragraph 2
    service = make_service(cache, GttsEngine(endpoint=google_tts.url), EspeakEngine())
    entry = service.get(article(paragraphs=2))
    assert entry.engine == "gtts+espeak"
    assert len(entry.timings()) == len(script_for(article(paragraphs=2)).lines)
    assert "HTTP 503" in entry.metadata()["fallback_reasons"][0]
    service.close()


def test_every_engine_failing_is_a_clear_error(cache, google_tts) -> None:
    google_tts.mode = "error"
    service = make_service(cache, GttsEngine(endpoint=google_tts.url), EspeakEngine(executable="no-such-espeak"))
    with pytest.raises(SynthesisFailed) as raised:
        service.get(article())
    assert "HTTP 503" in str(raised.value) and "no-such-espeak" in str(raised.value)
    assert service.ready(article()) is None
    assert not list(cache.entries_dir.iterdir()) and not list(cache.tmp_dir.iterdir())
    service.close()


def test_offline_audio_is_replaced_once_online_is_back(cache, google_tts) -> None:
    online = GttsEngine(endpoint=google_tts.url, retry_after=0)
    service = make_service(cache, online, EspeakEngine())
    google_tts.mode = "error"
    offline = service.get(article())
    assert offline.engine == "espeak"

    google_tts.mode = "ok"
    served = service.start(article())
    assert served == offline  # the reader is served at once what exists...
    for job in service.running():  # ...while the online voice re-makes it in the background
        job.result(timeout=60)
    upgraded = service.ready(article())
    assert upgraded.engine == "gtts" and upgraded.etag != offline.etag
    assert service.start(article()) == upgraded
    assert not service.running()  # nothing more to improve
    service.close()


def test_no_replacement_while_the_online_voice_rests(cache, google_tts) -> None:
    online = GttsEngine(endpoint=google_tts.url, retry_after=300)
    service = make_service(cache, online, EspeakEngine())
    google_tts.mode = "error"
    service.get(article())
    google_tts.mode = "ok"
    asked = len(google_tts.texts)
    service.start(article())
    assert not service.running() and len(google_tts.texts) == asked
    service.close()


def test_ten_concurrent_requests_make_one_synthesis(cache) -> None:
    engine = CountingEspeak()
    service = make_service(cache, engine)
    barrier = threading.Barrier(10)
    results = []

    def request() -> None:
        barrier.wait()
        results.append(service.get(article(paragraphs=2), timeout=60))

    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 10 and len({r.key for r in results}) == 1
    assert engine.calls == len(script_for(article(paragraphs=2)).lines)  # each sentence spoken once
    service.close()


def test_two_processes_sharing_the_cache_make_one_synthesis(cache) -> None:
    """Two services (as in two server processes) on one directory: the file lock dedupes."""
    first, second = CountingEspeak(), CountingEspeak()
    services = [make_service(cache, first), make_service(AudioCache(cache.root, 10**9), second)]
    jobs = [s.start(article()) for s in services]
    entries = [job.result(timeout=60) for job in jobs]
    assert entries[0].key == entries[1].key
    assert sorted([first.calls, second.calls])[0] == 0  # one of them found the other's audio
    assert b"".join(jobs[0].stream()) == b"".join(jobs[1].stream()) == entries[0].path.read_bytes()
    for s in services:
        s.close()


class GatedEspeak(EspeakEngine):
    """Speaks the title at once; every other sentence waits until the test says go."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.go = threading.Event()

    def speak(self, text, deadline):
        if text != self.title:
            assert self.go.wait(30)
        return super().speak(text, deadline)


def test_first_sentence_is_streamed_before_the_article_is_done(cache) -> None:
    engine = GatedEspeak(article().title)
    service = make_service(cache, engine)
    job = service.start(article(paragraphs=3))
    assert isinstance(job, AudioJob)
    stream = job.stream()
    first = next(stream)
    assert first[:2] in (b"\xff\xf3", b"\xff\xf2", b"\xff\xfb") and len(first) > 1000  # MP3 frames
    assert not job.done.is_set() and len(job.timings()) == 1  # only the title so far
    assert seconds(mp3_to_pcm(first)) > 0.5  # already playable speech
    engine.go.set()
    rest = b"".join(stream)
    entry = job.result(timeout=60)
    assert first + rest == entry.path.read_bytes()  # what was streamed is exactly what is cached
    assert job.timings() == entry.timings()
    assert service.start(article(paragraphs=3)) == entry
    service.close()


def test_lookup_follows_the_article_text(cache) -> None:
    service = make_service(cache)
    entry = service.get(article())
    assert service.ready(article()) == entry
    changed = article(title="Cải cách hành chính năm 2024")
    assert service.ready(changed) is None  # an edited article is not served its old audio
    assert service.ready(article(article_id="bai-khac")) is None
    # Another article with the same text reuses the entry without synthesizing.
    again = service.get(article(article_id="bai-khac"))
    assert again.key == entry.key
    service.close()


def test_least_recently_used_entries_are_evicted(tmp_path) -> None:
    cache = AudioCache(tmp_path, 10**9)
    service = make_service(cache)
    entries = [service.get(article(f"bai-{n}", title=f"Tin số {n}")) for n in range(3)]
    # bai-0 oldest by making, but just listened to; bai-1 is the least recently used.
    for age, entry in zip((10, 300, 200), entries):
        os.utime(entry.meta_path, (time.time() - age, time.time() - age))
    size = sum(e.size for e in entries)
    cache.max_bytes = size  # a fourth entry does not fit: the least recently used go first
    newest = service.get(article("bai-3", title="Tin số 3"))
    assert newest.path.exists()
    assert service.ready(article("bai-1", title="Tin số 1")) is None
    assert not entries[1].path.exists() and not entries[1].meta_path.exists()
    assert service.ready(article("bai-0", title="Tin số 0")) is not None
    assert cache.usage() <= cache.max_bytes
    service.close()


CRASHING_WRITER = """
import os, sys
from speech.cache import AudioCache
pending = AudioCache(sys.argv[1], 10**9).begin()
pending.write(b"\\xff\\xf3" * 50000)
pending._file.flush()
print(pending.path, flush=True)
os._exit(1)  # the process dies mid-write: no commit, no cleanup
"""


def test_a_crash_mid_write_leaves_no_visible_entry(cache) -> None:
    done = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(cache.root)], capture_output=True, text=True, cwd=REPO)
    left = Path(done.stdout.strip())
    assert done.returncode == 1 and left.parent == cache.tmp_dir and left.stat().st_size == 100000
    assert not list(cache.entries_dir.iterdir())  # nothing half-written where readers look
    service = make_service(cache)
    assert service.ready(article()) is None
    entry = service.get(article())
    assert mp3_to_pcm(entry.path.read_bytes())
    os.utime(left, (0, 0))  # an hour later, the leftover is swept
    cache.evict()
    assert not left.exists()
    service.close()


def test_settings_from_the_environment(tmp_path) -> None:
    config = SpeechConfig.from_env(
        {"BANTIN_AUDIO_DIR": str(tmp_path), "BANTIN_AUDIO_CACHE_MB": "5", "BANTIN_TTS_ENGINES": "espeak"}
    )
    assert (config.audio_dir, config.cache_bytes, config.engines) == (tmp_path, 5 * 1024 * 1024, ("espeak",))
    assert [e.name for e in config.build_engines()] == ["espeak"]
    default = SpeechConfig.from_env({"BANTIN_DATA_DIR": str(tmp_path)})
    assert default.engines == ("gtts", "espeak")
    for bad in ({"BANTIN_TTS_ENGINES": "piper"}, {"BANTIN_AUDIO_CACHE_MB": "lots"}, {"BANTIN_TTS_ENGINES": ","}):
        with pytest.raises(SpeechConfigError):
            SpeechConfig.from_env(bad)
