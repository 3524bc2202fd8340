"""Normalization and sentence-splitting speed on the shared corpus, one core.

    python -m bench.normalize_speed [--corpus DIR] [--max-chars N]

Reads articles (title + body) from every corpus file in turn until N characters,
then times `normalize` on each whole article, and `split_sentences` followed by
`normalize` per sentence (what the audio pipeline does). Prints JSON: characters,
wall and CPU seconds and characters per second for each (CPU time is the figure
to compare on a shared machine), and a check that no digit is left.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from speech.normalize import normalize, split_sentences

REPO = Path(__file__).resolve().parents[1]


def load_articles(corpus: Path, max_chars: int) -> list[str]:
    """Round-robin over the corpus files so both sources (VNTC 2005-06, Dân trí 2020-21) are in."""
    handles = [path.open(encoding="utf-8") for path in sorted(corpus.glob("*.jsonl"))]
    if not handles:
        raise SystemExit(f"no corpus at {corpus}")
    articles: list[str] = []
    total = 0
    try:
        while total < max_chars and handles:
            for handle in list(handles):
                line = handle.readline()
                if not line:
                    handles.remove(handle)
                    continue
                record = json.loads(line)
                text = f"{record['title']}\n{record['body']}"
                articles.append(text)
                total += len(text)
    finally:
        for handle in handles:
            handle.close()
    return articles


def timed(function, articles: list[str], chars: int) -> tuple[dict, list]:
    wall, cpu = time.perf_counter(), time.process_time()
    results = [function(article) for article in articles]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    figures = {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "chars_per_s": round(chars / wall)}
    return figures | {"chars_per_cpu_s": round(chars / cpu)}, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--max-chars", type=int, default=10_000_000)
    args = parser.parse_args()
    articles = load_articles(args.corpus, args.max_chars)
    chars = sum(map(len, articles))
    normalize("Khởi động: 28/5, UBND, 1.665.978.")  # compile the rules and read the table first

    whole, spoken = timed(normalize, articles, chars)
    split, sentences = timed(split_sentences, articles, chars)
    per_sentence, _ = timed(lambda article: [normalize(s) for s in split_sentences(article)], articles, chars)
    out = {
        "articles": len(articles),
        "chars": chars,
        "normalize_whole_article": whole,
        "split_sentences": split | {"sentences": sum(map(len, sentences))},
        "split_then_normalize_each_sentence": per_sentence,
        "spoken_chars": sum(map(len, spoken)),
        "articles_with_a_digit_left": sum(any(ch.isdigit() for ch in text) for text in spoken),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
