"""/metrics: the Prometheus exposition, what it counts, who may read it, and its sums
across the worker processes of `bantin serve --workers 2` (a real server)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from index.build import build
from search import meaning
from search.article import Article
from search.storage.generations import IndexStore
from tests.factories import write_jsonl
from tests.test_serve_workers import _answers, _free_port, _wait
from web.listening.service import audio_service
from web.serving.local_server import serving

REPO = Path(__file__).resolve().parents[1]
OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}  # a documentation address: the public


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of an exposition, by name and labels (it must parse)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


def scrape(client, **kwargs) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and "version=" in response.headers["Content-Type"]
    assert response.headers["Cache-Control"] == "no-store"
    return samples(response.get_data(as_text=True))


# --- what is counted ------------------------------------------------------------------


def test_the_exposition_parses_and_names_every_metric(client) -> None:
    client.get("/")
    found = scrape(client)
    assert {
        "bantin_http_requests_total",
        "bantin_search_seconds_count",
        "bantin_workers",
        "bantin_index_generation",
        "bantin_index_age_seconds",
        "bantin_index_articles",
        "bantin_index_articles_with_vectors",
    } <= {name for name, _ in found}
    assert value(found, "bantin_workers") == 1


def test_a_search_is_counted_by_its_route_and_timed(client) -> None:
    assert client.get("/search?q=hành chính").status_code == 200
    assert client.get("/api/search?q=hanh chinh").status_code == 200
    assert client.get("/search").status_code == 200  # the empty form: no search to time
    found = scrape(client)
    assert value(found, "bantin_http_requests_total", route="/search", status="200") == 2
    assert value(found, "bantin_http_requests_total", route="/api/search", status="200") == 1
    assert value(found, "bantin_search_seconds_count") == 2
    assert 0 < value(found, "bantin_search_seconds_sum") < 10
    assert value(found, "bantin_search_seconds_bucket", le="+Inf") == 2


def test_routes_are_labelled_by_rule_never_by_path(client) -> None:
    client.get("/articles/khong-co-bai-nay")
    client.get("/articles/mot-bai-khac")
    client.get("/khong/co/trang/nay")
    client.get("/day-cung-khong-co")
    found = scrape(client)
    assert value(found, "bantin_http_requests_total", route="/articles/<article_id>", status="404") == 2
    assert value(found, "bantin_http_requests_total", route="<none>", status="404") == 2
    # The scrapes themselves are not counted.
    routes = {dict(labels).get("route") for name, labels in found if name == "bantin_http_requests_total"}
    assert "/metrics" not in routes


def test_the_index_in_service_is_read_when_scraped(make_app, tmp_path) -> None:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 5))], store, jobs=1)
    generation = store.current()
    vectors = meaning.DocVectors.empty("a model", 5)
    vectors.present[:3] = True
    meaning.save(generation.path / meaning.VECTORS, vectors)
    client = make_app(INDEX_DIR=str(store.root)).test_client()
    found = scrape(client)
    assert value(found, "bantin_index_generation") == generation.number
    assert value(found, "bantin_index_articles") == 5
    assert value(found, "bantin_index_articles_with_vectors") == 3
    built = dt.datetime.fromisoformat(generation.meta()["built_at"]).timestamp()
    assert abs(value(found, "bantin_index_age_seconds") - (time.time() - built)) < 5
    # The vectors file is counted again when it changes.
    vectors.present[:] = True
    meaning.save(generation.path / meaning.VECTORS, vectors)
    assert value(scrape(client), "bantin_index_articles_with_vectors") == 5


def test_without_an_index_the_index_gauges_are_absent(make_app, tmp_path) -> None:
    found = scrape(make_app(INDEX_DIR=str(tmp_path / "nothing")).test_client())
    assert value(found, "bantin_index_articles") is None
    assert value(found, "bantin_workers") == 1


@pytest.fixture
def audio_app(make_app, tmp_path):
    article = Article(id="bai-ngan", title="Thông báo lịch tiếp dân",
                      body=("UBND tỉnh tiếp dân vào thứ Năm.",))
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(article.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    store = IndexStore(tmp_path / "ix")
    build([str(source)], store, jobs=1)
    made = make_app(INDEX_DIR=str(store.root), AUDIO_DIR=str(tmp_path / "audio"), TTS_ENGINES="espeak")
    yield made
    with made.app_context():
        audio_service().close()


def test_audio_counts_a_miss_then_a_hit_and_times_the_voice(audio_app) -> None:
    client = audio_app.test_client()
    first = client.get("/articles/bai-ngan/audio.json")  # waits for the whole article
    assert first.status_code == 200 and first.headers["X-Audio-Complete"] == "true"
    assert client.get("/articles/bai-ngan/audio.mp3").status_code == 200
    found = scrape(client)
    assert value(found, "bantin_audio_cache_lookups_total", result="miss") == 1
    assert value(found, "bantin_audio_cache_lookups_total", result="hit") == 1
    sentences = value(found, "bantin_speech_sentence_seconds_count", voice="espeak")
    assert sentences is not None and sentences >= 2  # the title and the body's sentence
    assert value(found, "bantin_speech_sentence_seconds_sum", voice="espeak") > 0


# --- who may read it --------------------------------------------------------------


def test_only_loopback_reads_it_by_default(client) -> None:
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    refused = client.get("/metrics", environ_base=OUTSIDE)
    assert refused.status_code == 404  # the site's own "no such page", in Vietnamese
    assert "Không tìm thấy trang" in refused.get_data(as_text=True)
    assert "bantin_" not in refused.get_data(as_text=True)


def test_a_proxy_the_site_was_not_told_about_is_not_loopback(make_app) -> None:
    """Behind a local proxy without TRUSTED_PROXIES every request comes from 127.0.0.1."""
    client = make_app().test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 404
    trusting = make_app(TRUSTED_PROXIES=1).test_client()
    assert trusting.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 404
    assert trusting.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_through_waitress_the_proxy_headers_reach_the_check(make_app) -> None:
    """Waitress deletes X-Forwarded-For by default: behind a local proxy every request,
    the public's included, would have looked like the machine itself."""
    with serving(make_app()) as base:
        assert requests.get(base + "/metrics", timeout=30).status_code == 200
        assert requests.get(base + "/metrics", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=30).status_code == 404
    with serving(make_app(TRUSTED_PROXIES=1)) as base:
        outside = requests.get(base + "/metrics", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=30)
        assert outside.status_code == 404
        assert requests.get(base + "/metrics", headers={"X-Forwarded-For": "::1"}, timeout=30).status_code == 200


def test_a_token_opens_it_to_any_address_and_a_wrong_one_to_none(make_app) -> None:
    client = make_app(METRICS_TOKEN="bi-mat-dai-va-ngau-nhien").test_client()
    right = {"Authorization": "Bearer bi-mat-dai-va-ngau-nhien"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=right).status_code == 200
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    for wrong in ("Bearer sai", "Bearer bi-mat-dai-va-ngau-nhie", "bi-mat-dai-va-ngau-nhien", "Basic YWRtaW46eA=="):
        assert client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": wrong}).status_code == 404
        # Credentials shown are checked even from an address that needs none.
        assert client.get("/metrics", headers={"Authorization": wrong}).status_code == 404
    # No token set: no token is right.
    assert make_app().test_client().get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_the_allowed_networks_are_a_setting(make_app) -> None:
    client = make_app(METRICS_ALLOW=["10.0.0.0/8", "2001:db8::/32"]).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "2001:db8::7"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::ffff:10.9.9.9"}).status_code == 200
    assert client.get("/metrics").status_code == 404  # loopback was replaced, not added to
    from_env = make_app(METRICS_ALLOW="10.0.0.0/8, 127.0.0.1").test_client()  # BANTIN_METRICS_ALLOW=...
    assert from_env.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert from_env.get("/metrics").status_code == 200


def test_an_unreadable_allow_list_closes_it_and_says_why(make_app, caplog) -> None:
    client = make_app(METRICS_ALLOW=["localhost"]).test_client()
    assert "METRICS_ALLOW" in caplog.text
    assert client.get("/metrics").status_code == 404
    assert client.get("/search?q=a").status_code == 200  # the site itself is unaffected


# --- several workers ------------------------------------------------------------------


@dataclasses.dataclass
class Server:
    supervisor: psutil.Process
    base: str
    tmp: Path  # the server's TMPDIR: its metrics folder is made there

    def workers(self) -> list[psutil.Process]:
        return self.supervisor.children()

    def metrics_folder(self) -> Path:
        (folder,) = self.tmp.glob("bantin-metrics-*")
        return folder

    def scrape(self) -> dict[tuple[str, frozenset], float]:
        response = requests.get(self.base + "/metrics", timeout=30)
        assert response.status_code == 200
        return samples(response.text)


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    store = IndexStore(tmp_path / "ix")
    build([str(write_jsonl(tmp_path / "a.jsonl", 30))], store, jobs=1)
    port = _free_port()
    tmp = tmp_path / "tmp"
    (tmp / "bantin-metrics-999999999-left").mkdir(parents=True)  # by a supervisor killed long ago
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),  # this checkout's code, whichever one the venv installed
        TMPDIR=str(tmp),
        BANTIN_DATA_DIR=str(tmp_path / "data"),
        BANTIN_RATELIMIT_ENABLED="false",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "2", "--threads", "2",
         "--index-dir", str(store.root)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    supervisor = psutil.Process(process.pid)
    served = Server(supervisor, f"http://127.0.0.1:{port}", tmp)
    try:
        _wait(lambda: _answers(served.base + "/healthz") and len(served.workers()) == 2)
        yield served
    finally:
        for child in supervisor.children(recursive=True) if supervisor.is_running() else []:
            child.kill()
        process.kill()
        process.wait()


def _search(base: str) -> int:
    # A connection of its own each time: the kernel hands it to whichever worker waits.
    return requests.get(base + "/search?q=bai", timeout=30).status_code


def test_workers_add_up_and_a_dead_one_loses_no_count(server: Server) -> None:
    pids = {worker.pid for worker in server.workers()}
    folder = server.metrics_folder()
    assert folder.name.startswith(f"bantin-metrics-{server.supervisor.pid}-")  # the orphan is gone
    made = 0
    with ThreadPoolExecutor(4) as pool:
        while made < 400 and not all((folder / f"counter_{pid}.db").exists() for pid in pids):
            assert set(pool.map(_search, [server.base] * 10)) == {200}
            made += 10
    assert all((folder / f"counter_{pid}.db").exists() for pid in pids), "one worker answered every request"

    found = server.scrape()
    assert value(found, "bantin_http_requests_total", route="/search", status="200") == made
    assert value(found, "bantin_search_seconds_count") == made
    assert value(found, "bantin_workers") == 2
    assert value(found, "bantin_index_articles") == 30

    killed = server.workers()[0]
    killed.send_signal(signal.SIGKILL)
    _wait(lambda: len(server.workers()) == 2 and killed.pid not in {w.pid for w in server.workers()})
    # The new worker's gauge file is made (at 0) a moment before the worker sets it to 1.
    _wait(lambda: value(server.scrape(), "bantin_workers") == 2, seconds=30)  # the new one in, the dead one out
    found = server.scrape()
    assert value(found, "bantin_workers") == 2
    assert value(found, "bantin_http_requests_total", route="/search", status="200") == made  # the dead one's too
    assert not (folder / f"gauge_livesum_{killed.pid}.db").exists()

    server.supervisor.send_signal(signal.SIGTERM)
    assert server.supervisor.wait(timeout=30) == 0
    assert not list(server.tmp.glob("bantin-metrics-*")), "the metrics folder outlived the server"
