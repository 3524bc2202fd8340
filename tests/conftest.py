"""Shared fixtures: the sibling shared/ folder (optional), and small real indexes.

Hypothesis profiles (HYPOTHESIS_PROFILE=...): `ci`, the default, runs 1,000
examples per property test that does not set its own count (tests/test_hostile.py:
a few thousand inputs per parser and for the query path in under a minute on
two cores); `dev` runs 100 while iterating; `thorough` 20,000, for a long run
before a release.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from search.meaning import SWITCH

_FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=1_000, **_FUZZ)
settings.register_profile("dev", max_examples=100, **_FUZZ)
settings.register_profile("thorough", max_examples=20_000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# Article vectors take about 0.1 s each (search/meaning/): tests of everything
# else build their indexes without them, through the deployment's own switch,
# here for every process the tests start; tests/test_meaning.py turns it back on.
os.environ[SWITCH] = "0"


@pytest.fixture(autouse=True)
def niceness(monkeypatch) -> list[int]:
    """`bantin index build/update` lower their own CPU priority (os.nice). Run in
    process by CliRunner, that would lower the test runner's for good: recorded instead."""
    calls: list[int] = []
    monkeypatch.setattr(os, "nice", calls.append)
    return calls


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
