"""“Did you mean”: diacritics put back from context, misspelled syllables corrected.

Both read the generation's syllable counts (search/language/ngrams.py), which the build
wrote: opening a generation costs a file read, not a walk of the lexicon.

A query typed without diacritics is read by the decoder (search/query/restore.py)
with the counts of the whole index, and, for the suggestion, with the titles
and leads of its own first results as a cache (Kuhn and De Mori's cache model,
1990): people search for what the articles say, and a known-item query's
syllables are accented as its article writes them (`tỉ lệ`, where the index
as a whole prefers `tỷ lệ`). Their whole texts count too, where the query's
syllables stand near each other and agree on one form (`thu, chi ngân sách
xã`: the n-grams never pair across a comma, and `chỉ` is the commoner syllable).
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from whoosh.searching import Searcher

from search.language.analysis import SYLLABLE, folded_analyzer, word_analyzer
from search.language.ngrams import SyllableModel
from search.query.restore import decode, slots
from search.language.text import fold, fold_term, has_diacritics, nfc, syllable_shaped
from search.language.tones import standard_tones

MAX_SYLLABLE_LETTERS = 7  # "nghiêng": no Vietnamese syllable is longer
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SYLLABLES = folded_analyzer()
_WORDS = word_analyzer()
# Shorter syllables are not corrected: one or two edits from `gì` reach dozens of
# unrelated syllables (`ty`, `ai`, `di`), and picking the most frequent is noise.
MIN_CORRECTED_LETTERS = 3
# Every Vietnamese syllable has a vowel: `hcm`, `ubnd` are abbreviations, not slips.
_VOWEL = re.compile("[aeiouy]")
# A result's title or lead guides the reading when it holds this share of the query's syllables
# (all of them: a result about something else says nothing of how the query is accented).
MIN_CONTEXT_SHARE = 1.0
# Syllables of a query read, at most: what search uses of a pasted paragraph.
MAX_RESTORED = 64
# In the first results' whole texts, a query syllable counts where another of the
# query's syllables stands within this many syllables (`thu, chi ngân sách xã`) ...
NEAR = 3
# ... and its commonest form there is favoured if it holds this share of them:
# articles that disagree (`chi phí`, `chỉ đạo`) say nothing.
AGREEMENT = 0.75
# Log-scores gained by a form a title or lead holding the whole query uses (all
# but certain), and by one the whole texts agree on (a close call tipped).
HEAD_BONUS = 10.0
AGREED_BONUS = 1.0


@dataclass(frozen=True)
class Context:
    """What the first results say of how the query's syllables are accented."""

    heads: tuple[str, ...] = ()  # their titles and leads, each a text
    texts: tuple[str, ...] = ()  # their whole texts, one per article
    docnums: tuple[int, ...] = ()  # the results read

    @classmethod
    def read(cls, searcher: Searcher, top: Sequence[tuple[int, float]], known: Context | None = None) -> Context:
        """The stored titles, leads and bodies of the first results, (docnum, score)
        pairs; `known` itself if it read the same results."""
        docnums = tuple(docnum for docnum, _ in top)
        if known is not None and known.docnums == docnums:
            return known
        heads, texts = [], []
        for docnum in docnums:
            fields = searcher.stored_fields(docnum)
            parts = [fields.get(name) or "" for name in ("title", "lead", "body")]
            heads.extend(parts[:2])
            texts.append("\n".join(parts))
        return cls(tuple(heads), tuple(texts), tuple(docnums))


def _edits(word: str) -> set[str]:
    """Every string one deletion, swap, replacement or insertion away (letters a-z)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


def typed_syllables(text: str) -> list[str]:
    """The query's syllables as typed, lowercase, tones where the index puts them."""
    return [s.lower() for s in SYLLABLE.findall(standard_tones(nfc(text)))][:MAX_RESTORED]


class Suggester:
    """One per generation, shared by all requests (the decoder keeps no state)."""

    def __init__(self, model: SyllableModel) -> None:
        self.model = model
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Build the lookups (a fraction of a second) off the request path."""
        with self._lock:
            self.model.folded_counts  # noqa: B018 (cached property, computed now)
            self.model.number("")

    def _correct(self, syllable: str) -> str:
        """The closest known syllable (edit distance 1, then 2), the most frequent first.

        Candidates are generated and looked up in a dict: microseconds, where
        Whoosh's terms_within walks the whole lexicon (over a second per word).
        """
        known = self.model.folded_counts
        plausible = (
            syllable.isalpha()
            and MIN_CORRECTED_LETTERS <= len(syllable) <= MAX_SYLLABLE_LETTERS
            and _VOWEL.search(syllable) is not None
        )
        if syllable in known or not plausible:
            return syllable
        near = [c for c in _edits(syllable) if c in known]
        if not near:
            near = [c2 for c1 in _edits(syllable) for c2 in _edits(c1) if c2 in known]
        return max(near, key=known.__getitem__) if near else syllable

    def restore(self, text: str, context: Context = Context(), slipped: frozenset[int] = frozenset()) -> list[str]:
        """The likely accented reading of `text`, syllable by syllable (lowercase).

        Syllables typed with diacritics stay as typed. When most are marked the
        plain ones stay too (`ba` in `bố mẹ ba người` is `ba`), but for those
        at the positions `slipped` (corrected misspellings); in a query typed
        mostly plain, they are read from context. `context` (the first
        results) favours the accents those texts use.
        """
        typed = typed_syllables(text)
        marked = sum(has_diacritics(s) for s in typed)
        keep_plain = bool(typed) and 2 * marked >= len(typed)
        query = [
            slot
            for i, syllable in enumerate(typed)
            for slot in slots(self.model, [syllable], keep_plain=keep_plain and i not in slipped)
        ]
        heads = self._favoured(typed, context.heads)
        # The texts vote only on what is still open: not on syllables kept as typed, nor on
        # those a title decided (a query typed with its diacritics reads no text at all).
        decided = {fold(self.model.words[n]) for n in heads} | {fold(slot.typed) for slot in query if slot.fixed}
        agreed = self._agreed(typed, context.texts, decided)
        favoured = {**dict.fromkeys(agreed, AGREED_BONUS), **dict.fromkeys(heads, HEAD_BONUS)}
        favoured.pop(0, None)
        return decode(self.model, query, favoured)

    def _favoured(self, typed: list[str], heads: Iterable[str]) -> set[int]:
        """The syllables of the first title or lead that holds all of the query (folded).

        A result about something else says nothing of how the query is
        accented; of those about all of it, the best ranked says most. Two
        such titles that accent a syllable apart would each favour their own
        form, and the bonuses cancel: the first one decides.
        """
        wanted = {fold_term(s) for s in typed}
        favoured: set[int] = set()
        for text in heads:
            syllables = typed_syllables(text)
            held = wanted & {fold_term(s) for s in syllables}
            if wanted and len(held) >= MIN_CONTEXT_SHARE * len(wanted):
                favoured.update(self.model.number(s) for s in syllables if fold_term(s) in held)
                break
        favoured.discard(0)
        return favoured

    def _agreed(self, typed: list[str], texts: Iterable[str], decided: set[str]) -> set[int]:
        """Per query syllable, the form the articles agree on where another
        query syllable stands near it.

        Titles must hold the whole query to count; a body never does, but where
        two of its syllables stand together the article says how it writes
        them. Syllables in `decided` (kept as typed, or read from a title) are
        left alone. Texts are folded with `fold` (one letter per letter, so the
        accented and folded syllables line up), not `fold_term`.
        """
        wanted = {fold(s) for s in typed}
        undecided = wanted - decided
        if len(wanted) < 2 or not undecided:
            return set()
        forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            text = standard_tones(nfc(text)).lower()
            syllables = SYLLABLE.findall(text)
            plain = SYLLABLE.findall(fold(text))
            if len(plain) != len(syllables):
                continue
            for i, syllable in enumerate(plain):
                if syllable in undecided:
                    near = plain[max(i - NEAR, 0) : i + NEAR + 1]
                    if any(other in wanted and other != syllable for other in near):
                        forms[syllable][syllables[i]] += 1
        favoured = set()
        for counts in forms.values():
            form, count = counts.most_common(1)[0]
            if count >= AGREEMENT * counts.total():
                favoured.add(self.model.number(form))
        return favoured

    def accented_words(self, text: str, context: Context = Context()) -> list[str]:
        """The index words (`tiết_kiệm`) a query typed without diacritics most likely means.

        Ranking gives these a small bonus: of two folded matches, the article with
        the usual reading of the words comes first.
        """
        reading = " ".join(self.restore(text, context))
        return list(dict.fromkeys(t.text for t in _WORDS(reading)))

    def reading(self, text: str, context: Context = Context()) -> list[str]:
        """What the suggestion proposes for `text`, syllable by syllable: slips
        corrected, diacritics put back.

        A syllable typed with its diacritics was typed as meant, even when the
        index lacks it (`chuẩn` in a small index is not a misspelling of `chua`).
        A plain one the index lacks is a slip if it cannot be Vietnamese
        (`sinnh`), or if the rest was typed with diacritics (`dân chuu`); in a
        query typed plain, `sen` is a word this index does not have, left as typed.
        """
        typed = typed_syllables(text)
        accented = has_diacritics(text)
        mended = [self._mend(s, accented) for s in typed]
        slipped = frozenset(i for i, (a, b) in enumerate(zip(typed, mended)) if a != b)
        return self.restore(" ".join(mended), context, slipped)

    def _mend(self, syllable: str, accented_query: bool) -> str:
        if has_diacritics(syllable):
            return syllable
        key = fold_term(syllable)
        if not accented_query and syllable_shaped(key):
            return syllable
        fixed = self._correct(key)
        return syllable if fixed == key else fixed

    def suggest(self, text: str, context: Context = Context()) -> str | None:
        """A better query, written as typed (quotes, minus signs, capitals) with its
        syllables read again; None when the query already reads as the index writes it."""
        text = standard_tones(nfc(text))
        typed = typed_syllables(text)
        if not typed:
            return None
        reading = self.reading(text, context)
        if reading == typed:
            return None
        matches = list(SYLLABLE.finditer(text))[: len(reading)]
        parts, cursor = [], 0
        for match, syllable in zip(matches, reading):
            written = match.group(0)
            parts.append(text[cursor : match.start()])
            parts.append(syllable.capitalize() if written[:1].isupper() and not written.isupper() else syllable)
            cursor = match.end()
        parts.append(text[cursor:])
        return "".join(parts)
