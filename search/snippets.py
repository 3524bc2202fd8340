"""Snippets that show why a result matched, from offsets stored in the index.

Re-running pyvi on every result would cost more than the search itself, so the
character offsets of each matched term are read from the postings (the text
fields are indexed with chars=True) for just the hits on the page. The window
with the most distinct query terms is shown, escaped, matches in <mark>.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

WINDOW = 240
Span = tuple[int, int]


def match_spans(
    searcher: Searcher, docnums: list[int], terms_by_field: dict[str, frozenset[str]]
) -> dict[int, dict[str, list[tuple[int, int, str]]]]:
    """docnum -> text field -> [(start, end, term)] for every query term found in it.

    One posting list per term, walked once over the page's sorted docnums.
    """
    spans: dict[int, dict[str, list[tuple[int, int, str]]]] = defaultdict(lambda: defaultdict(list))
    wanted = sorted(docnums)
    for fieldname, terms in terms_by_field.items():
        text_field = fieldname[:-2] if fieldname.endswith("_f") else fieldname
        for term in terms:
            try:
                postings = searcher.postings(fieldname, term)
            except TermNotFound:  # not in this field anywhere
                continue
            for docnum in wanted:
                if not postings.is_active():
                    break
                postings.skip_to(docnum)
                if postings.is_active() and postings.id() == docnum:
                    for _, start, end in postings.value_as("characters"):
                        spans[docnum][text_field].append((start, end, term))
    return spans


def _best_window(spans: list[tuple[int, int, str]], length: int) -> tuple[int, int]:
    """The WINDOW-long stretch holding the most distinct terms (then the most matches)."""
    spans = sorted(spans)
    best, best_key = (0, min(length, WINDOW)), (-1, -1)
    right = 0
    for left in range(len(spans)):
        start = spans[left][0]
        while right < len(spans) and spans[right][1] <= start + WINDOW:
            right += 1
        inside = spans[left:right]
        key = (len({term for _, _, term in inside}), len(inside))
        if key > best_key:
            best_key = key
            # Start a little before the first match, so it reads in context.
            begin = max(0, start - 40)
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
        if marks and start <= marks[-1][1]:  # overlapping word and syllable matches: merge
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
    # The indexed lead ends with the caption, which is stored apart: keep spans in the text.
    inside = {
        name: [span for span in spans.get(name, ()) if span[1] <= len(fields.get(name) or "")]
        for name in ("lead", "body")
    }
    candidates = [name for name, found in inside.items() if found]
    if candidates:
        name = max(candidates, key=lambda n: (len({t for _, _, t in inside[n]}), n == "lead"))
        return render(fields.get(name) or "", inside[name])
    return escape(_excerpt(fields.get("lead") or fields.get("body") or ""))

