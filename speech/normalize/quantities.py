"""Amounts: ranges, units, currencies, percentages, ordinals, fractions, plain numbers.

These run after identifiers, dates and times have taken the digits that are
not amounts, and end with a pass that reads any digit still left, so that no
digit ever reaches the voice.
"""

from __future__ import annotations

import re

from speech.normalize.context import cue_before, cue_pattern
from speech.normalize.numbers import number_pattern, number_value, read_digits, read_int, read_number, read_ordinal

# Units after a number, as a reader says them. Case matters: "MW" is not "mW".
UNITS = {
    "km": "ki lô mét", "m": "mét", "cm": "xen ti mét", "mm": "mi li mét",
    "km2": "ki lô mét vuông", "m2": "mét vuông", "cm2": "xen ti mét vuông", "ha": "héc ta",
    "m3": "mét khối", "cm3": "xen ti mét khối", "l": "lít", "ml": "mi li lít", "lít": "lít",
    "kg": "ki lô gam", "g": "gam", "gr": "gam", "mg": "mi li gam", "mcg": "mi crô gam", "µg": "mi crô gam",
    "tấn": "tấn",
    "°C": "độ xê", "oC": "độ xê", "°F": "độ ép", "°": "độ",
    "W": "oát", "kW": "ki lô oát", "MW": "mê ga oát", "GW": "gi ga oát", "MWp": "mê ga oát đỉnh",
    "kWp": "ki lô oát đỉnh", "Wh": "oát giờ", "kWh": "ki lô oát giờ", "MWh": "mê ga oát giờ",
    "GWh": "gi ga oát giờ", "V": "vôn", "kV": "ki lô vôn", "mAh": "mi li am pe giờ",
    "Hz": "héc", "kHz": "ki lô héc", "MHz": "mê ga héc", "GHz": "gi ga héc",
    "KB": "ki lô bai", "MB": "mê ga bai", "GB": "gi ga bai", "TB": "tê ra bai",
    "kbps": "ki lô bít trên giây", "Mbps": "mê ga bít trên giây", "Gbps": "gi ga bít trên giây",
    "h": "giờ", "s": "giây", "ms": "mi li giây", "kcal": "ki lô ca lo", "dB": "đề xi ben",
    "USD": "đô la Mỹ", "đ": "đồng", "đồng": "đồng", "VNĐ": "đồng", "VND": "đồng", "EUR": "ơ rô",
    "€": "ơ rô", "$": "đô la", "NDT": "nhân dân tệ",
}  # fmt: skip
_MONEY = frozenset({"đô la Mỹ", "đồng", "ơ rô", "đô la", "nhân dân tệ"})
# Units that are safe to expand without a number before them (no word looks like them).
_STANDALONE = ("km", "km2", "m2", "m3", "cm2", "cm3", "kg", "ha", "MW", "kW", "kWh", "GW", "MWh", "GWh", "mm", "cm")

_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SCALE = "nghìn|ngàn|triệu|tỷ|tỉ|trăm|chục|vạn"


def _unit_words(unit: str, per: str | None) -> str:
    words = UNITS[unit]
    if per:
        per_words = UNITS.get(per, per)
        words += (" một " if words in _MONEY else " trên ") + per_words
    return words


# --- ranges --------------------------------------------------------------------------

_CHAIN = re.compile(rf"{number_pattern('a')}(?:-{number_pattern('b', '')}){{2,}}(?![\w-])")
_RANGE = re.compile(
    rf"{number_pattern('a')}(?P<unit>%| ?(?:{_UNIT})(?!\w))?(?P<dash> ?[-–—] ?){number_pattern('b', '')}"
    r"(?![\d/]|[.,]\d|-\d)"
)
_SCORE_CUES = re.compile(r"(?:tỷ số|tỉ số|thắng|thua|hòa|hoà|cách biệt|chung cuộc|sơ đồ)\W*(?:\w+\W+){0,2}$")


def _range(match: re.Match) -> str:
    a, b = match["a"], match["b"]
    before = match.string[max(0, match.start() - 40) : match.start()]
    joiner = " đến " if number_value(a) < number_value(b) and not _SCORE_CUES.search(before) else " "
    return f"{a}{match['unit'] or ''}{joiner}{b}"


def read_ranges(text: str) -> str:
    """ "2021 - 2025", "70-80%", "3-5kg" -> "... đến ..."; a score ("thắng 2-1") or "4-4-2": the numbers in turn."""
    if "-" not in text and "–" not in text and "—" not in text:
        return text
    text = _CHAIN.sub(lambda m: m.group().replace("-", " "), text)
    return _RANGE.sub(_range, text)


# --- units, money, percentages ---------------------------------------------------------

# A minus sign: a dash glued to a number, after a space or bracket (-5°C, "GMD -600 đồng").
_NEGATIVE = re.compile(r"-(?<![^\s(\[:;]-)(?=\d)")
_CURRENCY_FIRST = re.compile(rf"(?P<sign>US\$|\$|€|£|¥) ?{number_pattern('n', '')}(?: (?P<scale>{_SCALE}))?")
_CURRENCY_NAMES = {"US$": "đô la Mỹ", "$": "đô la", "€": "ơ rô", "£": "bảng Anh", "¥": "yên"}
_WITH_UNIT = re.compile(
    rf"{number_pattern('n')} ?(?P<unit>{_UNIT})(?:/(?P<per>{_UNIT}|[^\W\d_]+))?(?!\w|-\w)"
)
_PERCENT = re.compile(rf"{number_pattern('n')} ?%")
_SCALE_CUE = cue_pattern((*_SCALE.split("|"), "vài", "mấy", "hàng"))
_STANDALONE_UNIT = re.compile(rf"(?:{'|'.join(sorted(_STANDALONE, key=len, reverse=True))})(?!\w)")
# "triệu đồng/tháng", "đô la Mỹ/tấn" (USD is expanded before this pass), "con/giờ": a rate.
_PER_MONEY = re.compile(r"(?<!\w)(?P<money>đồng|đô la Mỹ|đô la|ơ rô|nhân dân tệ)/(?=[^\W\d_])")
_PER_WORD = re.compile(
    r"/(?<=\w/)(?<!ngày/)(?<!giờ/)(?<!tháng/)(?<!năm/)(?=(?:giờ|ngày|tuần|tháng|năm|quý|lượt|người|hộ|suất|lần)(?!\w))"
)
_DIGIT_UNIT = re.compile(r"(?P<unit>[kc]?m[23])(?!\w)|/(?<=\w/)(?P<per>k?m[23]|km|h)(?!\w)")


def _with_unit(match: re.Match) -> str:
    return f"{read_number(match['n'])} {_unit_words(match['unit'], match['per'])}"


def _currency_first(match: re.Match) -> str:
    scale = f" {match['scale']}" if match["scale"] else ""
    return f"{read_number(match['n'])}{scale} {_CURRENCY_NAMES[match['sign']]}"


def _digit_unit(match: re.Match) -> str:
    if match["per"]:
        return " trên " + UNITS[match["per"]]
    start = match.start()
    return match.group() if start and match.string[start - 1].isalnum() else UNITS[match["unit"]]


def _standalone_unit(match: re.Match) -> str:
    """ "triệu m3", "hàng trăm km": a unit after a number word, not after digits."""
    if cue_before(_SCALE_CUE, match.string, match.start()) is None:
        return match.group()
    return UNITS[match.group()]


def read_units(text: str) -> str:
    """ "10.000m2" -> "mười nghìn mét vuông", "$5 triệu" -> "năm triệu đô la", "0,5%" -> "không phẩy năm phần trăm"."""
    text = _NEGATIVE.sub("âm ", text)
    text = _CURRENCY_FIRST.sub(_currency_first, text)
    text = _WITH_UNIT.sub(_with_unit, text)
    text = _PERCENT.sub(lambda m: f"{read_number(m['n'])} phần trăm", text)
    text = _STANDALONE_UNIT.sub(_standalone_unit, text)
    if "/" in text:
        text = _PER_MONEY.sub(lambda m: f"{m['money']} một ", text)
        text = _PER_WORD.sub(" một ", text)
    return _DIGIT_UNIT.sub(_digit_unit, text)


# --- ordinals, fractions, plain numbers ----------------------------------------------

_ORDINAL = re.compile(r"(?P<cue>[Tt](?<!\w.)hứ) (?P<n>\d+)(?!\d|[.,]\d|\w)")
_TIMES = re.compile(r"(?P<a>\d) ?[x×] ?(?=\d)")
_FRACTION = re.compile(r"(?P<a>\d(?<![\w.,/]\d)\d*)/(?P<b>\d+)(?![\w/]|[.,]\d)")
_RATIO = re.compile(r":(?<=\d:)(?=\d)")
_PLAIN = re.compile(number_pattern("n", r"\d"))
_ANY_DIGITS = re.compile(r"\d+")


def _fraction(match: re.Match) -> str:
    a, b = int(match["a"]), int(match["b"])
    # Small proper fractions are parts ("một phần ba"); others are read "trên" (5/5, 24/7, 9/11).
    word = "phần" if 0 < a < b <= 10 else "trên"
    return f"{read_int(a)} {word} {read_int(b)}"


def read_counts(text: str) -> str:
    """Ordinals ("thứ 2" -> "thứ hai", "thứ 4" -> "thứ tư"), "x" between numbers, fractions, ratios."""
    text = _ORDINAL.sub(lambda m: f"{m['cue']} {read_ordinal(int(m['n']))}", text)
    text = _TIMES.sub(r"\g<a> nhân ", text)
    if "/" in text:
        text = _FRACTION.sub(_fraction, text)
    return _RATIO.sub(" ", text) if ":" in text else text


def _as_words(match: re.Match, words: str) -> str:
    """Words in place of digits, with a space only where a letter was glued on ("đạt868")."""
    text, start, end = match.string, match.start(), match.end()
    before = " " if start and text[start - 1].isalpha() else ""
    after = " " if end < len(text) and text[end].isalpha() else ""
    return before + words + after


def read_plain_numbers(text: str) -> str:
    """Every number left, then every digit left: nothing numeric reaches the voice."""
    text = _PLAIN.sub(lambda m: _as_words(m, read_number(m.group(), quantity=False)), text)
    return _ANY_DIGITS.sub(lambda m: _as_words(m, read_digits(m.group())), text)
