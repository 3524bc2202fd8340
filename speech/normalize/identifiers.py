"""Strings of digits that are names, not quantities: read as written, piece by piece.

Web and e-mail addresses, document numbers (100/2019/NĐ-CP), phone numbers,
dotted codes (B.1.617) and letter-digit codes (H5N1, VN30, Covid-19). They run
before dates and quantities, which would otherwise read their parts as amounts.
"""

from __future__ import annotations

import re

from speech.normalize.context import cue_before, cue_pattern
from speech.normalize.letters import read_capitals, spell
from speech.normalize.numbers import read_digits, read_integer_string

# --- web and e-mail addresses -------------------------------------------------

_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>\"”’)]+[^\s<>\"”’).,;:!?]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w@.])[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|edu|info|int)"
    r"(?:/[^\s<>\"”’)]*[^\s<>\"”’).,;:!?])?(?![\w.]\w)"
)
_ADDRESS_PIECES = re.compile(r"[^\W\d_]+|\d+|[./@:_-]")
_ADDRESS_MARKS = {".": "chấm", "@": "a còng", "/": "gạch chéo", "-": "gạch ngang", "_": "gạch dưới", ":": ""}


def _read_address(match: re.Match) -> str:
    address = re.sub(r"^https?://", "", match.group())
    words = []
    for piece in _ADDRESS_PIECES.findall(address):
        if piece in _ADDRESS_MARKS:
            words.append(_ADDRESS_MARKS[piece])
        elif piece.isdigit():
            words.append(read_digits(piece))
        elif piece.lower() == "www":
            words.append(spell("WWW"))
        else:
            words.append(piece.lower())
    return " ".join(word for word in words if word)


_ADDRESS_HINT = re.compile(r"\.(?:vn|com|net|org|gov|edu|info|int)\b|www\.|https?://|@")


def read_addresses(text: str) -> str:
    """ "dantri.com.vn" -> "dantri chấm com chấm vn"; the dots must not end a sentence or be read as numbers."""
    return _ADDRESS.sub(_read_address, text) if _ADDRESS_HINT.search(text) else text


# --- document numbers -----------------------------------------------------------

# An issuing code: capitals and digits, pieces joined by "-" (NĐ-CP, QĐ-TTg, SGDĐT-QLT, QH14).
_CODE = r"[A-ZĐ][A-ZĐ0-9&]*[a-zđ]?(?:-[A-ZĐ0-9][A-ZĐ0-9&]*[a-zđ]?)*"
_DOCUMENT_CUE = cue_pattern(
    ("số", "nghị định", "nghị quyết", "quyết định", "thông tư", "chỉ thị", "công văn", "văn bản", "luật",
     "thông báo", "kế hoạch", "báo cáo", "tờ trình", "công điện", "hướng dẫn", "pháp lệnh", "quy định",
     "kết luận", "quy chuẩn", "tiêu chuẩn")
)  # fmt: skip
_DOCUMENT = re.compile(rf"(?<![\w/.,])\d+(?=/)(?:/\d+)*(?:/{_CODE})*(?![\w/])")
_CODE_PIECES = re.compile(r"\d+|[^\W\d_]+")


def _read_code_piece(piece: str) -> str:
    if piece.isdigit():
        return read_integer_string(piece) if len(piece) <= 2 else read_digits(piece)
    return spell(piece)


def _read_document(match: re.Match) -> str:
    number = match.group()
    has_code = re.search(r"/[A-ZĐ]", number) is not None
    if not has_code and cue_before(_DOCUMENT_CUE, match.string, match.start()) is None:
        return number  # a date or a fraction, for the rules after this one
    parts = []
    for part in number.split("/"):
        if part.isdigit():
            parts.append(read_integer_string(part.lstrip("0") or "0"))
        else:
            parts.append(" ".join(_read_code_piece(p) for p in _CODE_PIECES.findall(part)))
    return " trên ".join(parts)


def read_document_numbers(text: str) -> str:
    """ "100/2019/NĐ-CP" -> "một trăm trên hai nghìn không trăm mười chín trên nờ đê xê pê".

    The number and year are read as numbers, "/" as "trên", and the issuing
    code letter by letter, the way staff read a document number aloud. A
    slashed number counts as a document number when it has a letter code or
    follows a word such as "số" or "Nghị quyết" (Nghị quyết 52/2017).
    """
    return _DOCUMENT.sub(_read_document, text) if "/" in text else text


# --- phone numbers ----------------------------------------------------------------

_PHONE = re.compile(
    r"(?:\+(?<![\w.,/+].)84[ .-]?|0(?<![\w.,/+].))\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?!\w|[.,]\d)"
    r"|1(?<![\w.,/].)[89]00(?:[ .]?\d{2,4}){1,2}(?!\w|[.,]\d)"
)


def _is_phone(digits: str, international: bool) -> bool:
    if international:
        return 9 <= len(digits) <= 10
    if digits.startswith(("1800", "1900")):
        return 8 <= len(digits) <= 10
    return digits.startswith("0") and 10 <= len(digits) <= 11


def _read_phone(match: re.Match) -> str:
    written = match.group()
    international = written.startswith("+84")
    groups = re.findall(r"\d+", written.removeprefix("+84"))
    digits = "".join(groups)
    if not _is_phone(digits, international):
        return written
    if len(groups) == 1 and len(digits) == 10:  # unseparated mobile: 0912 345 678
        groups = [digits[:4], digits[4:7], digits[7:]]
    elif len(groups) == 1 and len(digits) == 11:  # unseparated landline: 024 3825 1234
        groups = [digits[:3], digits[3:7], digits[7:]]
    spoken = ", ".join(read_digits(group) for group in groups)
    return f"cộng tám tư, {spoken}" if international else spoken


def read_phone_numbers(text: str) -> str:
    """ "0912.345.678" -> "không chín một hai, ba bốn năm, sáu bảy tám": digit by digit, pausing between groups."""
    return _PHONE.sub(_read_phone, text)


# --- dotted and letter-digit codes -----------------------------------------------

_DOTTED = re.compile(
    r"(?<![\w.,])(?:\d+(?:\.\d+){2,}|[A-Z]{1,3}\.?\d+(?:\.\d+)+|[A-Z]\.\d+)(?!\w|\.\d)"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _read_dotted(match: re.Match) -> str:
    written = match.group()
    if _THOUSANDS.fullmatch(written):
        return written
    parts = (" ".join(_read_code_piece(piece) for piece in _CODE_PIECES.findall(part)) for part in written.split("."))
    return " chấm ".join(parts)


def read_dotted_codes(text: str) -> str:
    """ "B.1.617" -> "bê chấm một chấm sáu một bảy"; thousands (1.665.978) are left to numbers."""
    return _DOTTED.sub(_read_dotted, text) if "." in text else text


_MIXED = re.compile(r"(?<![\w])(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]+(?![\w])")
_LETTER_BY_DIGIT = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")
_LETTER_DIGIT_HYPHEN = re.compile(r"-(?<=[^\W\d_]-)(?=\d)|-(?<=\d-)(?=[^\W\d_])")


def _read_mixed(match: re.Match) -> str:
    pieces = _CODE_PIECES.findall(match.group())
    # With capitals it is a code (VJ963: digit by digit); a lower-case word glued
    # to a number is a typo ("đạt868"): the number is an amount.
    is_code = any(piece.isupper() for piece in pieces)
    words = []
    for piece in pieces:
        if piece.isdigit():
            words.append(_read_code_piece(piece) if is_code else read_integer_string(piece))
        elif piece.isupper():
            words.append(read_capitals(piece) if len(piece) > 1 else spell(piece))
        else:
            words.append(piece)
    return " ".join(words)


def read_letter_digit_codes(text: str) -> str:
    """ "H5N1" -> "hát năm nờ một", "VJ963" -> "vê giây chín sáu ba", "Covid-19" -> "Covid mười chín".

    Runs of one or two digits are numbers (G7, F0, ST25), longer runs digits
    (flight VJ963); capitals are spelled, lower-case pieces kept (2in1, "đạt868").
    """
    if "-" in text:
        text = _LETTER_DIGIT_HYPHEN.sub(" ", text)
    return _MIXED.sub(_read_mixed, text) if _LETTER_BY_DIGIT.search(text) else text
