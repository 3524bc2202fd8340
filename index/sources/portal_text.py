"""Parser for the plain-text page export of the "PublishingPortal" provincial portals.

The export is the rendered page flattened to lines: page-block names and toolbar
labels are mixed in with the article, and nothing but position tells the title,
lead, photo caption, body and byline apart. The layout is:

    [PublishingPortal - Block_… lines, date line, toolbar line]   header, in any order
    title
    lead                                   (optional)
    PublishingPortal - Block_…             (optional; the article view starts here)
    photo caption                          (optional: one short line, no final stop)
    body paragraphs
    byline                                 (optional: a short name, last line)

Each heuristic below errs towards keeping a line as body text: a misread caption
or byline only moves text, but a dropped line would lose it.
"""

from __future__ import annotations

import datetime as dt
import re

from index.sources.errors import SourceError
from search.article import Article
from search.language.text import clean_line, fold

_BLOCK = re.compile(r"PublishingPortal\s*-\s*Block_\S*", re.IGNORECASE)
# The page's own toolbar ("Tăng cỡ chữ Giảm cỡ chữ", print, e-mail, share), matched
# folded so that a variant export that lost its diacritics still matches.
_TOOLBAR_ITEM = r"(?:(?:tang|giam) co chu|in bai(?: viet)?|gui email|chia se)"
_TOOLBAR = re.compile(rf"[\s|/-]*{_TOOLBAR_ITEM}(?:[\s|/-]*{_TOOLBAR_ITEM})*[\s|/-]*")
_TIME = r"[0-9]{1,2}\s*[:h]\s*[0-9]{2}(?:\s*:\s*[0-9]{2})?(?:\s*(?:am|pm|sa|ch))?"
_DATE_LINE = re.compile(
    r"(?:(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật)\s*[,-]?\s*)?"
    rf"(?:{_TIME}\s*[,|-]?\s*)?"
    r"(?:ngày\s*)?"
    r"(?P<day>[0-9]{1,2})\s*[/.-]\s*(?P<month>[0-9]{1,2})\s*[/.-]\s*(?P<year>[0-9]{4})"
    rf"(?:\s*[,|-]?\s*(?:lúc\s*)?{_TIME})?"
    r"(?:\s*\(?gmt\s*[+-]\s*[0-9]{1,2}(?::?[0-9]{2})?\)?)?",
    re.IGNORECASE,
)
_CAPTION_MAX = 200
_BYLINE_MAX = 60
_BYLINE_MAX_WORDS = 6
# A line ending like a sentence is body text, however short.
_SENTENCE_END = (".", "!", "?", ":", ";", ",", "…", '"', "”")
# "Tin, ảnh: Hương Lan", "Tác giả: Hương Lan": the label is not part of the name.
_BYLINE_LABEL = re.compile(r"^[^:]{1,20}:\s*(?=\S)")


def parse_portal_text(text: str, *, article_id: str, source: str = "", url: str = "") -> Article:
    """Read one exported article; raise `SourceError` when no title can be found."""
    lines = [line for line in map(clean_line, text.splitlines()) if line and not _is_toolbar(line)]
    date, rest = _header(lines)
    if not rest:
        raise SourceError("no title found")
    title, rest = rest[0], rest[1:]
    while rest and (match := _DATE_LINE.fullmatch(rest[0])):  # some put the date under the title
        date = date or _parse_date(match)
        rest = rest[1:]

    if any(_BLOCK.fullmatch(line) for line in rest):
        split = next(i for i, line in enumerate(rest) if _BLOCK.fullmatch(line))
        before, view = rest[:split], [line for line in rest[split + 1 :] if not _BLOCK.fullmatch(line)]
        lead, body_start = (before[0], before[1:]) if before else ("", [])
        view_has_caption = True
    else:
        # Without a block line the lead is still the paragraph under the title, if more follow.
        lead, body_start, view = (rest[0], [], rest[1:]) if len(rest) > 1 else ("", [], rest)
        view_has_caption = False

    author = ""
    if view and (lead or body_start or len(view) > 1) and _is_byline(view[-1]):
        author = _BYLINE_LABEL.sub("", view.pop())
    caption = ""
    if view_has_caption and len(view) > 1 and _is_caption(view[0]):
        caption = view.pop(0)
    return Article(
        id=article_id,
        title=title,
        body=tuple(body_start + view),
        url=url,
        lead=lead,
        caption=caption,
        date=date,
        author=author,
        source=source,
    )


def _header(lines: list[str]) -> tuple[dt.date | None, list[str]]:
    """Skip block names and date lines before the title, keeping the first date found."""
    date = None
    for i, line in enumerate(lines):
        if match := _DATE_LINE.fullmatch(line):
            date = date or _parse_date(match)
        elif not _BLOCK.fullmatch(line):
            return date, lines[i:]
    return date, []


def _parse_date(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:  # "31/02/2021" is a date line, just not a date
        return None


def _is_toolbar(line: str) -> bool:
    return _TOOLBAR.fullmatch(fold(line).lower()) is not None


def _is_caption(line: str) -> bool:
    return len(line) <= _CAPTION_MAX and not line.endswith(_SENTENCE_END)


def _is_byline(line: str) -> bool:
    return (
        len(line) <= _BYLINE_MAX
        and len(line.split()) <= _BYLINE_MAX_WORDS
        and (line[0].isalpha() or line[0] == "(")
        and not line.endswith(_SENTENCE_END)
    )
