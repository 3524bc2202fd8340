"""Reading search parameters from a query string, the same way for pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from search.engine import MAX_PAGE, MAX_PER_PAGE, SORTS, Filters
from search.query.parse import MAX_QUERY_CHARS

# The query-string keys of a results page: links to other pages, to an article and
# back keep exactly these.
SEARCH_KEYS = ("q", "category", "from", "to", "sort", "page")


def query_text(args: Mapping[str, str]) -> str:
    """The words to search for, cut where the engine would cut them anyway, so a
    10,000-character query is neither echoed into every link of the page nor an error."""
    return (args.get("q") or "")[:MAX_QUERY_CHARS]


def query_too_long(args: Mapping[str, str]) -> bool:
    return len(args.get("q") or "") > MAX_QUERY_CHARS


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high) if value not in (None, "") else default
    except ValueError:
        return default


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"“{name}” phải là ngày dạng YYYY-MM-DD, không phải “{value}”") from None


def search_args(args: Mapping[str, str], labels: Mapping[str, str] | None = None) -> tuple[dict[str, Any], str | None]:
    """Keyword arguments for SearchEngine.search, or an error message in Vietnamese.

    `labels` names the parameters in messages the way the page's form names them.
    """
    name = lambda key: (labels or {}).get(key, key)  # noqa: E731
    try:
        filters = Filters(
            category=(args.get("category") or "").strip() or None,
            date_from=_date(args.get("from"), name("from")),
            date_to=_date(args.get("to"), name("to")),
        )
    except ValueError as exc:
        return {}, str(exc)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        return {}, f"“{name('from')}” phải trước hoặc trùng “{name('to')}”"
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        return {}, f"“{name('sort')}” phải là một trong: {', '.join(SORTS)}"
    return {
        "text": query_text(args),
        "page": _int(args.get("page"), 1, 1, MAX_PAGE),
        "per_page": _int(args.get("per_page"), 10, 1, MAX_PER_PAGE),
        "sort": sort,
        "filters": filters,
        "prefix": args.get("prefix") in ("1", "true"),
    }, None


def carried(args: Mapping[str, str], keys: tuple[str, ...] = SEARCH_KEYS) -> dict[str, str]:
    """The non-empty search parameters among `keys`, to rebuild a results URL."""
    values = {key: query_text(args) if key == "q" else args.get(key) or "" for key in keys}
    return {key: value.strip() for key, value in values.items() if value.strip()}
