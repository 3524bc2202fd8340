"""Reader for JSON Lines article dumps (the shape of the shared `corpus/`).

One record per line: {"id", "title", "body", "date", "category", "source"} and
optionally "url", "lead", "caption", "author"; `body` paragraphs are separated by
"\\n" (a list of strings is accepted too). A bad line is reported and skipped,
so one broken record never costs the rest of a 30 MB file. This is the bulk
path (tens of thousands of records), so each line costs one `json.loads` and a
few type checks, nothing more.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from index.sources.errors import SkippedSource, SourceError
from index.sources.ids import record_id
from search.article import Article

_TEXT_FIELDS = ("category", "url", "lead", "caption", "author", "source")
# A surrogate, raw or as a JSON escape; only lines with one need the (slower) check
# for lone surrogates, which cannot be stored or encoded as UTF-8.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")


def iter_jsonl(text: str, *, path: str, source: str | None = None) -> Iterator[Article | SkippedSource]:
    """Yield an `Article` per good line and a `SkippedSource` ("path:lineno") per bad one.

    `source` is the Article.source of records without their own "source" field
    (the reader passes the file's path relative to its SOURCE argument); it
    defaults to `path`.
    """
    default_source = path if source is None else source
    # Only "\n" ends a record: JSON strings may legally contain U+2028 and other
    # characters that str.splitlines() would also break on.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield _article(line, default_source)
        except SourceError as exc:
            yield SkippedSource(f"{path}:{lineno}", exc.reason)


def _article(line: str, default_source: str) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        raise SourceError(f"invalid JSON: {str(exc).split(':')[0]}") from None
    except RecursionError:
        raise SourceError("invalid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise SourceError("invalid record: not a JSON object")
    if _SURROGATE.search(line):
        _check_encodable(record)

    raw_id = record.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise SourceError("missing id")
    title = record.get("title")
    if title is None:
        title = ""  # a passage without a headline is still worth finding
    if not isinstance(title, str):
        raise SourceError("invalid title: not a string")
    fields = {name: _text_field(record, name) for name in _TEXT_FIELDS}
    fields["source"] = fields["source"] or default_source
    article = Article(
        id=record_id(raw_id.strip()),
        title=title,
        body=_body(record.get("body")),
        date=_date(record.get("date")),
        **fields,
    )
    if not article.title and not article.body:  # checked after cleaning: spaces are nothing
        raise SourceError("empty article: no title and no body")
    return article


def _text_field(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SourceError(f"invalid {name}: not a string")
    return value


def _body(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split("\n"))
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return tuple(value)
    raise SourceError("invalid body: not a string or a list of strings")


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            # A full timestamp ("2021-05-28T10:35:00+07:00") carries the date in its first ten characters.
            return dt.date.fromisoformat(value[:10] if value[10:11] in ("T", " ") else value)
        except ValueError:
            pass
    raise SourceError(f"invalid date {str(value)[:40]!r}: expected YYYY-MM-DD")


def _check_encodable(record: dict[str, Any]) -> None:
    """Refuse a record holding a lone surrogate before anything (its id's hash included) uses it."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise SourceError("invalid text: unpaired UTF-16 surrogate") from None
