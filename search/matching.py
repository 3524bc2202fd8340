"""From a parsed query to Whoosh queries: what must match, and what ranks higher.

Three stages:

- match: every query syllable, folded, in the one compact field that holds the
  whole article (`all_f`, frequencies only). Intersecting a few posting lists is
  cheap, and it is what makes a query without diacritics match.
- ranking: the matched documents scored on `all_f` plus the title evidence,
  whose posting lists are short. The best few hundred go on.
- rerank: those few hundred get the lead and body evidence too, read only for
  them. The evidence: per-field folded syllables (title and lead weighted up),
  adjacent syllable pairs (bigrams: the query's words standing together, the
  cheap form of a proximity or phrase boost), and the accented pyvi words (typed
  by the user, or the likely reading of a query without diacritics), so that
  exact matches beat folded ones.

When nothing has every word, the loose plan asks for any of them and ranks by
the same terms; long queries use it from the start. Very common syllables are
left out of long queries, where they only cost time and blur the ranking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import scoring
from whoosh.query import And, AndMaybe, AndNot, NullQuery, Or, Phrase, Prefix, Query, Term
from whoosh.searching import Searcher

from search.analysis import folded_analyzer, word_analyzer
from search.query import ParsedQuery
from search.schema import ALL_FOLDED, TEXT_BIGRAMS, TITLE_BIGRAMS, TEXT_FIELDS, folded
from search.text import has_diacritics

_SYLLABLES = folded_analyzer()
_WORDS = word_analyzer()
MAX_SYLLABLES = 64
MIN_PREFIX = 2


@dataclass(frozen=True)
class Weights:
    """Boosts of each kind of evidence; bench/relevance.py measures them."""

    all_text: float = 1.0
    title_short: float = 2.5  # title weight for short queries ...
    title_long: float = 0.8  # ... and for question- or paragraph-length ones
    lead: float = 1.2
    body: float = 0.6
    title_bigram: float = 1.5
    text_bigram: float = 0.8
    exact_word: float = 0.5
    guessed_word: float = 0.3  # the likely accented words of a query typed without diacritics
    k1: float = 1.2  # BM25 term-frequency saturation
    b: float = 0.75  # BM25 length normalization ...
    title_b: float = 0.75  # ... for titles, whose length says little about relevance
    long_query: int = 7  # syllables from which a query counts as long
    common_df: float = 0.3  # in long queries, drop syllables in more than this share of docs


DEFAULT_WEIGHTS = Weights()


def weighting(weights: Weights = DEFAULT_WEIGHTS) -> scoring.BM25F:
    """BM25F with the title fields' own length normalization."""
    title_fields = ("title", folded("title"), TITLE_BIGRAMS)
    return scoring.BM25F(B=weights.b, K1=weights.k1, **{f"{name}_B": weights.title_b for name in title_fields})


@dataclass(frozen=True)
class QueryPlan:
    """What must match, in two strengths, and what ranks the matches."""

    every_word: Query  # every word (and phrase) present
    any_word: Query | None  # some word present (the fallback), None when it would equal every_word
    ranking: Query | None  # scores every matched document: title evidence (short posting lists)
    rerank: Query | None = None  # adds lead and body evidence, for the best few hundred only
    excluded: Query | None = None
    # Syllables no article has: searched without them, and the page says so.
    unknown: tuple[str, ...] = ()
    # Long queries (questions, pasted paragraphs) rarely have every word in the
    # right article: they are ranked on any_word from the start.
    long: bool = False
    # The terms worth marking in snippets, per field (word fields and folded fields).
    highlight: dict[str, frozenset[str]] = field(default_factory=dict)

    def matching(self, loose: bool) -> Query:
        """The documents a search returns: unscored, for counts and facets."""
        match = self.any_word if loose and self.any_word is not None else self.every_word
        return AndNot(match, self.excluded) if self.excluded is not None else match

    def scored(self, loose: bool) -> Query:
        """The same documents, ranked."""
        match = self.any_word if loose and self.any_word is not None else self.every_word
        query = AndMaybe(match, self.ranking) if self.ranking is not None else match
        return AndNot(query, self.excluded) if self.excluded is not None else query


def _syllables(text: str) -> list[str]:
    return [t.text for t in _SYLLABLES(text)]


def _bigrams(syllables: list[str]) -> list[str]:
    return [a + "_" + b for a, b in zip(syllables, syllables[1:])]


def _phrase_query(text: str) -> Query:
    syllables = _syllables(text)
    if len(syllables) == 1:
        return Term(ALL_FOLDED, syllables[0])
    return Or([Phrase(folded(name), syllables) for name in TEXT_FIELDS])


def build_plan(
    parsed: ParsedQuery,
    searcher: Searcher,
    weights: Weights = DEFAULT_WEIGHTS,
    guess_words: Callable[[str], list[str]] | None = None,
) -> QueryPlan:
    """`guess_words` gives the likely accented index words of text typed without diacritics."""
    runs = [_syllables(run) for run in parsed.plain]
    budget = MAX_SYLLABLES
    kept_runs = []
    for run in runs:  # a 10,000-character paste is cut to a searchable size
        kept_runs.append(run[:budget])
        budget -= len(kept_runs[-1])
    runs = [run for run in kept_runs if run]
    syllables = list(dict.fromkeys(s for run in runs for s in run))
    phrase_syllables = [s for phrase in parsed.phrases for s in _syllables(phrase)]
    if not syllables and not phrase_syllables:
        return QueryPlan(every_word=NullQuery, any_word=None, ranking=None)

    prefix = runs[-1][-1] if parsed.prefix and runs and len(runs[-1][-1]) >= MIN_PREFIX else None
    # A syllable absent from the index can only make "every word" match nothing,
    # and a loose search over the rest is far slower than a strict one.
    unknown = tuple(s for s in syllables if s != prefix and not searcher.doc_frequency(ALL_FOLDED, s))
    whole = [s for s in syllables if s != prefix and s not in unknown]
    if not whole and not prefix and not phrase_syllables:
        return QueryPlan(every_word=NullQuery, any_word=None, ranking=None, unknown=unknown)
    total = max(searcher.doc_count(), 1)
    is_long = len(syllables) >= weights.long_query
    if is_long:
        rare = [s for s in whole if searcher.doc_frequency(ALL_FOLDED, s) <= weights.common_df * total]
        ranked = rare or whole
    else:
        ranked = whole
    title_weight = weights.title_long if is_long else weights.title_short
    field_weights = {"title": title_weight, "lead": weights.lead, "body": weights.body}

    # Whoosh skips documents that cannot reach the top by each clause's best
    # possible score, so every clause that drives matching carries real weight.
    base = [Term(ALL_FOLDED, s, boost=weights.all_text) for s in ranked]
    ranking: list[Query] = []
    for s in ranked:
        ranking.extend(Term(folded(name), s, boost=w) for name, w in field_weights.items())
    for run in runs:
        for bigram in _bigrams(run):
            ranking.append(Term(TITLE_BIGRAMS, bigram, boost=weights.title_bigram))
            ranking.append(Term(TEXT_BIGRAMS, bigram, boost=weights.text_bigram))
    words: list[str] = []
    typed = " ".join(parsed.plain + parsed.phrases)
    if has_diacritics(typed):
        words = list(dict.fromkeys(t.text for t in _WORDS(typed)))
        for word in words:
            ranking.extend(Term(name, word, boost=w * weights.exact_word) for name, w in field_weights.items())
    elif guess_words is not None and not is_long:
        for word in dict.fromkeys(guess_words(typed)):
            ranking.extend(Term(name, word, boost=w * weights.guessed_word) for name, w in field_weights.items())
    prefix_query = [Prefix(ALL_FOLDED, prefix, boost=weights.all_text)] if prefix else []
    phrases = [_phrase_query(p) for p in parsed.phrases]

    every_word = [Term(ALL_FOLDED, s, boost=weights.all_text) for s in whole] + prefix_query + phrases
    any_word: Query | None = None
    if len(every_word) > 1 and (base or prefix_query):
        any_word = Or([*base, *prefix_query])
        if phrases:
            any_word = And([*phrases, any_word])
    excluded = Or([_phrase_query(text) for text in parsed.excluded]) if parsed.excluded else None

    title_fields = {"title", folded("title"), TITLE_BIGRAMS}
    title_terms = [q for q in ranking if q.fieldname in title_fields]
    text_terms = [q for q in ranking if q.fieldname not in title_fields]

    highlight: dict[str, frozenset[str]] = {}
    folded_terms = frozenset([*syllables, *phrase_syllables])
    for name in TEXT_FIELDS:
        highlight[folded(name)] = folded_terms
        highlight[name] = frozenset(words)
    return QueryPlan(
        every_word=And(every_word),
        any_word=any_word,
        ranking=Or(title_terms) if title_terms else None,
        rerank=Or(text_terms) if text_terms else None,
        excluded=excluded,
        long=is_long and any_word is not None,
        unknown=unknown,
        highlight=highlight,
    )

