"""Which page numbers a results page links to: the first, the last, and a few around the current one."""

from __future__ import annotations


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page numbers in order, None where a run of pages is left out (shown as "…")."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
