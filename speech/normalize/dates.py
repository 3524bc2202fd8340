"""Dates, months, quarters and clock times, read the way a news reader says them.

`28/05/2021` -> "ngày hai mươi tám tháng năm năm hai nghìn không trăm hai mươi mốt";
a "ngày" already written before the date is not doubled, days 1-10 take "mồng",
April is "tháng tư". A day/month pair without a year (`28/5`) is a date only when
the text says so: a word like "ngày", "sáng", "từ" before it, brackets around it,
or a day too large to be the top of a fraction (28/5); otherwise `1/3` stays a
fraction for the number rules.
"""

from __future__ import annotations

import re

from speech.normalize.numbers import read_day, read_int, read_month
from speech.normalize.roman import ROMAN, roman_value

_DAY_CUES = "ngày|mồng|mùng"
_TIME_OF_DAY = "hôm|sáng|trưa|chiều|tối|đêm|khuya|rạng sáng"
_SLASH_CUES = f"{_DAY_CUES}|{_TIME_OF_DAY}|từ|đến|tới|hết|trước|sau|vào|và|hoặc"


def _cue_pattern(words: str) -> str:
    return "|".join(w[0].upper() + w[1:] + "|" + w for w in words.split("|"))


def _day(cue: str | None, day: int) -> str:
    """ "ngày 28/5" keeps its "ngày"; "sáng 20/4" becomes "sáng ngày hai mươi ..."."""
    if cue and cue.lower() in ("mồng", "mùng"):
        return f"{cue} {read_int(day)}"
    lead = f"{cue} " if cue and cue.lower() == "ngày" else (f"{cue} ngày " if cue else "ngày ")
    return lead + read_day(day)


def _day_month(cue: str | None, day: int, month: int) -> str:
    return f"{_day(cue, day)} tháng {read_month(month)}"


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


_FULL_DATE = re.compile(
    rf"(?:(?<!\w)(?P<cue>{_cue_pattern(_SLASH_CUES)}) )?(?<![\d/.,-])"
    r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/.-]\d|\w)"
)


def _full_date(match: re.Match) -> str:
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    if not _valid(day, month) or (match["sep"] != "/" and len(year) != 4):
        return match.group()
    return f"{_day_month(match['cue'], day, month)} năm {read_int(int(year))}"


_MONTH_YEAR = re.compile(
    r"(?:(?<!\w)(?P<cue>[Tt]háng) )?(?<![\d/.,-])(?P<m>\d{1,2})[/-](?P<y>\d{4})(?![\d/]|\w)"
)


def _month_year(match: re.Match) -> str:
    month, year = int(match["m"]), int(match["y"])
    if not 1 <= month <= 12 or not 1000 <= year <= 2999 or (match.group().count("-") and not match["cue"]):
        return match.group()
    return f"{match['cue'] or 'tháng'} {read_month(month)} năm {read_int(year)}"


_DAY_MONTH = re.compile(
    rf"(?:(?<!\w)(?P<cue>{_cue_pattern(_SLASH_CUES)}) |(?P<open>\())?(?<![\d/.,-])"
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/]|[.,]\d|\w)(?P<close>\))?"
)
_DASH_DAY_MONTH = re.compile(
    rf"(?<!\w)(?P<cue>{_cue_pattern(_DAY_CUES + '|' + _TIME_OF_DAY)}) (?P<d>\d{{1,2}})-(?P<m>\d{{1,2}})(?![\d-]|[.,]\d|\w)"
)


def _day_month_slash(match: re.Match) -> str:
    day, month = int(match["d"]), int(match["m"])
    bracketed = bool(match["open"] and match["close"])
    # A day larger than the month is no fraction (28/5), except the saying "24/7".
    evident = match["cue"] or bracketed or (day > month and (day, month) != (24, 7))
    if not _valid(day, month) or not evident:
        return match.group()
    spoken = _day_month(match["cue"], day, month)
    return f"({spoken})" if bracketed else spoken + (match["close"] or "")


_DAY_RANGE = re.compile(
    rf"(?:(?<!\w)(?P<cue>{_cue_pattern(_SLASH_CUES)}) )?(?<![\d/.,-])(?P<d1>\d{{1,2}}) ?[-–] ?(?P<d2>\d{{1,2}})"
    r"/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?(?![\d/]|[.,]\d|\w)"
)


def _day_range(match: re.Match) -> str:
    """ "28-30/5" -> "ngày hai mươi tám đến ba mươi tháng năm"."""
    first, last, month = int(match["d1"]), int(match["d2"]), int(match["m"])
    if not (_valid(first, month) and _valid(last, month) and first < last):
        return match.group()
    year = f" năm {read_int(int(match['y']))}" if match["y"] else ""
    return f"{_day(match['cue'], first)} đến {read_day(last)} tháng {read_month(month)}{year}"


def _day_month_dash(match: re.Match) -> str:
    day, month = int(match["d"]), int(match["m"])
    return _day_month(match["cue"], day, month) if _valid(day, month) else match.group()


_MONTH = re.compile(r"(?<!\w)(?P<cue>[Tt]háng) (?P<m>\d{1,2})(?![\d/]|[.,]\d|\w)")


def _month(match: re.Match) -> str:
    month = int(match["m"])
    return f"{match['cue']} {read_month(month)}" if 1 <= month <= 12 else match.group()


_QUARTER = re.compile(rf"(?<!\w)(?P<cue>[Qq]uý) (?P<q>[1-4]|{ROMAN})(?:\s?[/-]\s?(?P<y>\d{{4}}))?(?![\w/])")


def _quarter(match: re.Match) -> str:
    quarter = int(match["q"]) if match["q"].isdigit() else roman_value(match["q"])
    if quarter is None or not 1 <= quarter <= 4:
        return match.group()
    year = f" năm {read_int(int(match['y']))}" if match["y"] else ""
    return f"{match['cue']} {read_int(quarter)}{year}"


def read_dates(text: str) -> str:
    """Full dates, month/year, day/month where the context says date, "tháng N", quarters."""
    text = _QUARTER.sub(_quarter, text)
    if "/" in text or "-" in text or "." in text:
        text = _FULL_DATE.sub(_full_date, text)
        text = _DAY_RANGE.sub(_day_range, text)
        text = _MONTH_YEAR.sub(_month_year, text)
        text = _DAY_MONTH.sub(_day_month_slash, text)
        text = _DASH_DAY_MONTH.sub(_day_month_dash, text)
    return _MONTH.sub(_month, text)


# --- clock times -------------------------------------------------------------------

_HOURS = re.compile(r"(?<![\w.,:])(?P<h>\d{1,2}) ?(?:h|g(?=\d\d))(?P<min>\d{2})?(?:'|’|p)?(?!\w)")
_CLOCK = re.compile(r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2}))?(?![\d:]|\w)")


def _clock_words(hours: int, minutes: int, seconds: int = 0) -> str:
    words = f"{read_int(hours)} giờ"
    if minutes:
        words += f" {read_int(minutes)} phút"
    if seconds:
        words += f" {read_int(seconds)} giây"
    return words


def _hours(match: re.Match) -> str:
    hours, minutes = int(match["h"]), int(match["min"] or 0)
    return _clock_words(hours, minutes) if minutes < 60 else match.group()


def _clock(match: re.Match) -> str:
    hours, minutes, seconds = int(match["h"]), int(match["min"]), int(match["s"] or 0)
    if hours > 24 or minutes > 59 or seconds > 59:
        return match.group()  # a ratio or score (50:50, 16:9), left to the number rules
    return _clock_words(hours, minutes, seconds)


def read_times(text: str) -> str:
    """ "14h30" -> "mười bốn giờ ba mươi phút", "14h" -> "mười bốn giờ", "08:30" -> "tám giờ ba mươi phút"."""
    text = _HOURS.sub(_hours, text)
    return _CLOCK.sub(_clock, text) if ":" in text else text
