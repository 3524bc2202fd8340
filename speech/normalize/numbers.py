"""Reading numbers aloud the way a Vietnamese news reader does.

Pure functions from digits to words. The rules are the standard northern ones
used on national radio: "linh" for a zero ten (một trăm linh năm), "mốt" and
"tư" for a final 1 and 4 after a ten of twenty or more, "lăm" for a final 5
after any ten, "không trăm" for an inner group below one hundred
(hai nghìn không trăm mười chín), and "nghìn tỷ" / "triệu tỷ" above the
billions rather than English-style new names.
"""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu")
_BILLION = 10**9
# Beyond this many digits nobody reads a quantity; it is an identifier. Written
# without separators, a run longer than nine digits is an account or ID number.
MAX_QUANTITY_DIGITS = 15
MAX_UNSEPARATED_DIGITS = 9


def _tens_and_units(tens: int, units: int, after_hundreds: bool) -> list[str]:
    if tens == 0:
        if units == 0:
            return []
        return ["linh", DIGITS[units]] if after_hundreds else [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 5:
        words.append("lăm")
    elif units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units:
        words.append(DIGITS[units])
    return words


def _triple(value: int, leading: bool) -> list[str]:
    """One group of three digits; a non-leading group always says its hundreds."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    if leading and hundreds == 0:
        return _tens_and_units(tens, units, after_hundreds=False)
    return [DIGITS[hundreds], "trăm", *_tens_and_units(tens, units, after_hundreds=True)]


def _below_billion(value: int, leading: bool) -> list[str]:
    groups = []
    while value:
        value, group = divmod(value, 1000)
        groups.append(group)
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if group == 0:
            continue
        words += _triple(group, leading=leading and not words)
        if _SCALES[scale]:
            words.append(_SCALES[scale])
    return words


def _int_words(value: int, leading: bool) -> list[str]:
    # Vietnamese counts billions of billions ("nghìn tỷ", "tỷ tỷ"): recurse on tỷ.
    if value < _BILLION:
        return _below_billion(value, leading)
    billions, rest = divmod(value, _BILLION)
    return [*_int_words(billions, leading), "tỷ", *_below_billion(rest, leading=False)]


def read_int(value: int) -> str:
    """A non-negative integer in words: 1665978 -> "một triệu sáu trăm ... bảy mươi tám"."""
    if value == 0:
        return DIGITS[0]
    return " ".join(_int_words(value, leading=True))


def read_digits(digits: str) -> str:
    """Digit by digit, as for phone numbers and codes: "0912" -> "không chín một hai"."""
    return " ".join(DIGITS[int(d)] for d in digits)


def read_integer_string(digits: str, max_digits: int = MAX_QUANTITY_DIGITS) -> str:
    """An integer as written: leading zeros and over-long runs are identifiers, read digit by digit.

    "05" is still five (a padded count, "05 người"); "024" or a 14-digit account
    number is a code.
    """
    stripped = digits.lstrip("0")
    if len(digits) > max_digits or (len(digits) >= 3 and digits.startswith("0")):
        return read_digits(digits)
    return read_int(int(stripped or "0"))


def read_fraction_digits(digits: str) -> str:
    """The part after a decimal comma: zeros first, then up to three digits as a number.

    "0,05" -> "không phẩy không năm", "1.237,73" -> "... phẩy bảy mươi ba"; longer
    tails (3,14159) are read digit by digit, as people do.
    """
    stripped = digits.lstrip("0")
    zeros = [DIGITS[0]] * (len(digits) - len(stripped))
    if not stripped:
        return " ".join(zeros)
    if len(stripped) > 3:
        return " ".join([*zeros, read_digits(stripped)])
    return " ".join([*zeros, read_int(int(stripped))])


def read_decimal(integer: str, fraction: str, point: str = "phẩy") -> str:
    """Integer part, the spoken decimal mark, fraction part."""
    return f"{read_integer_string(integer)} {point} {read_fraction_digits(fraction)}"


def read_ordinal(value: int) -> str:
    """After "thứ": 1 is "nhất" and 4 is "tư" (thứ nhất, thứ tư), otherwise the number."""
    return {1: "nhất", 4: "tư"}.get(value) or read_int(value)


def read_month(value: int) -> str:
    """Month names are numbers, except that April is "tháng tư"."""
    return "tư" if value == 4 else read_int(value)


def read_day(value: int) -> str:
    """Days 1 to 10 of a month take "mồng" (mồng hai tháng chín)."""
    return f"mồng {read_int(value)}" if value <= 10 else read_int(value)


# A number as written in Vietnamese text, most specific form first: thousands
# with dots (1.665.978, 1.237,73), English thousands with two or more comma
# groups (686,977,200), a decimal comma (0,5), an English decimal point (1.5),
# plain digits. Written as its first digit and the rest, see `number_pattern`.
_AFTER_FIRST_DIGIT = (
    r"(?:\d{0,2}(?:\.\d{3})+(?:,\d+)?(?!\d|\.\d)"
    r"|\d{0,2}(?:,\d{3}){2,}(?!\d|,\d)"
    r"|\d*,\d+"
    r"|\d*\.\d+(?!\d|\.\d)"
    r"|\d*)"
)


def number_pattern(name: str, not_after: str = r"\w.,:") -> str:
    """A written number in group `name`, not preceded by a character in `not_after`.

    The pattern starts with a plain digit and checks what precedes it only
    then: a regex that starts with a look-behind is tried at every position of
    the text, one that starts with a digit lets the engine skip to digits (the
    whole normalizer ran a third faster for it).
    """
    guard = rf"(?<![{not_after}]\d)" if not_after else ""
    return rf"(?P<{name}>\d{guard}{_AFTER_FIRST_DIGIT})"
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,(\d+))?")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3}){2,}")


def read_number(written: str, quantity: bool = True) -> str:
    """A number matched by NUMBER, in words.

    Vietnamese style: "." groups thousands, "," is the decimal mark ("phẩy").
    An English decimal point ("1.5", never three digits after the dot, which
    would be thousands) is read "phẩy" when it measures something (a unit or %
    follows: `quantity`) and "chấm" otherwise, as in version and section
    numbers ("phiên bản 2.0").
    """
    if (match := _DOT_THOUSANDS.fullmatch(written)) is not None:
        integer = written.split(",")[0].replace(".", "")
        return read_decimal(integer, match.group(1)) if match.group(1) else read_integer_string(integer)
    if _COMMA_THOUSANDS.fullmatch(written):
        return read_integer_string(written.replace(",", ""))
    if "," in written:
        return read_decimal(*written.split(",", 1))
    if "." in written:
        return read_decimal(*written.split(".", 1), point="phẩy" if quantity else "chấm")
    return read_integer_string(written, MAX_UNSEPARATED_DIGITS)


def number_value(written: str) -> float:
    """The value of a NUMBER match, for comparing the ends of a range."""
    if _DOT_THOUSANDS.fullmatch(written):
        return float(written.replace(".", "").replace(",", "."))
    if _COMMA_THOUSANDS.fullmatch(written):
        return float(written.replace(",", ""))
    return float(written.replace(",", "."))
