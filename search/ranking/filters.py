"""The filters a search may carry: a section and a range of dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from search.storage.postings import NO_DATE, Columns


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def apply(self, ids: np.ndarray, columns: Columns) -> np.ndarray:
        """The documents of `ids` that pass."""
        if self.category:
            codes, values = columns.codes("category")
            if self.category not in values:
                return ids[:0]
            ids = ids[codes[ids] == values.index(self.category)]
        if self.date_from or self.date_to:
            days = columns.dates()[ids]
            keep = days != NO_DATE
            if self.date_from:
                keep &= days >= self.date_from.toordinal()
            if self.date_to:
                keep &= days <= self.date_to.toordinal()
            ids = ids[keep]
        return ids
