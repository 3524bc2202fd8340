"""The web reader's figures: page weight, server time per page type, axe-core results.

    python -m bench.web_pages [--corpus DIR | --index-dir DIR] [--eval DIR] [--requests N] [--no-http] [--no-axe]

Runs against the shared corpus's index: by default the one cached in bench/.cache
(the same one bench.search_latency uses, built on first use), or any index given
with --index-dir, e.g. one built with
    bantin index build ../shared/corpus --index-dir /tmp/web-corpus-index --jobs 2

Server time is measured three ways in the same run, one request after another,
interleaved so that the 2-core machine's noise falls on all of them alike:
  - "engine": SearchEngine.search / .article called directly (the baseline:
    what the page cannot be faster than);
  - "page": the whole Flask app through its test client, in process (routing,
    parameters, cookies, rendering, headers, logging; no socket);
  - "http": the same page from waitress over a keep-alive local HTTP connection.
The web's cost is reported per request (page time minus engine time of the
same query). Queries are the short queries (with and without diacritics) of
eval/news_title_known_item, the way citizens type them; articles are the ones
those queries look for. Prints JSON.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit


from bench.relevance import ensure_index
from bench.search_latency import percentiles
from search.storage.generations import IndexStore
from web import create_app
from web.serving.local_server import serving

REPO = Path(__file__).resolve().parents[1]
QUERY_FILES = ("queries_short", "queries_short_nodiacritics")
THEMES = ("light", "dark", "contrast")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def read_queries(eval_dir: Path, count: int) -> tuple[list[str], list[str]]:
    """`count` queries, alternating with and without diacritics, and the article each looks for."""
    files = [
        [json.loads(line) for line in (eval_dir / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]
        for name in QUERY_FILES
    ]
    queries, articles = [], []
    for pair in zip(*files):
        for record in pair:
            queries.append(record["query"])
            articles.append(record["relevant"][0])
    return queries[:count], list(dict.fromkeys(articles))[:count]


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


class HttpClient:
    """One keep-alive connection to the local waitress server."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return body


def page_weight(client, queries: list[str], articles: list[str]) -> dict:
    """Bytes of each page type: HTML, plus the CSS and JS every page loads."""
    css = client.get("/static/site.css").data
    js = client.get("/static/reader.js").data
    assets = len(css) + len(js)
    assets_gzip = len(gzip.compress(css)) + len(gzip.compress(js))

    def row(html_sizes: list[tuple[int, int]]) -> dict:
        largest = max(html_sizes)
        return {
            "html_bytes_median": int(statistics.median(size for size, _ in html_sizes)),
            "html_bytes_max": largest[0],
            "css_bytes": len(css),
            "js_bytes": len(js),
            "total_bytes_max": largest[0] + assets,
            "total_gzip_bytes_max": largest[1] + assets_gzip,
            "pages": len(html_sizes),
        }

    def sizes(urls: list[str]) -> list[tuple[int, int]]:
        bodies = [client.get(url).data for url in urls]
        return [(len(body), len(gzip.compress(body))) for body in bodies]

    return {
        "home": row(sizes(["/"])),
        "results": row(sizes([f"/search?q={quote(q)}" for q in queries[:50]])),
        "no_results": row(sizes(["/search?q=xyzzy+qwrty"])),
        "article": row(sizes([f"/articles/{quote(a)}" for a in articles])),
        "article_budget_bytes": 60 * 1024,
    }


def server_time(app, client, http: HttpClient | None, queries: list[str], articles: list[str]) -> dict:
    """Per page type: each way's p50/p95, and the web's own cost per request.

    Each request's web cost is its page time minus the engine time of the same
    query, measured back to back (in alternating order, so neither side always
    finds the caches warmed by the other): a paired figure, steadier than a
    difference of two percentiles when query times vary a hundredfold.
    """
    engine = app.extensions["bantin.engine"]
    kinds = {
        "search": [(lambda q=q: engine.search(q), f"/search?q={quote(q)}") for q in queries],
        "article": [(lambda a=a: engine.article(a), f"/articles/{quote(a)}") for a in articles],
    }
    out = {}
    for kind, calls in kinds.items():
        samples: dict[str, list[float]] = {"engine": [], "page": [], "http": []}
        for n, (direct, path) in enumerate(calls):
            ways = [("engine", direct), ("page", lambda: client.get(path))]
            if http is not None:
                ways.append(("http", lambda: http.get(path)))
            for name, call in ways if n % 2 == 0 else reversed(ways):
                samples[name].append(timed(call))
        row: dict = {name: percentiles(values) for name, values in samples.items() if values}
        for name in ("page", "http"):
            if samples[name]:
                extra = [way - base for way, base in zip(samples[name], samples["engine"])]
                row[f"{name}_minus_engine"] = percentiles(extra)
        row["requests"] = len(calls)
        out[kind] = row
        print(json.dumps({kind: row}, ensure_ascii=False), file=sys.stderr, flush=True)
    return out


def axe_results(base_url: str, pages: dict[str, str]) -> dict:
    """axe-core per page, theme and text size: violations, undecided checks, rules passed."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations", "incomplete"],
        "preload": {"assets": ["cssom"]},
    }
    out: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for theme in THEMES:
            for font, spacing in ((0, "normal"), (6, "wide")):
                context = browser.new_context(base_url=base_url)
                context.add_cookies(
                    [
                        {"name": "theme", "value": theme, "url": base_url},
                        {"name": "font", "value": str(font), "url": base_url},
                        {"name": "spacing", "value": spacing, "url": base_url},
                    ]
                )
                page = context.new_page()
                for name, url in pages.items():
                    page.goto(url)
                    result = axe.run(page, options=options).response
                    out[f"{name} {theme} {'250%' if font else '100%'}"] = {
                        "violations": sorted(v["id"] for v in result["violations"]),
                        "incomplete": sorted(v["id"] for v in result["incomplete"]),
                        "rules_passed": len(result["passes"]),
                    }
                context.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--index-dir", type=Path, default=None, help="an index already built (default: the cached one)")
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval" / "news_title_known_item")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-http", action="store_true", help="skip the waitress column")
    parser.add_argument("--no-axe", action="store_true", help="skip the axe-core runs")
    args = parser.parse_args()
    if args.index_dir is not None:
        store = IndexStore(args.index_dir)
        if not store.complete_generations():
            raise SystemExit(f"no index at {args.index_dir}: build it first (see this script's docstring)")
    else:
        sources = sorted(args.corpus.glob("*.jsonl"))
        if not sources:
            raise SystemExit(f"no corpus at {args.corpus}")
        store = ensure_index(sources, "bantin")
    queries, articles = read_queries(args.eval, args.requests)

    # One client asking hundreds of times: the per-client rate limit would refuse it.
    app = create_app({"INDEX_DIR": str(store.root), "RATELIMIT_ENABLED": False})
    engine = app.extensions["bantin.engine"]
    engine.warm(wait=True)  # as `bantin serve` does before its first request
    client = app.test_client()
    for query in queries[:5]:  # warm templates and caches
        client.get(f"/search?q={quote(query)}")

    out: dict = {"docs": engine.doc_count(), "index": str(store.root), "timing": "sequential, one client"}
    with serving(app) as base_url:
        http = None if args.no_http else HttpClient(base_url)
        if http is not None:
            for query in queries[:5]:
                http.get(f"/search?q={quote(query)}")
        out["page_weight"] = page_weight(client, queries, articles)
        print(json.dumps({"page_weight": out["page_weight"]}, ensure_ascii=False), file=sys.stderr, flush=True)
        out["server_time"] = server_time(app, client, http, queries, articles)
        if not args.no_axe:
            pages = {
                "home": "/",
                "results": f"/search?q={quote(queries[0])}",
                "no-results": "/search?q=xyzzy+qwrty",
                "article": f"/articles/{quote(articles[0])}?q={quote(queries[0])}",
            }
            out["axe"] = axe_results(base_url, pages)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
