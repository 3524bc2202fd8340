"""Tune the ranking weights on half of every retrieval set, and check them on the other half.

    python -m bench.tune [--eval DIR] [--rounds N] [--max-queries N]
    python -m bench.tune --compare NAME=VALUE[,NAME=VALUE...] [--eval DIR]

Queries at even positions of each file are tuned on, odd ones only checked:
a weight that helps only the queries it was tuned on shows up as a gap between
the two halves. (The eval sets also hold back 30% of their queries, which no
one here can see.) Coordinate ascent on the mean MRR@10 over the query files;
prints each accepted step and, at the end, the weights and both halves' scores
as JSON. `--compare` tunes nothing: it prints both halves of every query file,
all of their queries, under the default weights and under the ones given, so
that a change is judged on the half it was not chosen on, in one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from bench.relevance import REPO, ensure_index, query_files
from search.engine import SearchEngine
from search.query.plan import DEFAULT_WEIGHTS, Weights

FACTORS = (0.5, 0.75, 1.33, 2.0)
INTEGER_STEPS = (-2, -1, 1, 2)


def load(eval_dir: Path, max_queries: int) -> list[tuple[str, SearchEngine, list[dict], list[dict]]]:
    sets = []
    engines: dict[Path, SearchEngine] = {}
    for queries_file, docs in query_files(eval_dir):
        if docs not in engines:
            engines[docs] = SearchEngine(ensure_index(docs, "bantin"))
            engines[docs].warm(wait=True)
        queries = [json.loads(line) for line in queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        tune, check = queries[0::2], queries[1::2]
        name = f"{queries_file.parent.name}/{queries_file.stem}"
        sets.append((name, engines[docs], tune[:max_queries] if max_queries else tune, check))
    return sets


def mrr(engine: SearchEngine, weights: Weights, queries: list[dict]) -> float:
    engine.weights = weights
    total = 0.0
    for q in queries:
        page = engine.search(q["query"], per_page=10, snippets=False, facets=False, suggest=False)
        relevant = set(q["relevant"])
        for rank, hit in enumerate(page.results, 1):
            if hit.id in relevant:
                total += 1 / rank
                break
    return total / max(len(queries), 1)


def score(sets, weights: Weights, half: int) -> dict[str, float]:
    return {name: round(mrr(engine, weights, halves[half]), 4) for name, engine, *halves in sets}


def mean(scores: dict[str, float]) -> float:
    return sum(scores.values()) / len(scores)


def neighbours(weights: Weights, only: set[str] | None = None):
    for item in dataclasses.fields(weights):
        if only and item.name not in only:
            continue
        value = getattr(weights, item.name)
        if isinstance(value, bool):
            candidates = [not value]
        elif isinstance(value, int):
            candidates = [value + step for step in INTEGER_STEPS if value + step > 1]
        else:
            candidates = [round(value * f, 4) for f in FACTORS]
            if item.name.endswith("_b") or item.name == "b" or item.name == "common_df":
                candidates = [min(c, 1.0) for c in candidates]
        for candidate in dict.fromkeys(candidates):
            if candidate != value:
                yield item.name, dataclasses.replace(weights, **{item.name: candidate})


def changed(weights: Weights, assignments: str) -> Weights:
    """`weights` with "name=value,..." applied, each value of its field's type."""
    values = {}
    for assignment in assignments.split(","):
        name, _, text = assignment.partition("=")
        current = getattr(weights, name.strip())  # an unknown name raises AttributeError
        values[name.strip()] = text.strip().lower() == "true" if isinstance(current, bool) else type(current)(text)
    return dataclasses.replace(weights, **values)


def compare(sets, weights: Weights) -> dict:
    return {
        label: {"even": score(sets, w, 0), "odd": score(sets, w, 1)}
        for label, w in (("default", DEFAULT_WEIGHTS), ("changed", weights))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-queries", type=int, default=350, help="tuning queries per file (0: all)")
    parser.add_argument("--only", help="comma-separated weights to tune (default: all)")
    parser.add_argument("--compare", metavar="NAME=VALUE,...", help="only score the default weights and these")
    args = parser.parse_args()
    if args.compare:
        weights = changed(DEFAULT_WEIGHTS, args.compare)
        result = compare(load(args.eval, 0), weights)
        print(json.dumps({"weights changed": args.compare, **result}, ensure_ascii=False, indent=2))
        return
    sets = [(name, engine, tune, check) for name, engine, tune, check in load(args.eval, args.max_queries)]
    best = DEFAULT_WEIGHTS
    best_scores = score(sets, best, 0)
    print(json.dumps({"start": mean(best_scores), "scores": best_scores}, ensure_ascii=False), flush=True)
    for _ in range(args.rounds):
        improved = False
        for name, candidate in neighbours(best, set(args.only.split(",")) if args.only else None):
            scores = score(sets, candidate, 0)
            if mean(scores) > mean(best_scores) + 1e-4:
                best, best_scores, improved = candidate, scores, True
                print(json.dumps({"set": name, "to": getattr(best, name), "mean": round(mean(scores), 4),
                                  "scores": scores}, ensure_ascii=False), flush=True)
        if not improved:
            break
    check = score(sets, best, 1)
    print(json.dumps({"weights": dataclasses.asdict(best), "tuned_half": best_scores, "checked_half": check,
                      "default_checked_half": score(sets, DEFAULT_WEIGHTS, 1)}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
