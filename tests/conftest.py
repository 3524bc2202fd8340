"""Shared fixtures: the sibling shared/ folder (optional), and small real indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """../shared, or skip: a fresh clone without it must still pass."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def google_tts():
    """A local server speaking Google Translate's TTS protocol (mode "ok" until a test changes it)."""
    from tests.google_tts_server import FakeGoogleTTS

    with FakeGoogleTTS() as server:
        yield server
