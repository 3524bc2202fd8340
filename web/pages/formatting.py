"""How dates and counts are written for Vietnamese readers (15/03/2024, 25.907)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def vi_date(value: dt.date, weekday: bool = False) -> str:
    text = value.strftime("%d/%m/%Y")
    return f"{vi_weekday(value)}, {text}" if weekday else text


def vi_weekday(value: dt.date) -> str:
    return WEEKDAYS[value.weekday()]


def vi_number(value: int) -> str:
    """Thousands separated by dots, as Vietnamese writes them."""
    return f"{value:,}".replace(",", ".")


def vi_size(size_bytes: int) -> str:
    """Megabytes with a decimal comma: 12,3 MB."""
    return f"{size_bytes / 1e6:.1f} MB".replace(".", ",")


def web_link(url: str) -> str:
    """`url` if it is an http(s) address, else "": a source file could hold `javascript:`."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def register(app: Flask) -> None:
    app.add_template_filter(vi_date)
    app.add_template_filter(vi_weekday)
    app.add_template_filter(vi_number)
    app.add_template_filter(vi_size)
    app.add_template_filter(web_link)
