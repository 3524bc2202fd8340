"""A set of abbreviation queries over any articles, built as `../shared/eval/abbreviations` is.

    python -m bench.abbreviation_set --docs DOCS.jsonl --out DIR [--exclude QUERIES.jsonl ...]
    BANTIN_DENSE=0 python -m bench.relevance --docs DOCS.jsonl --queries DIR/queries.jsonl

The shipped set's own queries are tuned against by whoever reads them; its
held-back queries are built the same way over other articles. This builds such
queries over articles of your choosing (another corpus, or the same one minus
the ids of `--exclude`), so a change to how names are matched can be checked on
queries nobody has looked at. For each article whose title writes a name of
search's dictionary (`UBND`, or `Ủy ban nhân dân`; by default those of the
shipped set), one known-item query: the
name written the other way, then two neighbouring words of the title, picked at
random (`--seed`). `kind` says which way (`expanded`: the title has the
abbreviation), `abbr` the abbreviation; at most `--per-name` of each kind and
abbreviation. Three files, as in the shipped set: `queries.jsonl`,
`queries_nodiacritics.jsonl` (the same, typed without diacritics) and
`controls.jsonl` (the name written as the title writes it). The files are
written where `--out` says, never into the checkout: they are built from the
articles, which stay outside the project.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from search.language.analysis import SYLLABLE
from search.language.text import fold, nfc
from search.names.dictionary import Name, dictionary
from search.query.expansion import mostly_capitals

# The abbreviations of the shipped set (its README lists the kinds).
SHIPPED = "UBND HĐND TP.HCM HLV CLB ĐH THPT THCS BHYT BHXH ĐBQH CSGT VN EU LHQ GTVT TAND"


def _words(text: str) -> list[str]:
    return SYLLABLE.findall(nfc(text))


def _find(title: list[str], form: str, abbreviated: bool) -> int:
    """Where `form` stands in the title's words: an abbreviation in capitals, a
    full form with its own diacritics (`dài hơi` is not `đại hội`); -1 if nowhere."""
    want = [word.lower() for word in _words(form)]
    for i in range(len(title) - len(want) + 1):
        written = title[i : i + len(want)]
        if [word.lower() for word in written] == want and (not abbreviated or mostly_capitals(" ".join(written))):
            return i
    return -1


def build_set(articles: list[dict], abbreviations: set[str], per_name: int, seed: int, excluded: set[str]) -> list[dict]:
    rng = random.Random(seed)
    names = [name for name in dictionary() if name.forms[0] in abbreviations]
    order = [article for article in articles if article.get("id") not in excluded and article.get("title")]
    rng.shuffle(order)
    taken: Counter[tuple[str, str]] = Counter()
    found: list[dict] = []
    for article in order:
        title = _words(article["title"])
        for name in names:
            query = _query(title, name, rng, taken, per_name)
            if query:
                found.append({**query, "relevant": [article["id"]]})
                break
    return found


def _query(title: list[str], name: Name, rng: random.Random, taken: Counter, per_name: int) -> dict | None:
    abbreviation = name.forms[0]
    for form in name.forms:
        abbreviated = form != name.full
        start = _find(title, form, abbreviated)
        if start < 0:
            continue
        kind = "expanded" if abbreviated else "abbreviated"
        if taken[(kind, abbreviation)] >= per_name:
            return None
        end = start + len(_words(form))
        pairs = [i for i in range(len(title) - 1) if i + 1 < start or i >= end]
        if not pairs:
            return None
        i = rng.choice(pairs)
        rest = f"{title[i]} {title[i + 1]}".lower()
        other = name.full if abbreviated else abbreviation
        taken[(kind, abbreviation)] += 1
        return {
            "query": f"{other.lower()} {rest}",
            "control": f"{' '.join(title[start:end]).lower()} {rest}",
            "kind": kind,
            "abbr": abbreviation,
        }
    return None


def write_set(queries: list[dict], folder: Path) -> None:
    """The three files of a set, as the shipped one names them."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "queries.jsonl": lambda q: q["query"],
        "queries_nodiacritics.jsonl": lambda q: fold(q["query"]),
        "controls.jsonl": lambda q: q["control"],
    }
    for filename, text in files.items():
        with (folder / filename).open("w", encoding="utf-8") as out:
            for number, query in enumerate(queries):
                record = {"qid": f"held-{number}", "query": text(query), "relevant": query["relevant"],
                          "kind": query["kind"], "abbr": query["abbr"]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True, help="articles, one JSON object a line (id, title)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the three query files")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="query files whose relevant articles are left out")
    parser.add_argument("--abbreviations", default=SHIPPED, help="names whose first spelling is one of these")
    parser.add_argument("--per-name", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    excluded = {id_ for path in args.exclude for line in path.open(encoding="utf-8") for id_ in json.loads(line)["relevant"]}
    articles = [json.loads(line) for line in args.docs.open(encoding="utf-8") if line.strip()]
    queries = build_set(articles, set(args.abbreviations.split()), args.per_name, args.seed, excluded)
    write_set(queries, args.out)
    kinds = Counter((q["kind"], q["abbr"]) for q in queries)
    print(f"{len(queries)} queries in {args.out}: " + ", ".join(f"{k} {a} {n}" for (k, a), n in kinds.most_common()))


if __name__ == "__main__":
    main()
