"""What counting searches for the staff costs a citizen: search latency under load, counting on and off.

    python -m bench.search_stats_load [--corpus DIR] [--eval DIR] [--clients 16] [--workers 2]
                                      [--threads 8] [--duration 40] [--rounds 2]

Serves the cached whole-corpus index (the one bench.search_latency builds) with
`bantin serve`, and runs N closed-loop clients asking the search page and the
search API (bench.load's clients) against a server with `SEARCH_STATS` off,
then on, in alternating order for --rounds rounds (off, on, on, off, ...), so
that a machine growing busier or quieter weighs on both alike. Each server has
a fresh instance folder; the counts written are read back from it after.

Prints JSON: p50/p95/p99 of the searches and requests/s per setting (all rounds
pooled) and the ratio on/off, and the rows and searches the store holds.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.load import Phase, Workload, read_queries, run_phase, start_server, summarize
from bench.relevance import REPO, ensure_index
from web.plumbing.search_stats import FILE

SETTINGS = {"off": "false", "on": "true"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval" / "news_title_known_item")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per setting per round")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.think_ms = 0.0
    sources = sorted(args.corpus.glob("*.jsonl"))
    if not sources:
        raise SystemExit(f"no corpus at {args.corpus}")
    store = ensure_index(sources, "bantin")
    workload = Workload(read_queries(args.eval), [], [], {"search_page": 60, "search_api": 40})
    pooled: dict[str, Phase] = {name: Phase(name) for name in SETTINGS}
    seconds = dict.fromkeys(SETTINGS, 0.0)
    stored: dict[str, int] = {}
    order = list(SETTINGS)
    for round_number in range(args.rounds):
        for name in order if round_number % 2 == 0 else reversed(order):
            work = Path(tempfile.mkdtemp(prefix=f"bantin-stats-{name}-"))
            os.environ["BANTIN_SEARCH_STATS"] = SETTINGS[name]
            process, base = start_server(store.root, args.workers, args.threads, work / "instance", work / "serve.log")
            try:
                server = psutil.Process(process.pid)
                run_phase("warmup", base, workload, argparse.Namespace(**{**vars(args), "duration": args.warmup}), server)
                phase, report = run_phase(name, base, workload, args, server)
                pooled[name].samples += phase.samples
                seconds[name] += phase.ended - phase.started
                print(json.dumps({"round": round_number + 1, name: report["search"]}), file=sys.stderr, flush=True)
            finally:
                process.terminate()
                process.wait(timeout=30)
            if name == "on":
                time.sleep(0.5)
                with sqlite3.connect(work / "instance" / FILE) as connection:
                    rows, searches = connection.execute("SELECT COUNT(*), SUM(searches) FROM searches").fetchone()
                stored["rows"] = stored.get("rows", 0) + rows
                stored["searches"] = stored.get("searches", 0) + (searches or 0)
    os.environ.pop("BANTIN_SEARCH_STATS", None)
    out = {
        "setup": {"clients": args.clients, "workers": args.workers, "threads": args.threads,
                  "seconds_per_setting": round(seconds["on"], 1), "rounds": args.rounds, "cores": psutil.cpu_count()},
        **{name: summarize(phase.samples, seconds[name]) for name, phase in pooled.items()},
        "stored_by_counting": stored,
    }
    out["on_vs_off"] = {
        key: round(out["on"][key] / out["off"][key], 3) if out["off"][key] else None
        for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
