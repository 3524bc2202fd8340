"""From a parsed query to a plan: what must match, and the evidence that ranks it.

- match: every query syllable, folded, in the field that holds the whole
  article (`all_f`). That is what makes a query without diacritics match.
- evidence, scored with BM25F for every matched article: the folded syllables
  in the whole text and in each field (title and lead weighted up), adjacent
  syllable pairs (bigrams: the query's words standing together, the cheap form
  of a proximity or phrase boost), and the accented pyvi words (typed by the
  user, or the likely reading of a query without diacritics), so that exact
  matches beat folded ones.

When nothing has every word, the loose plan asks for any of them and ranks by
the same evidence; long queries use it from the start. Very common syllables
are left out of long queries, where they only cost time and blur the ranking.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from whoosh.query import Or, Phrase, Query, Term
from whoosh.reading import IndexReader

from search.query.expansion import Expander, Expansion
from search.language.analysis import SYLLABLE, folded_analyzer, syllable_analyzer, word_analyzer
from search.query.parse import ParsedQuery
from search.storage.schema import ALL_ACCENTED, ALL_FOLDED, PHRASES, TEXT_BIGRAMS, TITLE_BIGRAMS, folded
from search.language.text import fold_term, has_diacritics

_SYLLABLES = folded_analyzer()
_WORDS = word_analyzer()
_ACCENTED = syllable_analyzer()
MAX_SYLLABLES = 64
MIN_PREFIX = 2
# A prefix being typed stands for its most frequent completions only.
MAX_PREFIX_TERMS = 32
TITLE_FIELDS = frozenset({"title", folded("title"), TITLE_BIGRAMS})


@dataclass(frozen=True)
class Weights:
    """Boosts of each kind of evidence; bench/relevance.py measures them."""

    all_text: float = 1.0
    title_short: float = 5.0  # title weight for short queries ...
    title_long: float = 0.8  # ... and for question- or paragraph-length ones
    lead: float = 1.2
    body: float = 0.6
    title_bigram: float = 1.125
    text_bigram: float = 0.8
    exact_syllable: float = 1.0  # a syllable with the diacritics the user typed
    exact_word: float = 0.5
    guessed_word: float = 0.3  # the likely accented words of a query typed without diacritics
    guessed_syllable: float = 0.3  # ... and their syllables
    k1: float = 1.2  # BM25 term-frequency saturation
    b: float = 0.75  # BM25 length normalization ...
    title_b: float = 0.75  # ... for titles, whose length says little about relevance
    long_query: int = 7  # syllables from which a query counts as long
    common_df: float = 0.3  # in long queries, drop syllables in more than this share of docs
    # In long queries typed with diacritics, each syllable of an n-syllable word
    # counts n**-word_share: "kiến thiết" is one idea, not two beside "Paris".
    word_share: float = 0.5
    drop_question_words: bool = True  # in long queries, drop "gì", "ở đâu", "đúng hay sai" ...
    # Long queries typed with diacritics: the first meaning_depth articles are ranked
    # again by score / best score + meaning x their cosine with the query (search/meaning/).
    meaning: float = 4.0  # the best on the even queries of viquad, alqac and baomoi, each set counting the same
    meaning_depth: int = 30
    # Short queries: among the first title_order_depth articles, those whose title
    # holds the query's syllables in the order typed come first (search/ranking/order.py).
    title_order_depth: int = 30
    # Another spelling of a name in the query (`UBND` for `ủy ban nhân dân`) is
    # worth this share of the typed one (search/ranking/score.py).
    other_spelling: float = 0.8
    # Among those titles, one holding a name as typed counts this share more than
    # one holding another spelling of it, when both hold every word.
    typed_title: float = 0.1

    def length_normalization(self, fieldname: str) -> float:
        return self.title_b if fieldname in TITLE_FIELDS else self.b


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Evidence:
    """One term in one field, worth `boost` times its BM25 score."""

    field: str
    term: str
    boost: float


@dataclass(frozen=True)
class Group:
    """A name in the query (`ubnd`), matched in the spelling typed or in any other.

    A document matches with the syllables typed (anywhere, as a plain query
    matches) or with another spelling as a phrase. It is scored by the best
    spelling it holds in the title and in the text (search/ranking/score.py):
    the typed one's evidence is the plan's own; each other one's evidence is
    scaled so that holding it is worth what holding the typed one is (a
    one-syllable `ubnd` and a four-syllable `ủy ban nhân dân` would otherwise
    score on different scales), times `other_spelling`, and counts for what it
    adds over the typed one.
    """

    typed: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    evidence: tuple[tuple[Evidence, ...], ...]  # per alternative
    shown: tuple[str, ...] = ()  # the other spellings as written
    # The typed spelling's evidence on the other spellings' scale, to compare them.
    typed_evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"typed": " ".join(self.typed), "also": list(self.shown)}


Slot = tuple[tuple[str, ...], ...]  # spellings, any of which fills one place of a query


@dataclass(frozen=True)
class QueryPlan:
    """What must match, in two strengths, and what ranks the matches."""

    required: tuple[str, ...] = ()  # folded syllables every result has ...
    optional: tuple[str, ...] = ()  # ... or, loosely, some of these
    prefix_terms: tuple[str, ...] = ()  # completions of the word being typed: one of them
    phrases: tuple[Query, ...] = ()  # every result matches each of these
    excluded: Query | None = None  # no result matches this
    evidence: tuple[Evidence, ...] = ()
    # Syllables no article has: searched without them, and the page says so.
    unknown: tuple[str, ...] = ()
    # Long queries (questions, pasted paragraphs) rarely have every word in the
    # right article: they are ranked on any word from the start.
    long: bool = False
    # The folded syllables worth marking in snippets.
    highlight: frozenset[str] = frozenset()
    # Every folded syllable of the query in order: an article titled so is the one meant.
    whole: tuple[str, ...] = ()
    # Worth ranking also by meaning (see ParsedQuery.worth_meaning).
    semantic: bool = False
    # Short queries: what was typed, in order, for the title order rule: a
    # syllable, or a name in any of its spellings.
    ordered: tuple[Slot, ...] = ()
    # Names matched in any spelling (search/names/dictionary.py).
    groups: tuple[Group, ...] = ()
    # Other spellings of several syllables, marked in snippets as phrases.
    highlight_phrases: frozenset[tuple[str, ...]] = frozenset()
    # The names expanded, as --explain and the API report them.
    expansions: tuple[dict, ...] = ()
    # The likely accented words given a bonus, for a query typed without diacritics.
    guessed: tuple[str, ...] = ()

    @property
    def searchable(self) -> bool:
        return bool(self.required or self.prefix_terms or self.phrases or self.groups)

    @property
    def can_loosen(self) -> bool:
        """Whether "any word" would match more than "every word"."""
        parts = len(self.required) + len(self.phrases) + bool(self.prefix_terms) + len(self.groups)
        return bool(self.optional or self.groups) and parts > 1


def _syllables(text: str) -> list[str]:
    return [t.text for t in _SYLLABLES(text)]


def _bigrams(syllables: list[str]) -> list[str]:
    return [a + "_" + b for a, b in zip(syllables, syllables[1:])]


def _phrase_query(text: str) -> Query:
    syllables = _syllables(text)
    if len(syllables) == 1:
        return Term(ALL_FOLDED, syllables[0])
    return Phrase(PHRASES, syllables)


# The words that make a sentence a question (`... ở đâu?`, `... đúng hay sai?`):
# the answer's article need not contain them. Matched with their diacritics
# only, since their folded forms are common words (`dau` is also `đầu`).
QUESTION_WORDS = frozenset("gì nào đâu ai mấy bao nhiêu sao đúng sai hay không".split())


def _question_syllables(typed: str) -> set[str]:
    """Folded forms of the question words typed (with diacritics) in `typed`."""
    return {fold_term(t.text) for t in _ACCENTED(typed) if t.text in QUESTION_WORDS}


def _exact_syllables(typed: str) -> list[str]:
    """The syllables whose diacritics the user meant: all of them when most are
    marked (`ba` in `bố mẹ ba người` is `ba`), else only the marked ones (a
    half-accented query was typed lazily)."""
    syllables = list(dict.fromkeys(t.text for t in _ACCENTED(typed)))
    marked = [s for s in syllables if has_diacritics(s)]
    return syllables if 2 * len(marked) >= len(syllables) else marked


def _syllable_shares(words: list[str], power: float) -> dict[str, float]:
    """Folded syllable -> its share of the pyvi word it is in (the largest, if in several)."""
    shares: dict[str, float] = {}
    for word in words:
        parts = word.split("_")
        for part in parts:
            key = fold_term(part)
            shares[key] = max(shares.get(key, 0.0), len(parts) ** -power)
    return shares


def _prefix_terms(reader: IndexReader, prefix: str) -> tuple[str, ...]:
    found = [
        (info.doc_frequency(), raw.decode("utf-8"))
        for raw, info in reader.iter_prefix(ALL_FOLDED, prefix.encode("utf-8"))
    ]
    found.sort(reverse=True)
    return tuple(term for _, term in found[:MAX_PREFIX_TERMS])


def _typed(text: str) -> list[str]:
    """The syllables of `text` as written (capitals kept), one per folded syllable."""
    return [match.group(0) for match in SYLLABLE.finditer(text)]


def _idf(reader: IndexReader, field: str, term: str, total: int) -> float:
    df = reader.doc_frequency(field, term)
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def _spelling_mass(reader: IndexReader, spelling: tuple[str, ...], total: int) -> float:
    """Roughly what holding `spelling` is worth to BM25: the idf of its syllables and pairs."""
    return sum(_idf(reader, ALL_FOLDED, s, total) for s in spelling) + sum(
        _idf(reader, TEXT_BIGRAMS, pair, total) for pair in _bigrams(list(spelling))
    )


def _spelling_evidence(spelling: tuple[str, ...], field_weights: dict[str, float], weights: Weights, scale: float) -> tuple[Evidence, ...]:
    """The evidence a query typing `spelling` would have, times `scale`."""
    evidence = []
    for s in spelling:
        evidence.append(Evidence(ALL_FOLDED, s, weights.all_text * scale))
        evidence.extend(Evidence(folded(name), s, w * scale) for name, w in field_weights.items())
    for pair in _bigrams(list(spelling)):
        evidence.append(Evidence(TITLE_BIGRAMS, pair, weights.title_bigram * scale))
        evidence.append(Evidence(TEXT_BIGRAMS, pair, weights.text_bigram * scale))
    return tuple(item for item in evidence if item.boost > 0)


def build_plan(
    parsed: ParsedQuery,
    reader: IndexReader,
    weights: Weights = DEFAULT_WEIGHTS,
    guess_words: Callable[[str], list[str]] | None = None,
    expander: Expander | None = None,
) -> QueryPlan:
    """`guess_words` gives the likely accented index words of text typed without diacritics;
    `expander` finds the names whose other spellings also match."""
    runs = [_syllables(run) for run in parsed.plain]
    typed_runs = [_typed(run) for run in parsed.plain]
    phrases = parsed.phrases
    if phrases and len(set(s for run in runs for s in run)) >= weights.long_query:
        # Quotes in a pasted paragraph or a question quote someone: they are not
        # a phrase search, and a long query is ranked on any of its words anyway.
        runs = [*(_syllables(phrase) for phrase in phrases), *runs]  # the last run may be a prefix
        typed_runs = [*(_typed(phrase) for phrase in phrases), *typed_runs]
        phrases = []
    budget = MAX_SYLLABLES
    kept_runs, kept_typed = [], []
    for run, typed_run in zip(runs, typed_runs):  # a 10,000-character paste is cut to a searchable size
        kept_runs.append(run[:budget])
        kept_typed.append(typed_run[:budget] if len(typed_run) == len(run) else kept_runs[-1])
        budget -= len(kept_runs[-1])
    runs = [run for run in kept_runs if run]
    typed_runs = [typed_run for run, typed_run in zip(kept_runs, kept_typed) if run]
    phrase_runs = [_syllables(phrase) for phrase in phrases]
    syllables = list(dict.fromkeys(s for run in runs for s in run))
    phrase_syllables = [s for run in phrase_runs for s in run]
    if not syllables and not phrase_syllables:
        return QueryPlan()

    prefix = runs[-1][-1] if parsed.prefix and runs and len(runs[-1][-1]) >= MIN_PREFIX else None
    prefix_terms = _prefix_terms(reader, prefix) if prefix else ()
    # Names spelled some other way in articles: matched in any spelling (the word being typed aside).
    expansions: list[list[Expansion]] = []
    for number, (run, typed_run) in enumerate(zip(runs, typed_runs)):
        last = number == len(runs) - 1 and prefix is not None
        found = expander.find(run, typed_run) if expander is not None else []
        expansions.append([e for e in found if not (last and e.end == len(run))])
    in_names = {s for run, found in zip(runs, expansions) for e in found for s in run[e.start : e.end]}
    outside = list(dict.fromkeys(
        s for run, found in zip(runs, expansions) for i, s in enumerate(run)
        if not any(e.start <= i < e.end for e in found)
    ))
    # A syllable absent from the index can only make "every word" match nothing.
    unknown = tuple(s for s in outside if s != prefix and not reader.doc_frequency(ALL_FOLDED, s))
    whole = [s for s in outside if s != prefix and s not in unknown]
    has_names = any(expansions)
    if not whole and not prefix_terms and not phrase_syllables and not has_names:
        return QueryPlan(unknown=unknown)
    total = max(reader.doc_count(), 1)
    # A name counts as one word: `thành phố Hồ Chí Minh thi tuyển` is three words to
    # its reader, not seven syllables, and is not ranked as a pasted paragraph.
    is_long = len(outside) + sum(len(found) for found in expansions) >= weights.long_query
    ranked = whole
    if is_long:
        asking = _question_syllables(" ".join(parsed.plain)) if weights.drop_question_words else set()
        ranked = [
            s for s in whole
            if s not in asking and reader.doc_frequency(ALL_FOLDED, s) <= weights.common_df * total
        ] or whole
    title_weight = weights.title_long if is_long else weights.title_short
    field_weights = {"title": title_weight, "lead": weights.lead, "body": weights.body}

    named = [s for s in in_names if s not in ranked and reader.doc_frequency(ALL_FOLDED, s)]
    scored_syllables = list(dict.fromkeys([*ranked, *named, *phrase_syllables]))
    evidence: list[Evidence] = []
    typed = " ".join(parsed.plain + parsed.phrases)
    accented = has_diacritics(typed)
    words = list(dict.fromkeys(t.text for t in _WORDS(typed))) if accented else []
    share = _syllable_shares(words, weights.word_share) if is_long else {}
    for s in scored_syllables:
        lift = share.get(s, 1.0)
        evidence.append(Evidence(ALL_FOLDED, s, weights.all_text * lift))
        evidence.extend(Evidence(folded(name), s, w * lift) for name, w in field_weights.items())
    evidence.extend(Evidence(ALL_FOLDED, term, weights.all_text / len(prefix_terms)) for term in prefix_terms)
    for run in [*runs, *phrase_runs]:
        for bigram in dict.fromkeys(_bigrams(run)):
            evidence.append(Evidence(TITLE_BIGRAMS, bigram, weights.title_bigram))
            evidence.append(Evidence(TEXT_BIGRAMS, bigram, weights.text_bigram))
    if accented:
        evidence.extend(Evidence(ALL_ACCENTED, s, weights.exact_syllable) for s in _exact_syllables(typed))
        for word in words:
            evidence.extend(Evidence(name, word, w * weights.exact_word) for name, w in field_weights.items())
    guessed: list[str] = []
    if not accented and guess_words is not None and not is_long:
        guessed = list(dict.fromkeys(guess_words(typed)))
        for word in guessed:
            evidence.extend(Evidence(name, word, w * weights.guessed_word) for name, w in field_weights.items())
        syllables_guessed = dict.fromkeys(s for word in guessed for s in word.split("_"))
        evidence.extend(Evidence(ALL_ACCENTED, s, weights.guessed_syllable) for s in syllables_guessed)

    groups: list[Group] = []
    slots: list[Slot] = []
    for run, found in zip(runs, expansions):
        starts = {e.start: e for e in found}
        i = 0
        while i < len(run):
            expansion = starts.get(i)
            if expansion is None:
                if run[i] != prefix and run[i] not in unknown:
                    slots.append(((run[i],),))
                i += 1
                continue
            present = tuple(a for a in expansion.alternatives if all(reader.doc_frequency(ALL_FOLDED, s) for s in a))
            typed_mass = _spelling_mass(reader, expansion.typed, total)
            group_evidence = tuple(
                _spelling_evidence(a, field_weights, weights, typed_mass / max(_spelling_mass(reader, a, total), 1e-6))
                for a in present
            )
            typed_evidence = _spelling_evidence(expansion.typed, field_weights, weights, 1.0)
            groups.append(Group(expansion.typed, present, group_evidence, expansion.shown, typed_evidence))
            slots.append((expansion.typed, *present))
            i = expansion.end
    other_spellings = {a for group in groups for a in group.alternatives}

    excluded = Or([_phrase_query(text) for text in parsed.excluded]) if parsed.excluded else None
    evidence = [item for item in evidence if item.boost > 0]  # nothing to read for weightless evidence
    plan = QueryPlan(
        required=tuple(whole),
        optional=tuple(ranked),
        prefix_terms=prefix_terms,
        phrases=tuple(_phrase_query(p) for p in phrases),
        excluded=excluded,
        evidence=tuple(evidence),
        unknown=unknown,
        highlight=frozenset([*syllables, *phrase_syllables, *prefix_terms, *(a[0] for a in other_spellings if len(a) == 1)]),
        whole=tuple(_syllables(parsed.text)),
        ordered=() if is_long else tuple(slots),
        groups=tuple(groups),
        highlight_phrases=frozenset(a for a in other_spellings if len(a) > 1),
        expansions=tuple(group.to_dict() for group in groups if group.alternatives),
        guessed=tuple(guessed),
    )
    return replace(plan, long=is_long and plan.can_loosen, semantic=is_long and accented)
