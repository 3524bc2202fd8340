"""How much a learned reranker could still add to Bantin's ranking, from the evidence the index holds.

    python -m bench.rerank_ceiling [--eval DIR] [--sets NAME,...] [--depth 30] [--meaning] [--json]

For each query file, Bantin ranks every query; each of its first `depth`
results is described by the lexical evidence the index holds (the score of each
kind of evidence, the share of the query's idf the article covers, that share in
its best sentence, the longest run of query syllables it repeats in order, its
length). A logistic regression and gradient-boosted trees, one pair per file,
are trained on the even queries and judged on the odd ones, against Bantin's
own order of the same candidates.

Why: the hand-set weights stop short of some targets, and a model given every
lexical feature at once, fitted to the very set it is judged on, bounds what
re-weighting them can still gain. If it gains nothing on held-out queries, the
missing articles need evidence the index does not have (paraphrase: a dense or
cross-encoder model), not more tuning.

`--meaning` measures that other evidence: the cosine of query and article under
search/meaning.py's model (the vectors `bantin index vectors` gives the set's
index), as one more feature, and alone as the hybrid search/ranking/order.py uses,
Bantin's lexical score over the top score plus lambda times the cosine, for
every lambda of HYBRID_WEIGHTS (the best on the even queries is printed). The
candidates are Bantin's lexical order, as the hybrid re-ranks them; queries the
search does not embed (short, or typed without diacritics) keep that order.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bench.relevance import REPO, ensure_index, query_files

from index.vectors import fill
from search import meaning
from search.language.analysis import folded_analyzer
from search.query.plan import DEFAULT_WEIGHTS, QueryPlan, build_plan
from search.language.ngrams import SyllableModel
from search.storage.postings import Columns
from search.query.parse import parse_query
from search.ranking.filters import Filters
from search.ranking.ranker import Ranker
from search.storage.schema import ALL_ACCENTED, ALL_FOLDED, TEXT_BIGRAMS, TITLE_BIGRAMS, folded
from search.storage.generations import Generation
from search.query.suggest import Suggester

_SYLLABLES = folded_analyzer()
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n")
# Enough of a long article to hold its lead and first paragraphs.
TEXT_CHARS = 4000
KINDS = {ALL_FOLDED: 0, folded("title"): 1, folded("lead"): 1, folded("body"): 1, TEXT_BIGRAMS: 2, TITLE_BIGRAMS: 3, ALL_ACCENTED: 4}
WORD_KIND = 5  # accented words, in title, lead or body
HYBRID_WEIGHTS = (0.5, 1, 2, 3, 4, 6, 8, 12)


@dataclass
class Candidate:
    query: int
    relevant: bool
    features: list[float]


def _longest_run(query: list[str], text: list[str]) -> int:
    """Length of the longest run of query syllables the text repeats in the same order."""
    where: dict[str, list[int]] = {}
    for i, syllable in enumerate(query):
        where.setdefault(syllable, []).append(i)
    best, previous = 0, {}
    for syllable in text:
        current = {i: previous.get(i - 1, 0) + 1 for i in where.get(syllable, ())}
        best = max(best, *current.values(), 0)
        previous = current
    return best


class Describer:
    """Ranks with Bantin's own code and describes each candidate, on one index."""

    def __init__(self, generation: Generation) -> None:
        searcher = generation.open().searcher()
        self.searcher = searcher
        self.reader = searcher.reader()
        self.columns = Columns(self.reader)
        self.ranker = Ranker(searcher, self.columns)
        self.guess = Suggester(SyllableModel.load(generation.path) or SyllableModel.empty()).accented_words

    def top(self, text: str, depth: int) -> tuple[QueryPlan, list[tuple[int, float]]]:
        """The plan and the first `depth` (docnum, score), as a results page has them."""
        plan = build_plan(parse_query(text), self.reader, DEFAULT_WEIGHTS, self.guess)
        if not plan.searchable:
            return plan, []
        ranked = self.ranker.best(plan, DEFAULT_WEIGHTS, Filters(), depth, "relevance")
        return plan, ranked.top

    def describe(self, plan: QueryPlan, top: list[tuple[int, float]]) -> list[list[float]]:
        docnums = np.array([d for d, _ in top], dtype=np.int32)
        order = np.argsort(docnums)
        kinds = np.zeros((len(top), WORD_KIND + 1), dtype=np.float32)
        for item in plan.evidence:
            docs, scores = self.ranker.scorer.contribution(item.field, item.term, DEFAULT_WEIGHTS)
            if not len(docs):
                continue
            at = np.minimum(np.searchsorted(docs, docnums[order]), len(docs) - 1)
            found = docs[at] == docnums[order]
            kinds[order, KINDS.get(item.field, WORD_KIND)] += np.where(found, scores[at], 0.0) * item.boost
        idf = {s: self._idf(s) for s in plan.optional}
        total_idf = sum(idf.values()) or 1.0
        best = top[0][1] or 1.0
        lengths = self.columns.lengths(ALL_FOLDED)
        rows = []
        for rank, (docnum, score) in enumerate(top, 1):
            stored = self.searcher.stored_fields(docnum)
            text = "\n".join(stored.get(name) or "" for name in ("title", "lead", "body"))[:TEXT_CHARS]
            sentences = [[t.text for t in _SYLLABLES(s)] for s in _SENTENCE_END.split(text)]
            syllables = [s for sentence in sentences for s in sentence]
            present = set(syllables)
            coverage = sum(v for s, v in idf.items() if s in present) / total_idf
            best_sentence = max((sum(v for s, v in idf.items() if s in set(sentence)) / total_idf
                                 for sentence in sentences), default=0.0)
            run = _longest_run(list(plan.whole), syllables)
            rows.append([score / best, 1 / rank, *(kinds[rank - 1] / best), coverage, best_sentence,
                         run, run / max(len(plan.whole), 1), float(np.log1p(lengths[docnum]))])
        return rows

    def _idf(self, syllable: str) -> float:
        df = len(self.columns.postings(ALL_FOLDED, syllable).ids)
        n = self.columns.doc_count
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


def candidates(
    describer: Describer, queries: list[dict], depth: int, vectors: meaning.DocVectors | None = None
) -> list[Candidate]:
    """Each query's top `depth`, described; with article `vectors`, the cosine last
    (0 for the queries the search would not embed)."""
    out = []
    for number, query in enumerate(queries):
        plan, top = describer.top(query["query"], depth)
        if not top:
            continue
        relevant = set(query["relevant"])
        docnums = np.array([d for d, _ in top])
        rows = describer.describe(plan, top)
        if vectors is not None:
            cosines = np.zeros(len(top))
            if plan.semantic:
                cosines = vectors.cosines(docnums, meaning.MODEL.question(parse_query(query["query"]).text))
            rows = [row + [float(c)] for c, row in zip(cosines, rows)]
        ids = [describer.searcher.stored_fields(int(d))["id"] for d in docnums]
        out.extend(Candidate(number, doc in relevant, row) for doc, row in zip(ids, rows))
    return out


def article_vectors(docs: Path) -> meaning.DocVectors:
    """The vectors of the set's index, computed (and kept in it) on first use."""
    store = ensure_index(docs, "bantin")
    fill(store)
    found = meaning.load(store.current().path / meaning.VECTORS)
    assert found is not None and found.present.all(), f"{store.root}: vectors missing"
    return found


def mrr(found: list[Candidate], queries: int, parity: int, score=None) -> float:
    """MRR@10 of the queries of one parity, in Bantin's order or by `score`."""
    by_query: dict[int, list[Candidate]] = {}
    for c in found:
        if c.query % 2 == parity:
            by_query.setdefault(c.query, []).append(c)
    total = 0.0
    for group in by_query.values():
        order = range(len(group))
        if score is not None:
            order = np.argsort(-score(np.array([c.features for c in group])), kind="stable")
        for rank, i in enumerate(list(order)[:10], 1):
            if group[i].relevant:
                total += 1 / rank
                break
    return total / max(len(range(parity, queries, 2)), 1)


def ceiling(found: list[Candidate], queries: int, meaning: bool = False) -> dict[str, dict[str, float]]:
    train = [c for c in found if c.query % 2 == 0]
    x, y = np.array([c.features for c in train]), np.array([c.relevant for c in train])
    models = {
        "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "trees": HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0),
    }
    result = {"bantin": {"even": mrr(found, queries, 0), "odd": mrr(found, queries, 1)}}
    for name, model in models.items():
        model.fit(x, y)
        score = lambda rows, m=model: m.predict_proba(rows)[:, 1]  # noqa: E731
        result[name] = {"even": mrr(found, queries, 0, score), "odd": mrr(found, queries, 1, score)}
    if meaning:
        for weight in HYBRID_WEIGHTS:
            hybrid = lambda rows, w=weight: rows[:, 0] + w * rows[:, -1]  # noqa: E731
            result[f"hybrid(lambda={weight:g})"] = {
                "even": mrr(found, queries, 0, hybrid),
                "odd": mrr(found, queries, 1, hybrid),
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--sets", default="", help="only these query files, as SET/FILE (default: all)")
    parser.add_argument("--depth", type=int, default=30, help="candidates per query")
    parser.add_argument("--meaning", action="store_true", help="add the cosine of search/meaning/'s vectors")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    wanted = {s for s in args.sets.split(",") if s}
    results = {}
    describers: dict[Path, Describer] = {}
    for queries_file, docs in query_files(args.eval):
        name = f"{queries_file.parent.name}/{queries_file.stem}"
        if wanted and name not in wanted:
            continue
        if docs not in describers:
            describers[docs] = Describer(ensure_index(docs, "bantin").current())
        queries = [json.loads(line) for line in queries_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        vectors = article_vectors(docs) if args.meaning else None
        results[name] = ceiling(candidates(describers[docs], queries, args.depth, vectors), len(queries), args.meaning)
        if not args.json:
            row = dict(results[name])
            hybrids = [m for m in row if m.startswith("hybrid")]
            if hybrids:  # the best on the even half, as a tuner would choose
                best = max(hybrids, key=lambda m: row[m]["even"])
                row = {m: v for m, v in row.items() if m == best or m not in hybrids}
            print(f"{name:55} " + "  ".join(f"{m} {v['even']:.4f}/{v['odd']:.4f}" for m, v in row.items()), flush=True)
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
