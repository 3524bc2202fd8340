"""The offline voice for real: espeak-ng's WAV, PCM, one MP3, and what the article script reads."""

from __future__ import annotations

import array
import subprocess

import pytest

from search.article import Article
from speech.cache import AudioCache
from speech.engine import Deadline
from speech.errors import EngineTimeout, EngineUnavailable, NothingToSay
from speech.espeak import EspeakEngine
from speech.mp3 import DELAY_SAMPLES, Mp3Encoder
from speech.pcm import SAMPLE_RATE, mp3_to_pcm, seconds, wav_to_pcm
from speech.script import script_for
from speech.service import AudioService
from tests.speech_helpers import article, long_article


def test_espeak_wav_with_placeholder_sizes_is_read_to_its_real_end() -> None:
    wav = subprocess.run(["espeak-ng", "-v", "vi", "--stdout", "Xin chào"], capture_output=True, check=True).stdout
    declared = int.from_bytes(wav[40:44], "little")
    assert declared > len(wav)  # the placeholder the pipe left
    pcm = wav_to_pcm(wav)
    assert len(pcm) == len(wav) - 44
    assert 0.3 < seconds(pcm) < 3


def test_longer_text_is_longer_speech() -> None:
    engine = EspeakEngine()
    short = engine.speak("Xin chào.", Deadline(10))
    longer = engine.speak("Xin chào các bạn, hôm nay tỉnh tổ chức hội nghị tổng kết công tác cải cách hành chính.", Deadline(10))
    assert seconds(longer) > 2 * seconds(short) > 0.4


def test_espeak_failures_are_typed() -> None:
    with pytest.raises(EngineUnavailable):
        EspeakEngine(executable="espeak-ng-not-installed").speak("Xin chào.", Deadline(10))
    expired = Deadline(0)
    with pytest.raises(EngineTimeout):
        EspeakEngine().speak("Xin chào.", expired)
    assert not EspeakEngine(executable="espeak-ng-not-installed").available()


def test_encoder_delay_matches_what_a_decoder_plays() -> None:
    """Timings are shifted by DELAY_SAMPLES: a click at 1 s must decode at 1 s + the delay."""
    click = array.array("h", [0] * SAMPLE_RATE + [20000 if (i // 20) % 2 else -20000 for i in range(2000)] + [0] * SAMPLE_RATE)
    encoder = Mp3Encoder()
    decoded = array.array("h", mp3_to_pcm(encoder.encode(click.tobytes()) + encoder.flush()))
    onset = next(i for i, v in enumerate(decoded) if abs(v) > 5000)
    assert abs(onset - (SAMPLE_RATE + DELAY_SAMPLES)) < 16


def test_script_reads_title_lead_caption_body_in_page_order() -> None:
    a = Article(
        id="x",
        title="Khai mạc kỳ họp",
        lead="Sáng nay, kỳ họp khai mạc. Đại biểu đến đông đủ.",
        caption="Quang cảnh kỳ họp",
        body=("Kỳ họp kéo dài ba ngày.", "Cử tri theo dõi trực tuyến!"),
        author="Minh Thư",
    )
    lines = script_for(a).lines
    assert [(line.part, line.paragraph, line.text) for line in lines] == [
        ("title", 0, "Khai mạc kỳ họp"),
        ("lead", 0, "Sáng nay, kỳ họp khai mạc."),
        ("lead", 0, "Đại biểu đến đông đủ."),
        ("caption", 0, "Quang cảnh kỳ họp"),
        ("body", 0, "Kỳ họp kéo dài ba ngày."),
        ("body", 1, "Cử tri theo dõi trực tuyến!"),
    ]
    assert [line.opens_block for line in lines] == [True, True, False, True, True, True]
    assert script_for(a).digest != script_for(Article(id="x", title="Khai mạc kỳ họp")).digest
    with pytest.raises(NothingToSay):
        script_for(Article(id="empty", title=" ", body=("...",)))


def test_a_4000_character_article_is_minutes_of_mp3(tmp_path) -> None:
    service = AudioService(AudioCache(tmp_path, 10**9), [EspeakEngine()])
    short = service.get(article("ngan", paragraphs=1))
    long = service.get(long_article(4000))
    service.close()
    decoded = seconds(mp3_to_pcm(long.path.read_bytes()))
    assert decoded > 150  # minutes, not seconds
    assert abs(decoded - long.duration) < 0.2
    assert seconds(mp3_to_pcm(short.path.read_bytes())) < decoded / 5
    assert long.size / (long.duration / 60) < 0.5 * 1024 * 1024  # at most 0.5 MB per minute
    timings = long.timings()
    assert len(timings) == len(script_for(long_article(4000)).lines)
    assert all(t["start"] < t["end"] for t in timings)
    assert all(a["end"] < b["start"] for a, b in zip(timings, timings[1:]))
    assert timings[0]["part"] == "title" and timings[-1]["part"] == "body"
    assert timings[-1]["end"] <= long.duration + 0.01
    assert long.engine == "espeak"
