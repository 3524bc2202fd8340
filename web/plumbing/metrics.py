"""/metrics: what the site is doing, for Prometheus, in its text format (prometheus-client).

Counted as it happens: requests by route and status, the time of each search,
audio cache hits and misses, the seconds each voice spends on a sentence.
Read when scraped: the index in service (its generation, age, articles, and
how many of them have a vector), so no request pays for values that change
once a day.

`bantin serve --workers N` forks N processes: each one's counts go to files
in PROMETHEUS_MULTIPROC_DIR (set, fresh, by web/serving/processes.py before
prometheus_client is imported) and a scrape, whichever worker answers it, adds
them all up. Without that variable (one process, or Flask's test client) each
app counts in its own registry, so test apps never add up.

Only Prometheus should read it: by default only loopback (METRICS_ALLOW), or
whoever shows the bearer token METRICS_TOKEN. Anyone else gets the site's
ordinary 404, as for a page that does not exist: the public need not learn
the endpoint is there, nor the traffic it reveals.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterator

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.context_managers import Timer
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from search import meaning
from search.engine import SearchEngine
from search.storage.generations import IndexMissing

log = logging.getLogger(__name__)
# The workers' files keep no creation times: one process shows the same series as several.
disable_created_metrics()

DEFAULTS = {
    # Client addresses or networks that may read /metrics: Prometheus usually scrapes
    # from the same host or a private network. Empty: nobody by address.
    "METRICS_ALLOW": ["127.0.0.1", "::1"],
    # `Authorization: Bearer <token>` lets any address read it, for a Prometheus
    # that can reach the site only the way the public does. None: no token.
    "METRICS_TOKEN": None,
}
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
EXTENSION = "bantin.metrics"
ENDPOINT = "metrics"
# Requests that matched no route (404, 405): one label, not one per path typed.
NO_ROUTE = "<none>"
# From a one-word search on a warm index (~1 ms) to a long query on a cold one.
SEARCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
# One sentence: espeak-ng takes tens of milliseconds, the online voice a round trip or several.
SPEECH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Metrics:
    """One app's metrics."""

    def __init__(self, engine: SearchEngine) -> None:
        self.multiprocess = MULTIPROCESS_DIR in os.environ
        self.registry = CollectorRegistry()
        self.index = CollectorRegistry()
        self.index.register(IndexCollector(engine))
        self.requests = Counter(
            "bantin_http_requests", "Requests answered, by URL rule and status.", ["route", "status"],
            registry=self.registry,
        )
        self.search_seconds = Histogram(
            "bantin_search_seconds", "Time of the engine's search, for the results page and /api/search.",
            buckets=SEARCH_BUCKETS, registry=self.registry,
        )
        self.audio_cache = Counter(
            "bantin_audio_cache_lookups", "Article audio asked for: finished in the cache (hit) or to be made (miss).",
            ["result"], registry=self.registry,
        )
        self.speech_seconds = Histogram(
            "bantin_speech_sentence_seconds", "Time a voice took to speak one sentence, by voice.", ["voice"],
            buckets=SPEECH_BUCKETS, registry=self.registry,
        )
        # livesum: a worker that died leaves the sum (the supervisor marks it dead).
        self.workers = Gauge(
            "bantin_workers", "Processes serving the site.", multiprocess_mode="livesum", registry=self.registry
        )
        if not self.multiprocess:
            self.workers.set(1)

    def worker_started(self) -> None:
        """Called in each forked worker: the parent never serves, so it never counts."""
        self.workers.set(1)

    def worker_gone(self, pid: int) -> None:
        """Called by the supervisor: the worker's counts stay (they counted real requests);
        its live gauges go."""
        if self.multiprocess:
            mark_process_dead(pid)

    def exposition(self) -> bytes:
        if self.multiprocess:
            counted = CollectorRegistry()
            MultiProcessCollector(counted)
        else:
            counted = self.registry
        return generate_latest(counted) + generate_latest(self.index)


class IndexCollector:
    """The index in service, as the worker answering the scrape serves it (all read the
    same CURRENT, and switch within seconds of each other)."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            generation = self.engine.generation
            articles = self.engine.doc_count()
            built = dt.datetime.fromisoformat(generation.meta()["built_at"])
            with_vectors = meaning.count_present(generation.path / meaning.VECTORS)
        except (IndexMissing, OSError, ValueError, KeyError, TypeError):
            return  # no index yet, or its meta.json unreadable: the gauges are absent, not wrong
        yield GaugeMetricFamily("bantin_index_generation", "Number of the index generation in service.",
                                value=generation.number)
        yield GaugeMetricFamily("bantin_index_age_seconds", "Seconds since the generation in service was built.",
                                value=time.time() - built.timestamp())
        yield GaugeMetricFamily("bantin_index_articles", "Articles in the generation in service.", value=articles)
        yield GaugeMetricFamily("bantin_index_articles_with_vectors",
                                "Articles of the generation in service that have a vector (ranking by meaning).",
                                value=with_vectors)


def of(app: Flask) -> Metrics:
    return app.extensions[EXTENSION]


def searching() -> Timer:
    """Times the block into the search histogram."""
    return of(current_app).search_seconds.time()


def audio_lookup(hit: bool) -> None:
    of(current_app).audio_cache.labels("hit" if hit else "miss").inc()


def allowed_networks(value: object) -> list[Network]:
    """METRICS_ALLOW as networks: a list (bantin.cfg, JSON in BANTIN_METRICS_ALLOW) or
    a comma-separated string. Raises ValueError for anything else."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ValueError(f"METRICS_ALLOW phải là danh sách địa chỉ, không phải {value!r}")
    return [ipaddress.ip_network(str(item).strip(), strict=False) for item in items if str(item).strip()]


def _address_allowed(networks: list[Network]) -> bool:
    # An X-Forwarded-For the site was not told to trust (TRUSTED_PROXIES) means a proxy
    # stands in front: its own address, often loopback, says nothing about the client.
    if not current_app.config.get("TRUSTED_PROXIES") and (
        "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    ):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket shows IPv4 clients as ::ffff:a.b.c.d
    return any(address in network for network in networks)


def _allowed(networks: list[Network]) -> bool:
    """A request that shows a token must show the right one; one that shows none is judged
    by its address."""
    given = request.headers.get("Authorization")
    if given is not None:
        token = current_app.config.get("METRICS_TOKEN")
        return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return _address_allowed(networks)


def register(app: Flask) -> None:
    """Metrics for `app`, its /metrics route, and the count of every request but the scrapes."""
    metrics = Metrics(app.extensions["bantin.engine"])
    app.extensions[EXTENSION] = metrics
    try:
        networks = allowed_networks(app.config["METRICS_ALLOW"])
    except ValueError as exc:
        log.error("/metrics chỉ mở bằng METRICS_TOKEN: METRICS_ALLOW không đọc được (%s)", exc)
        networks = []

    def scrape() -> Response:
        if not _allowed(networks):
            log.warning("/metrics từ chối %s", request.remote_addr)
            abort(404)
        response = Response(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
        response.headers["Cache-Control"] = "no-store"
        return response

    def count(response: Response) -> Response:
        # The scrapes are left out: every 15 s from Prometheus, they would only count themselves.
        if request.endpoint != ENDPOINT:
            route = request.url_rule.rule if request.url_rule is not None else NO_ROUTE
            metrics.requests.labels(route, str(response.status_code)).inc()
        return response

    app.add_url_rule("/metrics", ENDPOINT, scrape)
    app.after_request(count)
