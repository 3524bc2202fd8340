"""Diacritics put back into queries typed without them, against the word-by-word method.

    python -m bench.restore [--eval DIR] [--max-queries N]

For each set, every query typed without diacritics is restored three ways and
compared, syllable by syllable, with the query as written:

- `context`: what Bantin suggests (search/query/suggest.py): the trigram decoder over
  the build's counts, with the first results' titles as a cache;
- `ngrams`: the decoder alone, no cache;
- `word-by-word`: the method before it (kept here as the baseline): the index's
  pyvi words, folded, each mapped to its commonest accented form, the query
  split into the longest words known.

Sets: news_title_known_item's short queries and headlines (with their
no-diacritics twins, matched by article), and ViQuAD's questions over its own
passages (folded here: the questions are not in the index). Prints one JSON
line per set and a table: exact share, syllable accuracy, p50/p95 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.relevance import ensure_index
from search.language.analysis import folded_analyzer
from search.engine import SearchEngine
from search.storage.schema import TEXT_FIELDS
from search.storage.generations import IndexStore
from search.query.suggest import typed_syllables
from search.language.text import fold, fold_term

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = REPO.parent / "shared" / "eval"
_SYLLABLES = folded_analyzer()


class WordByWord:
    """The suggestion before this benchmark's method: longest known words, each its commonest form."""

    def __init__(self, store: IndexStore) -> None:
        reader = store.current().open().reader()
        self.table: dict[str, tuple[str, int]] = {}
        for name in TEXT_FIELDS:
            for term, df in self._frequencies(reader, name):
                key = fold_term(term)
                if key not in self.table or self.table[key][1] < df:
                    self.table[key] = (term, df)

    @staticmethod
    def _frequencies(reader, field: str) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for leaf, _ in reader.leaf_readers():
            for raw, info in leaf.iter_field(field):
                term = raw.decode("utf-8")
                counts[term] = counts.get(term, 0) + info.doc_frequency()
        return list(counts.items())

    def __call__(self, text: str) -> list[str]:
        syllables = [t.text for t in _SYLLABLES(text)]
        n = len(syllables)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for end in range(1, n + 1):
            for size in range(1, min(4, end) + 1):
                previous = best[end - size]
                if previous is None:
                    continue
                key = "_".join(syllables[end - size : end])
                if key in self.table:
                    word, df = self.table[key]
                    gain = size * size + math.log1p(df) / 100
                elif size == 1:  # left without diacritics, as the method did
                    word, gain = key, 0.0
                else:
                    continue
                candidate = (previous[0] + gain, [*previous[1], word])
                if best[end] is None or candidate[0] > best[end][0]:
                    best[end] = candidate
        return " ".join(word.replace("_", " ") for word in best[n][1]).split()


def _pairs(plain: Path, written: Path) -> list[tuple[str, str]]:
    """(typed without diacritics, as written), matched by the article they were made from."""
    by_article = {}
    for line in written.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            by_article[row["relevant"][0]] = row["query"]
    out = []
    for line in plain.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["relevant"][0] in by_article:
                out.append((row["query"], by_article[row["relevant"][0]]))
    return out


def _folded_pairs(written: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(fold(row["query"]), row["query"]) for row in rows]


def score(method: Callable[[str], list[str]], pairs: list[tuple[str, str]]) -> dict[str, float]:
    exact = right = total = 0
    latencies = []
    for plain, written in pairs:
        gold = typed_syllables(written)
        started = time.perf_counter()
        got = [s.lower() for s in method(plain)]
        latencies.append(time.perf_counter() - started)
        exact += got == gold
        right += sum(a == b for a, b in zip(got, gold)) if len(got) == len(gold) else 0
        total += len(gold)
    latencies.sort()
    return {
        "exact": round(exact / max(len(pairs), 1), 4),
        "syllables": round(right / max(total, 1), 4),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else 0.0,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 2) if latencies else 0.0,
    }


def evaluate(name: str, docs: Path, pairs: list[tuple[str, str]]) -> dict:
    store = ensure_index(docs, "bantin")
    engine = SearchEngine(store)
    engine.warm(wait=True)
    suggester = engine._current().suggester
    methods = {
        "context": lambda text: engine.reading(text).split(),
        "ngrams": lambda text: suggester.restore(text),
        "word-by-word": WordByWord(store),
    }
    return {"set": name, "queries": len(pairs), **{label: score(m, pairs) for label, m in methods.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--max-queries", type=int, default=0, help="only the first N queries of each set (0: all)")
    args = parser.parse_args()
    titles = args.eval / "news_title_known_item"
    viquad = args.eval / "viquad_v1_devtest"
    sets = [
        ("short", titles / "docs.jsonl", _pairs(titles / "queries_short_nodiacritics.jsonl", titles / "queries_short.jsonl")),
        ("headlines", titles / "docs.jsonl", _pairs(titles / "queries_nodiacritics.jsonl", titles / "queries.jsonl")),
        ("viquad questions", viquad / "docs.jsonl", _folded_pairs(viquad / "queries.jsonl")),
    ]
    rows = []
    for name, docs, pairs in sets:
        row = evaluate(name, docs, pairs[: args.max_queries] if args.max_queries else pairs)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    keys = ["exact", "syllables", "p50_ms", "p95_ms"]
    print(f"\n{'set':20}{'method':>14}" + "".join(f"{k:>11}" for k in keys))
    for row in rows:
        for method in ("context", "ngrams", "word-by-word"):
            print(f"{row['set']:20}{method:>14}" + "".join(f"{row[method][k]:>11}" for k in keys))


if __name__ == "__main__":
    main()
