"""What the user typed, understood: plain words, quoted phrases, exclusions, a word being typed.

Only three pieces of syntax mean anything: "quoted phrase", -excluded and, when
the caller says the user is still typing, the last word as a prefix. Everything
else (AND, OR, parentheses, colons, stars, emoji, control characters) is plain
text, so no query can be malformed: at worst it has no words and finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.language.analysis import folded_analyzer
from search.language.text import clean_line, has_diacritics

MAX_QUERY_CHARS = 500
# A phrase is a quoted run; an exclusion a "-" glued, at a word start, to a word or
# to a quoted phrase (Vietnamese words often have several syllables: -"tham nhũng").
_SYNTAX = re.compile(
    r'(?:(?<=\s)|^)-"(?P<excluded_phrase>[^"]*)"|"(?P<phrase>[^"]*)"|(?:(?<=\s)|^)-(?P<excluded>\w[\w.-]*)'
)
_WORD = re.compile(r"\w")
_SYLLABLES = folded_analyzer()


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as shown back to the user: cleaned and cut to length
    plain: list[str] = field(default_factory=list)  # runs of plain words, in order
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    prefix: bool = False  # the last plain word is still being typed

    @property
    def empty(self) -> bool:
        return not (self.plain or self.phrases)

    def worth_meaning(self, long_query: int) -> bool:
        """Whether the query's vector should rank its results: a question or a pasted
        paragraph (`long_query` syllables or more), typed with diacritics. Two or
        three words are matched better by their syllables, and the model reads
        Vietnamese without diacritics poorly."""
        typed = " ".join(self.plain + self.phrases)
        return has_diacritics(typed) and len({t.text for t in _SYLLABLES(typed)}) >= long_query


def parse_query(text: str, prefix: bool = False) -> ParsedQuery:
    """Split `text` into its parts; never raises."""
    cleaned = clean_line(text or "")[:MAX_QUERY_CHARS]
    plain: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    position = 0
    for match in _SYNTAX.finditer(cleaned):
        plain.append(cleaned[position : match.start()])
        position = match.end()
        excluded_text = match["excluded"] or match["excluded_phrase"] or ""
        if _WORD.search(excluded_text):
            excluded.append(excluded_text.strip())
        elif _WORD.search(match["phrase"] or ""):
            phrases.append(match["phrase"].strip())
    plain.append(cleaned[position:])
    # A quote left unbalanced is just a character: drop it, keep the words.
    plain = [run.replace('"', " ").strip() for run in plain]
    plain = [run for run in plain if _WORD.search(run)]
    ends_in_word = bool(cleaned) and not cleaned[-1].isspace() and not cleaned.endswith('"')
    return ParsedQuery(
        text=cleaned,
        plain=plain,
        phrases=phrases,
        excluded=excluded,
        prefix=prefix and bool(plain) and ends_in_word and cleaned.rstrip().endswith(plain[-1].split()[-1]),
    )
