"""Search quality and speed on a retrieval set, against the StandardAnalyzer baseline.

    python -m bench.relevance --docs DOCS.jsonl --queries QUERIES.jsonl [--json]

Builds (or reuses, keyed by the docs file and the analysis code) a Bantin index
and a baseline index of DOCS, gives Bantin's its article vectors as `bantin
index build` does (search/meaning.py; kept in the cached index, so computed once),
runs every query on both, and prints MRR@10,
nDCG@10, Recall@10, Recall@100 and latency p50/p95. Latency is that of a whole
results page as the site asks for it (ten hits, snippets, facets, suggestion).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import statistics
import sys
import time
from pathlib import Path

from bench.baseline import BaselineSearch, standard_schema
from index.build import build
from search.progress import LogProgress
from index.vectors import fill
from search import meaning
from search.engine import SearchEngine
from search.query.plan import DEFAULT_WEIGHTS, Weights
from search.storage.generations import IndexMissing, IndexStore

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench" / ".cache"
# Changing any of these changes what is in an index: the cached one is then stale.
PIPELINE_CODE = ("search/article.py", "search/language/text.py", "index/sources/*.py")
ANALYSIS_CODE = {
    "bantin": PIPELINE_CODE + ("search/storage/schema.py", "search/language/analysis.py", "search/language/tones.py", "search/language/segmenter.py"),
    "baseline": PIPELINE_CODE + ("bench/baseline.py",),
}


def cache_key(sources: list[Path], kind: str = "bantin") -> str:
    digest = hashlib.sha1()
    for source in sources:
        st = source.stat()
        digest.update(f"{source.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    code = sorted(path for pattern in ANALYSIS_CODE[kind] for path in REPO.glob(pattern))
    for path in code:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_index(sources: Path | list[Path], kind: str) -> IndexStore:
    """The cached index of `sources` ("bantin" or "baseline"), built if missing or stale."""
    sources = [sources] if isinstance(sources, Path) else sources
    store = IndexStore(CACHE / cache_key(sources, kind) / kind)
    try:
        store.current()
    except IndexMissing:
        build([str(s) for s in sources], store, schema=standard_schema() if kind == "baseline" else None)
    return store


def metrics(ranked: list[list[str]], relevant: list[set[str]], latencies: list[float]) -> dict[str, float]:
    mrr = ndcg = r10 = r100 = 0.0
    for ids, rel in zip(ranked, relevant):
        for rank, doc in enumerate(ids[:10], 1):
            if doc in rel:
                mrr += 1 / rank
                break
        dcg = sum(1 / math.log2(rank + 1) for rank, doc in enumerate(ids[:10], 1) if doc in rel)
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(rel), 10) + 1))
        ndcg += dcg / ideal
        r10 += len(rel & set(ids[:10])) / len(rel)
        r100 += len(rel & set(ids[:100])) / len(rel)
    n = max(len(ranked), 1)
    ordered = sorted(latencies)
    return {
        "mrr@10": round(mrr / n, 4),
        "ndcg@10": round(ndcg / n, 4),
        "recall@10": round(r10 / n, 4),
        "recall@100": round(r100 / n, 4),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1) if ordered else 0.0,
    }


def run_bantin(store: IndexStore, queries: list[dict], weights: Weights = DEFAULT_WEIGHTS) -> dict[str, float]:
    engine = SearchEngine(store, weights)
    engine.warm(wait=True)  # as `bantin serve` does before its first request
    ranked, latencies = [], []
    for q in queries:
        started = time.perf_counter()
        engine.search(q["query"])  # the page a user gets
        latencies.append(time.perf_counter() - started)
        page = engine.search(q["query"], per_page=100, snippets=False, facets=False, suggest=False)
        ranked.append([hit.id for hit in page.results])
    return metrics(ranked, [set(q["relevant"]) for q in queries], latencies)


def run_baseline(store: IndexStore, queries: list[dict]) -> dict[str, float]:
    search = BaselineSearch(store.current().open())
    ranked, latencies = [], []
    for q in queries:
        started = time.perf_counter()
        search.page(q["query"])
        latencies.append(time.perf_counter() - started)
        ranked.append(search.ranked_ids(q["query"], 100))
    return metrics(ranked, [set(q["relevant"]) for q in queries], latencies)


def evaluate(docs: Path, queries_file: Path, max_queries: int = 0, baseline: bool = True) -> dict:
    queries = [json.loads(line) for line in queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if max_queries:
        queries = queries[:max_queries]
    store = ensure_index(docs, "bantin")
    if meaning.enabled():
        fill(store, LogProgress(sys.stderr, every=60))
    bantin = run_bantin(store, queries)
    base = run_baseline(ensure_index(docs, "baseline"), queries) if baseline else {}
    with open(docs, encoding="utf-8") as handle:
        count = sum(1 for line in handle if line.strip())
    return {"bantin": bantin, "baseline": base, "docs": count, "queries": len(queries)}


_DOCS_NAMED = re.compile(r"Documents:\s*`([^`]+\.jsonl)`")


def query_files(eval_dir: Path) -> list[tuple[Path, Path]]:
    """(queries, docs) of every query file under `eval_dir`.

    A set is its docs.jsonl and query files beside it, or query files over
    another set's documents, named in its README (`Documents: `../x/docs.jsonl``,
    as eval/abbreviations does); a set with neither is reported and skipped.
    """
    pairs = []
    for folder in sorted(p for p in eval_dir.iterdir() if p.is_dir()):
        docs = folder / "docs.jsonl"
        readme = folder / "README.md"
        if not docs.exists() and readme.exists():
            named = _DOCS_NAMED.search(readme.read_text(encoding="utf-8"))
            docs = Path(os.path.normpath(folder / named.group(1))) if named else docs
        files = sorted([*folder.glob("queries*.jsonl"), *folder.glob("controls*.jsonl")])
        if files and not docs.exists():
            print(f"{folder}: no docs.jsonl and none named in README.md; skipped", file=sys.stderr)
            continue
        pairs.extend((queries, docs) for queries in files)
    return pairs


def evaluate_all(eval_dir: Path) -> None:
    """Every query file of every set under `eval_dir`, as one table (what `make bench` prints)."""
    rows = []
    for queries_file, docs in query_files(eval_dir):
        result = evaluate(docs, queries_file)
        name = f"{queries_file.parent.name}/{queries_file.stem}"
        rows.append((name, result))
        print(json.dumps({"set": name, **result}, ensure_ascii=False), flush=True)
    keys = ["mrr@10", "ndcg@10", "recall@10", "recall@100", "p50_ms", "p95_ms"]
    print(f"\n{'set':52}{'engine':>9}" + "".join(f"{k:>11}" for k in keys))
    for name, result in rows:
        for engine in ("bantin", "baseline"):
            print(f"{name:52}{engine:>9}" + "".join(f"{result[engine][k]:>11}" for k in keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--all", type=Path, metavar="EVAL_DIR", help="every set under EVAL_DIR, as a table")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--max-queries", type=int, default=0, help="only the first N queries (0: all)")
    parser.add_argument("--skip-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.all:
        evaluate_all(args.all)
        return
    if not (args.docs and args.queries):
        parser.error("--docs and --queries are required (or --all EVAL_DIR)")
    result = evaluate(args.docs, args.queries, args.max_queries, baseline=not args.skip_baseline)
    bantin, baseline, docs = result["bantin"], result["baseline"], result["docs"]
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{args.queries}  ({docs} docs, {result['queries']} queries)")
    print(f"{'':10}" + "".join(f"{k:>11}" for k in bantin))
    for name, row in (("bantin", bantin), ("baseline", baseline)):
        if row:
            print(f"{name:10}" + "".join(f"{v:>11}" for v in row.values()))


if __name__ == "__main__":
    main()
