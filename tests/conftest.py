"""Shared fixtures: the sibling shared/ folder (optional), small real indexes, and the
site on one of them (`app`, `client`, `runner`, as the Flask tutorial gives them).

Hypothesis profiles (HYPOTHESIS_PROFILE=...): `ci`, the default, runs 1,000
examples per property test that does not set its own count (tests/test_hostile.py:
a few thousand inputs per parser and for the query path in under a minute on
two cores); `dev` runs 100 while iterating; `thorough` 20,000, for a long run
before a release.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
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
# A test that makes the app without the `instance` fixture (search counts, audio,
# the secret key) writes into a folder of this run, never the checkout's ./instance.
_DATA = tempfile.mkdtemp(prefix="bantin-test-data-")
atexit.register(shutil.rmtree, _DATA, ignore_errors=True)
os.environ["BANTIN_DATA_DIR"] = _DATA


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


@pytest.fixture(scope="session")
def site_index(tmp_path_factory) -> Path:
    """The site's index (index/samples with sections, and two hostile articles),
    built once per run: the pages and the API only read it. A test that writes
    an index builds its own."""
    from tests.browser.site import build_site_index

    return build_site_index(tmp_path_factory.mktemp("site")).root


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    """The instance folder (secret key, audit log, audio, synonyms) of this test only."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("BANTIN_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def make_app(site_index, instance):
    """create_app on the site index, in testing mode; keyword arguments override the configuration."""
    from web import create_app

    def make(**config):
        return create_app({"INDEX_DIR": str(site_index), "TESTING": True, **config})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
