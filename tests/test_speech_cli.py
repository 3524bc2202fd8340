"""`bantin audio warm` through Click's runner, on a small real index built from index/samples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.build import build
from search.engine import SearchEngine
from search.storage.generations import IndexStore
from speech.cache import AudioCache
from speech.espeak import EspeakEngine
from speech.service import AudioService
from tests.terminal import bantin_on_terminal
from web.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "index" / "samples"
# Three short sample articles, oldest to newest.
CHOSEN = ("2023-02-05-le-hoi-cau-ngu-an-hai.txt", "2024-05-30-nang-nong-gay-gat.txt", "2025-01-10-thong-xe-cau-hoa-phong.txt")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("warm")
    for name in CHOSEN:
        shutil.copy(SAMPLES / name, root / name)
    build([str(root)], IndexStore(root / "ix"), jobs=1)
    return root / "ix"


def warm(index_dir: Path, audio_dir: Path, *args: str, engines: str = "espeak", **env: str):
    environment = {"BANTIN_AUDIO_DIR": str(audio_dir), "BANTIN_TTS_ENGINES": engines, **env}
    return CliRunner().invoke(main, ["audio", "warm", "--index-dir", str(index_dir), *args], env=environment)


def ready_ids(index_dir: Path, audio_dir: Path) -> set[str]:
    engine = SearchEngine(IndexStore(index_dir))
    service = AudioService(AudioCache(audio_dir, 10**9), [EspeakEngine()])
    ids = {article.id for article in engine.latest(10**6)}
    ready = {i for i in ids if service.ready(engine.article(i)) is not None}
    service.close()
    return ready


def test_warm_makes_missing_audio_newest_first(index_dir: Path, tmp_path: Path) -> None:
    audio = tmp_path / "audio"
    first = warm(index_dir, audio, "--limit", "2")
    assert first.exit_code == 0, first.output
    assert "Đã tạo âm thanh cho 2/2 bài (espeak: 2)" in first.output
    assert "Tạo âm thanh: 2/2 bài" in first.output  # progress lines off a terminal
    made = ready_ids(index_dir, audio)
    assert len(made) == 2 and not any(i.startswith("2023-02-05") for i in made)  # the two newest

    second = warm(index_dir, audio)
    assert second.exit_code == 0, second.output
    assert "Đã tạo âm thanh cho 1/1 bài" in second.output and "2 bài đã có âm thanh từ trước" in second.output
    assert len(ready_ids(index_dir, audio)) == 3

    third = warm(index_dir, audio)
    assert third.exit_code == 0 and "0/0 bài" in third.output and "3 bài đã có âm thanh từ trước" in third.output


def test_warm_fails_clearly_when_nothing_can_be_synthesized(index_dir: Path, tmp_path: Path) -> None:
    result = warm(index_dir, tmp_path / "audio", engines="gtts", BANTIN_GTTS_URL="http://127.0.0.1:9/batchexecute")
    assert result.exit_code == 1
    assert "không tạo được âm thanh cho bài nào" in result.output
    assert "không kết nối được máy chủ" in result.output


def test_warm_falls_back_to_offline_and_says_why(index_dir: Path, tmp_path: Path) -> None:
    result = warm(index_dir, tmp_path / "audio", "--limit", "1", engines="gtts,espeak", BANTIN_GTTS_URL="http://127.0.0.1:9/x")
    assert result.exit_code == 0, result.output
    assert "(espeak: 1)" in result.output and "bộ đọc dự phòng" in result.output


def test_warm_reports_bad_settings_and_missing_index(index_dir: Path, tmp_path: Path) -> None:
    bad = warm(index_dir, tmp_path / "audio", engines="piper")
    assert bad.exit_code == 1 and "BANTIN_TTS_ENGINES" in bad.output
    missing = warm(tmp_path / "no-index", tmp_path / "audio")
    assert missing.exit_code == 1 and "bantin index build" in missing.output


def test_progress_bar_on_a_terminal(index_dir: Path, tmp_path: Path) -> None:
    env = {"BANTIN_AUDIO_DIR": str(tmp_path / "audio"), "BANTIN_TTS_ENGINES": "espeak"}
    code, text = bantin_on_terminal("audio", "warm", "--limit", "1", "--index-dir", str(index_dir), env=env)
    assert code == 0, text
    assert "1/1" in text and "bài/s" in text and "%|" in text  # tqdm's bar with its rate
