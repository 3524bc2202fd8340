"""Index build throughput on the shared corpus, against a no-segmentation baseline.

    python -m bench.index_throughput [--corpus DIR] [--limit N] [--jobs N]

Each build runs in its own process so its peak memory (the whole process tree,
workers included, sampled every 0.1 s; RSS and PSS) is its own. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLE = REPO.parent / "shared" / "examples" / "portal_article.txt"
# The example article's title words, typed with and without diacritics.
PROBES = ("quy chế dân chủ", "quy che dan chu")


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) summed over the process tree.

    Summed RSS counts pages the forked workers share with their parent once per
    process, so it overstates; PSS splits shared pages between their users.
    """
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += info.pss
    return rss, pss


def _run_child(args: list[str]) -> dict:
    """Run this module in child mode; return its JSON plus the tree's peak RSS."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.index_throughput", *args], cwd=REPO, stdout=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            try:
                rss, pss = _tree_memory(ps)
            except psutil.Error:
                rss = pss = 0
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"child {args} failed with {proc.returncode}")
    result = json.loads(out)
    result["peak_rss_mb"] = round(peak_rss / 2**20, 1)
    result["peak_pss_mb"] = round(peak_pss / 2**20, 1)
    return result


def _child(mode: str, analyzer: str, sources: list[str], index_dir: str, jobs: int | None) -> None:
    from index.build import build, update
    from search.storage.generations import IndexStore

    schema = None
    if analyzer == "standard":
        from whoosh.analysis import StandardAnalyzer
        from whoosh.fields import TEXT, Schema

        from search.storage.schema import build_schema

        # The same fields, every text field analyzed by Whoosh's StandardAnalyzer.
        schema = Schema()
        for name, field in build_schema().items():
            if isinstance(field, TEXT):
                field.analyzer = StandardAnalyzer(stoplist=None)
            schema.add(name, field)
    store = IndexStore(index_dir)
    started = time.monotonic()
    if mode == "build":
        report = build(sources, store, jobs=jobs, schema=schema)
    else:
        report = update(sources, store, jobs=jobs)
    elapsed = time.monotonic() - started
    articles = report.indexed + report.unchanged
    print(
        json.dumps(
            {
                "articles": articles,
                "indexed": report.indexed,
                "unchanged": report.unchanged,
                "skipped": len(report.skipped),
                "elapsed_s": round(elapsed, 2),
                "articles_per_s": round(articles / elapsed, 1),
                "index_mb": round(store.current().size_bytes() / 2**20, 1),
            }
        )
    )


def _example_ranks(index_dir: Path) -> dict[str, int | None]:
    """Where the shared example article ranks for its own title words (1 is first)."""
    from search.engine import SearchEngine
    from search.storage.generations import IndexStore

    engine = SearchEngine(IndexStore(index_dir))
    ranks: dict[str, int | None] = {}
    for query in PROBES:
        titles = [hit.title for hit in engine.search(query, per_page=20).results]
        wanted = "Thực hiện quy chế dân chủ cơ sở trong các cơ quan hành chính Nhà nước"
        ranks[query] = titles.index(wanted) + 1 if wanted in titles else None
    return ranks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles (0: all)")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "ANALYZER", "SOURCES", "INDEX_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, analyzer, sources, index_dir = args.child
        _child(mode, analyzer, sources.split(","), index_dir, args.jobs)
        return

    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.jsonl"))
    if not files:
        raise SystemExit(f"no corpus at {corpus}: this benchmark needs ../shared/corpus")
    with tempfile.TemporaryDirectory(prefix="bantin-bench-") as tmp:
        if args.limit:
            subset = Path(tmp) / "subset.jsonl"
            with open(subset, "w", encoding="utf-8") as out:
                written = 0
                for path in files:
                    for line in open(path, encoding="utf-8"):
                        if written >= args.limit:
                            break
                        out.write(line)
                        written += 1
            files = [subset]
        if EXAMPLE.is_file():
            files.append(EXAMPLE)
        sources = ",".join(str(f) for f in files)
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        bantin = _run_child(["--child", "build", "vietnamese", sources, f"{tmp}/bantin", *jobs])
        baseline = _run_child(["--child", "build", "standard", sources, f"{tmp}/baseline", *jobs])
        noop = _run_child(["--child", "update", "vietnamese", sources, f"{tmp}/bantin", *jobs])
        ranks = _example_ranks(Path(tmp) / "bantin") if EXAMPLE.is_file() else {}
    print(
        json.dumps(
            {
                "bantin_build": bantin,
                "baseline_build": baseline,
                "bantin_noop_update": noop,
                "build_speed_ratio_vs_baseline": round(bantin["articles_per_s"] / baseline["articles_per_s"], 2),
                "example_article_rank": ranks,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
