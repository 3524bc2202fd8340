"""What expanding names (`UBND` = `Ủy ban nhân dân`) adds to a search's time.

    BANTIN_DENSE=0 python -m bench.expansion_latency --docs DOCS.jsonl --queries QUERIES.jsonl

Runs every query on one engine over the cached index of DOCS (bench.relevance's),
with the names found and expanded as the site does, and with no names at all,
alternately, and prints p50/p95 of each and of the time added per query.
Each query's time is the best of `--repeat` runs, to keep the machine's noise out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.relevance import ensure_index
from search.query.expansion import Expander
from search.engine import SearchEngine


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(engine: SearchEngine, query: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        engine.search(query)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    queries = [json.loads(line)["query"] for line in args.queries.open(encoding="utf-8") if line.strip()]
    engine = SearchEngine(ensure_index(args.docs, "bantin"))
    live = engine._current()
    with_names = live.expanders.current(engine.synonyms)
    without = Expander([])
    for query in queries[:20]:  # warm the caches both ways
        engine.search(query)
    on, off = [], []
    for query in queries:
        live.expanders.current = lambda staff: with_names  # noqa: E731
        on.append(timed(engine, query, args.repeat))
        live.expanders.current = lambda staff: without  # noqa: E731
        off.append(timed(engine, query, args.repeat))
    added = [a - b for a, b in zip(on, off)]
    print(f"{args.queries}  ({len(queries)} queries, best of {args.repeat})")
    print(f"{'':18}{'p50_ms':>9}{'p95_ms':>9}")
    for name, values in (("with expansion", on), ("without", off), ("added", added)):
        print(f"{name:18}{statistics.median(values):9.2f}{percentile(values, 0.95):9.2f}")


if __name__ == "__main__":
    main()
