"""Search latency on the whole shared corpus (about 26,000 articles), against the baseline.

    python -m bench.search_latency [--corpus DIR] [--eval DIR] [--max-queries N] [--vectors]

Queries: the headline and short-keyword query files of news_title_known_item
(whose articles are in the corpus), with and without diacritics. Each query is
timed as the site's results page: ten hits, snippets, facets and suggestion.
Prints JSON: p50/p95 per query file for Bantin and the baseline, and their ratio,
in wall time and in CPU time of the process (on a machine shared with other
work, CPU time is what a quiet machine's wall time would be: the search is one
thread, but for the embedding of a long query, which takes both cores).

Long queries are ranked also by meaning once the corpus index has its article
vectors (search/meaning.py): `--vectors` computes them first, about an hour of
both cores once, kept in the cached index. The output says how many articles
have one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.baseline import BaselineSearch
from bench.relevance import REPO, ensure_index
from search.progress import LogProgress
from index.vectors import fill
from search import meaning
from search.engine import SearchEngine

QUERY_FILES = ("queries_short", "queries_short_nodiacritics", "queries", "queries_nodiacritics")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: round(ordered[int(q * (len(ordered) - 1))] * 1000, 1)  # noqa: E731
    return {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "max_ms": pick(1.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval" / "news_title_known_item")
    parser.add_argument("--max-queries", type=int, default=300)
    parser.add_argument("--vectors", action="store_true", help="compute the corpus's article vectors first")
    args = parser.parse_args()
    sources = sorted(args.corpus.glob("*.jsonl"))
    if not sources:
        raise SystemExit(f"no corpus at {args.corpus}")
    store = ensure_index(sources, "bantin")
    if args.vectors:
        fill(store, LogProgress(sys.stderr, every=60))
    found = meaning.load(store.current().path / meaning.VECTORS)
    engine = SearchEngine(store)
    baseline = BaselineSearch(ensure_index(sources, "baseline").current().open())
    engine.warm(wait=True)  # as `bantin serve` does before its first request
    out: dict = {"docs": engine.doc_count(), "articles_with_vectors": int(found.present.sum()) if found else 0}
    for name in QUERY_FILES:
        lines = (args.eval / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        queries = [json.loads(line)["query"] for line in lines if line.strip()][: args.max_queries]
        timings: dict[str, list[float]] = {"bantin": [], "baseline": [], "bantin_cpu": [], "baseline_cpu": []}
        for query in queries:
            for engine_name, run in (("bantin", engine.search), ("baseline", baseline.page)):
                started, cpu = time.perf_counter(), time.process_time()
                run(query)
                timings[engine_name].append(time.perf_counter() - started)
                timings[f"{engine_name}_cpu"].append(time.process_time() - cpu)
        row = {engine_name: percentiles(samples) for engine_name, samples in timings.items()}
        row["p95_ratio_vs_baseline"] = round(row["bantin"]["p95_ms"] / row["baseline"]["p95_ms"], 2)
        row["cpu_p95_ratio_vs_baseline"] = round(row["bantin_cpu"]["p95_ms"] / row["baseline_cpu"]["p95_ms"], 2)
        row["queries"] = len(queries)
        out[name] = row
        print(json.dumps({name: row}, ensure_ascii=False), flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
