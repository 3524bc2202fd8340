"""Snippets that show why a result matched, found in the stored text of the page's hits.

The query's folded syllables become one regular expression listing the forms
each takes in this index (`dan` -> `dân|dần|dẫn|dan|…`, from the build's table
of accented syllables, search/language/ngrams.py), run over the stored lead and body of just the hits on the
page: no pyvi, no folding of the text, no character offsets in the index
(which made it larger and slower to build). The window with the most distinct
query syllables is shown, escaped, matches in <mark>. Another spelling of a
name in the query (`Ủy ban nhân dân` for `ubnd`) is marked as the phrase the
article writes.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import defaultdict
from html import escape

from search.language.ngrams import SyllableModel
from search.language.roman import to_roman
from search.language.text import FOLDS_TO, fold_term
from search.language.tones import tone_spellings

WINDOW = 240
CONTEXT = 40  # characters shown before the window's first match, so it reads in context
Span = tuple[int, int]
SNIPPET_FIELDS = ("lead", "body")


class Highlighter:
    """Patterns for query syllables, built from one index generation's vocabulary."""

    def __init__(self, model: SyllableModel) -> None:
        self._model = model
        self._forms: dict[str, list[str]] | None = None
        self._lock = threading.Lock()
        self.pattern = functools.lru_cache(maxsize=1024)(self._pattern)

    def prepare(self) -> None:
        """Group the accented syllables by folded form once, off the request path."""
        with self._lock:
            if self._forms is None:
                forms: dict[str, list[str]] = defaultdict(list)
                for key, term in zip(self._model.folded, self._model.words[1:]):
                    # The table holds one spelling of `hòa`; the text may hold `hoà`.
                    forms[key].extend(tone_spellings(term))
                self._forms = dict(forms)

    def _syllable(self, term: str) -> list[str]:
        """The ways `term` (folded) may be written, as regular expressions."""
        if self._forms is None:
            # Not prepared yet: spell every letter's accented forms out (slower to compile).
            spellings = {term, *([term[:-1] + "y"] if fold_term(term[:-1] + "y") == term else [])}
            return ["".join(_letter_class(ch) for ch in spelling) for spelling in spellings]
        return [re.escape(form) for form in self._forms.get(term, [term])]

    def _pattern(self, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset()) -> re.Pattern[str] | None:
        """Any of the folded `terms` as a whole syllable, or any of `phrases`
        syllable after syllable, with whatever diacritics, case and punctuation between."""
        alternatives = [form for term in terms for form in self._syllable(term)]
        # `Đại hội XIII` was indexed as `13` (search/language/analysis.py): mark it too.
        alternatives += [to_roman(int(t)) for t in terms if t.isascii() and t.isdigit() and 0 < int(t) < 40]
        alternatives += [
            r"\W{1,3}".join("(?:" + "|".join(self._syllable(s)) + ")" for s in phrase) for phrase in phrases
        ]
        if not alternatives:
            return None
        alternatives.sort(key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _letter_class(ch: str) -> str:
    variants = FOLDS_TO.get(ch)
    return "[" + ch + variants + "]" if variants else re.escape(ch)


def match_spans(fields: dict, pattern: re.Pattern[str] | None) -> dict[str, list[tuple[int, int, str]]]:
    """text field -> [(start, end, folded syllable)] for every query syllable in it."""
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    if pattern is None:
        return spans
    for name in SNIPPET_FIELDS:
        for match in pattern.finditer(fields.get(name) or ""):
            spans[name].append((match.start(), match.end(), fold_term(match.group(0).lower())))
    return spans


def _best_window(spans: list[tuple[int, int, str]], length: int) -> tuple[int, int]:
    """The WINDOW-long stretch holding the most distinct terms (then the most matches)."""
    spans = sorted(spans)
    best, best_key = (0, min(length, WINDOW)), (-1, -1)
    right = 0
    for left in range(len(spans)):
        start = spans[left][0]
        while right < len(spans) and spans[right][1] <= start + WINDOW - CONTEXT:
            right += 1
        inside = spans[left:right]
        key = (len({term for _, _, term in inside}), len(inside))
        if key > best_key:
            best_key = key
            begin = max(0, start - CONTEXT)
            best = (begin, min(length, begin + WINDOW))
    return best


def _snap(text: str, begin: int, end: int) -> tuple[int, int]:
    """Move the window edges to word boundaries."""
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 else begin
    if end < len(text):
        space = text.rfind(" ", end - 20, end)
        end = space if space > begin else end
    return begin, end


def render(text: str, spans: list[tuple[int, int, str]]) -> str:
    """HTML: the best window of `text`, escaped, each match in <mark>."""
    if not spans:
        return escape(_excerpt(text))
    begin, end = _snap(text, *_best_window(spans, len(text)))
    marks: list[Span] = []
    for start, stop, _ in sorted(spans):
        if start < begin or stop > end:
            continue
        if marks and start <= marks[-1][1] + 1 and not text[marks[-1][1]:start].strip():
            # Adjacent syllables (`quy chế`) read as one match.
            marks[-1] = (marks[-1][0], max(marks[-1][1], stop))
        else:
            marks.append((start, stop))
    parts = ["… " if begin > 0 else ""]
    cursor = begin
    for start, stop in marks:
        parts.append(escape(text[cursor:start]))
        parts.append("<mark>" + escape(text[start:stop]) + "</mark>")
        cursor = stop
    parts.append(escape(text[cursor:end]))
    parts.append(" …" if end < len(text) else "")
    return "".join(parts).replace("\n", " ")


def _excerpt(text: str) -> str:
    if len(text) <= WINDOW:
        return text.replace("\n", " ")
    cut = text.rfind(" ", 0, WINDOW)
    return text[: cut if cut > 0 else WINDOW].replace("\n", " ") + " …"


def snippet(fields: dict, spans: dict[str, list[tuple[int, int, str]]]) -> str:
    """The snippet of one hit: from the lead or body where they matched, else the lead."""
    inside = {name: spans.get(name, []) for name in SNIPPET_FIELDS}
    candidates = [name for name, found in inside.items() if found]
    if candidates:
        name = max(candidates, key=lambda n: (len({t for _, _, t in inside[n]}), n == "lead"))
        return render(fields.get(name) or "", inside[name])
    return escape(_excerpt(fields.get("lead") or fields.get("body") or ""))

