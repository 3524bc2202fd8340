"""Reading search parameters from a query string, the same way for pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from search.engine import MAX_PAGE, MAX_PER_PAGE, SORTS, Filters


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high) if value not in (None, "") else default
    except ValueError:
        return default


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"“{name}” phải là ngày dạng YYYY-MM-DD, không phải “{value}”") from None


def search_args(args: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
    """Keyword arguments for SearchEngine.search, or an error message in Vietnamese."""
    try:
        filters = Filters(
            category=(args.get("category") or "").strip() or None,
            date_from=_date(args.get("from"), "from"),
            date_to=_date(args.get("to"), "to"),
        )
    except ValueError as exc:
        return {}, str(exc)
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        return {}, f"“sort” phải là một trong: {', '.join(SORTS)}"
    return {
        "text": args.get("q", ""),
        "page": _int(args.get("page"), 1, 1, MAX_PAGE),
        "per_page": _int(args.get("per_page"), 10, 1, MAX_PER_PAGE),
        "sort": sort,
        "filters": filters,
        "prefix": args.get("prefix") in ("1", "true"),
    }, None
