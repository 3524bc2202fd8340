"""Counts of the matched articles per section and per year, for the results page's filters."""

from __future__ import annotations

import numpy as np

from search.results.page import Facet
from search.storage.postings import Columns


def count_facets(columns: Columns, ids: np.ndarray) -> dict[str, list[Facet]]:
    """Sections by count (largest first), years newest first; blanks left out."""
    counts: dict[str, list[tuple[str, int]]] = {}
    for name in ("category", "year"):
        codes, values = columns.codes(name)
        per_value = np.bincount(codes[ids], minlength=len(values))
        counts[name] = [(values[c], int(n)) for c, n in enumerate(per_value) if n and values[c]]
    categories = sorted(counts["category"], key=lambda vn: (-vn[1], vn[0]))
    years = sorted(counts["year"], reverse=True)
    return {
        "category": [Facet(value=v, count=n) for v, n in categories],
        "year": [Facet(value=v, count=n) for v, n in years],
    }
