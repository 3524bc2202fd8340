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

from speech.normalize.context import cue_before, cue_pattern
from speech.normalize.numbers import read_day, read_int, read_month
from search.language.roman import ROMAN, roman_value

_DAY_WORDS = ("ngày", "mồng", "mùng")
_TIME_OF_DAY = ("hôm", "sáng", "trưa", "chiều", "tối", "đêm", "khuya", "rạng sáng")
_DATE_CUE = cue_pattern(_DAY_WORDS + _TIME_OF_DAY + ("từ", "đến", "tới", "hết", "trước", "sau", "vào", "và", "hoặc"))
# "4-4" is a range or a score unless a day word says otherwise ("chiều 4-4").
_DASH_DATE_CUE = cue_pattern(_DAY_WORDS + _TIME_OF_DAY)
_MONTH_CUE = cue_pattern(("tháng",))


def _day(cue: str | None, day: int) -> str:
    """The day, with "ngày" unless the text already has it: "sáng 20/4" -> "sáng ngày hai mươi ..."."""
    cue = (cue or "").lower()
    if cue in ("mồng", "mùng"):
        return read_int(day)
    return read_day(day) if cue in ("ngày", "hôm") else f"ngày {read_day(day)}"


def _day_month(cue: str | None, day: int, month: int) -> str:
    return f"{_day(cue, day)} tháng {read_month(month)}"


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _year(written: str | None) -> str:
    return f" năm {read_int(int(written))}" if written else ""


_FULL_DATE = re.compile(
    r"(?P<d>\d(?<![\d/.,-]\d)\d?)(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/.-]\d|\w)"
)


def _full_date(match: re.Match) -> str:
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    if not _valid(day, month) or (match["sep"] != "/" and len(year) != 4):
        return match.group()
    return _day_month(cue_before(_DATE_CUE, match.string, match.start()), day, month) + _year(year)


_DAY_RANGE = re.compile(
    r"(?P<d1>\d(?<![\d/.,-]\d)\d?) ?[-–] ?(?P<d2>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?(?![\d/]|[.,]\d|\w)"
)


def _day_range(match: re.Match) -> str:
    """ "28-30/5" -> "ngày hai mươi tám đến ba mươi tháng năm"."""
    first, last, month = int(match["d1"]), int(match["d2"]), int(match["m"])
    if not (_valid(first, month) and _valid(last, month) and first < last):
        return match.group()
    cue = cue_before(_DATE_CUE, match.string, match.start())
    return f"{_day(cue, first)} đến {read_day(last)} tháng {read_month(month)}{_year(match['y'])}"


_MONTH_YEAR = re.compile(r"(?P<m>\d(?<![\d/.,-]\d)\d?)(?P<sep>[/-])(?P<y>\d{4})(?![\d/]|\w)")


def _month_year(match: re.Match) -> str:
    month, year = int(match["m"]), int(match["y"])
    has_cue = cue_before(_MONTH_CUE, match.string, match.start()) is not None
    # "12-2020" without "tháng" may be a range; "12/2020" is a month.
    if not 1 <= month <= 12 or not 1000 <= year <= 2999 or (match["sep"] == "-" and not has_cue):
        return match.group()
    return ("" if has_cue else "tháng ") + read_month(month) + _year(match["y"])


_DAY_MONTH = re.compile(r"(?P<d>\d(?<![\d/.,-]\d)\d?)/(?P<m>\d{1,2})(?![\d/]|[.,]\d|\w)")
_DASH_DAY_MONTH = re.compile(r"(?P<d>\d(?<![\d/.,-]\d)\d?)-(?P<m>\d{1,2})(?![\d-]|[.,]\d|\w)")


def _day_month_slash(match: re.Match) -> str:
    day, month = int(match["d"]), int(match["m"])
    text, start, end = match.string, match.start(), match.end()
    cue = cue_before(_DATE_CUE, text, start)
    bracketed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
    # A day larger than the month is no fraction (28/5), except the saying "24/7".
    evident = cue or bracketed or (day > month and (day, month) != (24, 7))
    if not _valid(day, month) or not evident:
        return match.group()
    return _day_month(cue, day, month)


def _day_month_dash(match: re.Match) -> str:
    day, month = int(match["d"]), int(match["m"])
    cue = cue_before(_DASH_DATE_CUE, match.string, match.start())
    return _day_month(cue, day, month) if cue and _valid(day, month) else match.group()


_MONTH_RANGE = re.compile(r"(?<=háng )(?P<m1>\d{1,2}) ?[-–] ?(?P<m2>\d{1,2})(?:/(?P<y>\d{4}))?(?![\d/]|[.,]\d|\w)")


def _month_range(match: re.Match) -> str:
    """ "tháng 1-8/2020" -> "tháng một đến tháng tám năm hai nghìn không trăm hai mươi"."""
    first, last = int(match["m1"]), int(match["m2"])
    if not 1 <= first < last <= 12:
        return match.group()
    return f"{read_month(first)} đến tháng {read_month(last)}{_year(match['y'])}"


# A date written in words around its numbers: "ngày 2 tháng 10" -> "ngày mồng hai tháng mười".
_WORDED_DAY = re.compile(r"(?<=[Nn]gày )(?P<d>\d{1,2})(?= tháng \d)")
_MONTH = re.compile(r"(?<=háng )(?P<m>\d{1,2})(?![\d/]|[.,]\d|\w)")
_QUARTER = re.compile(rf"(?<=[Qq]uý )(?P<q>[1-4]|{ROMAN})(?:\s?[/-]\s?(?P<y>\d{{4}}))?(?![\w/])")


def _quarter(match: re.Match) -> str:
    quarter = int(match["q"]) if match["q"].isdigit() else roman_value(match["q"])
    if not 1 <= quarter <= 4:
        return match.group()
    return read_int(quarter) + _year(match["y"])


def read_dates(text: str) -> str:
    """Full dates, month/year, day/month where the context says date, "tháng N", quarters."""
    if "uý " in text:
        text = _QUARTER.sub(_quarter, text)
    if "háng " in text:
        text = _MONTH_RANGE.sub(_month_range, text)
    if "/" in text or "-" in text or "." in text:
        text = _FULL_DATE.sub(_full_date, text)
    if "/" in text:
        text = _DAY_RANGE.sub(_day_range, text)
    if "/" in text or "-" in text:
        text = _MONTH_YEAR.sub(_month_year, text)
    if "/" in text:
        text = _DAY_MONTH.sub(_day_month_slash, text)
    if "-" in text:
        text = _DASH_DAY_MONTH.sub(_day_month_dash, text)
    if "háng " in text:
        text = _WORDED_DAY.sub(lambda m: read_day(int(m["d"])) if 1 <= int(m["d"]) <= 31 else m.group(), text)
        text = _MONTH.sub(lambda m: read_month(int(m["m"])) if 1 <= int(m["m"]) <= 12 else m.group(), text)
    return text


# --- clock times -------------------------------------------------------------------

_HOURS = re.compile(
    r"(?P<h>\d(?<![\w.,:]\d)\d?) ?(?P<mark>h|g)(?P<min>\d{2})?(?:['’](?:(?P<s>\d{2})(?:\"|”|'')?)?|p)?(?!\w)"
)
# "8g" is eight o'clock after these words, otherwise eight grams ("5g muối").
_HOUR_CUE = cue_pattern(("lúc", "từ", "đến", "tới", "vào", "trước", "sau"))
_CLOCK = re.compile(r"(?P<h>\d(?<![\w.,:]\d)\d?):(?P<min>\d{2})(?::(?P<s>\d{2}))?(?![\d:]|\w)")


def _clock_words(hours: int, minutes: int, seconds: int = 0) -> str:
    words = f"{read_int(hours)} giờ"
    if minutes:
        words += f" {read_int(minutes)} phút"
    if seconds:
        words += f" {read_int(seconds)} giây"
    return words


def _hours(match: re.Match) -> str:
    hours, minutes, seconds = int(match["h"]), int(match["min"] or 0), int(match["s"] or 0)
    if match["mark"] == "g" and not match["min"] and not cue_before(_HOUR_CUE, match.string, match.start()):
        return match.group()
    return _clock_words(hours, minutes, seconds) if minutes < 60 and seconds < 60 else match.group()


def _clock(match: re.Match) -> str:
    hours, minutes, seconds = int(match["h"]), int(match["min"]), int(match["s"] or 0)
    if hours > 24 or minutes > 59 or seconds > 59:
        return match.group()  # a ratio or score (50:50, 16:9), left to the number rules
    return _clock_words(hours, minutes, seconds)


def read_times(text: str) -> str:
    """ "14h30" -> "mười bốn giờ ba mươi phút", "14h" -> "mười bốn giờ", "08:30" -> "tám giờ ba mươi phút"."""
    text = _HOURS.sub(_hours, text)
    return _CLOCK.sub(_clock, text) if ":" in text else text
