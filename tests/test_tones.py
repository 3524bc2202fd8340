"""Tone-mark placement: the two spellings of `hòa`/`hoà` meet, and no other syllable changes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.language.analysis import syllable_analyzer, word_analyzer
from search.language.text import fold
from search.language.tones import standard_tones, tone_spellings


@pytest.mark.parametrize(
    ("written", "standard"),
    [
        ("hoà", "hòa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("Hoá", "Hóa"), ("HOÀ", "HÒA"), ("tuỳ", "tùy"),
        ("Hoà giải ở xã Thuỷ Phù, sức khoẻ", "Hòa giải ở xã Thủy Phù, sức khỏe"),
        # already traditional, or one place only: unchanged
        ("hòa", "hòa"), ("hoàng", "hoàng"), ("toán", "toán"), ("huých", "huých"), ("quý", "quý"),
        ("giá", "giá"), ("gì", "gì"), ("mùa", "mùa"), ("nghĩa", "nghĩa"), ("người", "người"),
        ("thuở", "thuở"), ("hoài", "hoài"), ("xoáy", "xoáy"), ("khuỷu", "khuỷu"), ("hoặc", "hoặc"),
        ("truyền", "truyền"), ("covid", "covid"), ("2024", "2024"),
    ],
)
def test_standard_tones(written: str, standard: str) -> None:
    assert standard_tones(written) == standard


def test_both_spellings() -> None:
    assert tone_spellings("hòa") == {"hòa", "hoà"}
    assert tone_spellings("thủy") == {"thủy", "thuỷ"}
    assert tone_spellings("hoàng") == {"hoàng"}


def test_accented_analyzers_give_one_term_for_both_spellings() -> None:
    for analyzer in (syllable_analyzer(), word_analyzer()):
        old = [t.text for t in analyzer("Tổ hòa giải, văn hóa, sức khỏe")]
        new = [t.text for t in analyzer("Tổ hoà giải, văn hoá, sức khoẻ")]
        assert old == new
        assert "hòa" in " ".join(old)


@given(st.text(alphabet="aăâeêioôơuưyqgkhtnđAOUY \u0300\u0301\u0303\u0309\u0323", max_size=12))
def test_only_tone_marks_move(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    moved = standard_tones(text)
    assert len(moved) == len(text)  # offsets survive
    assert fold(moved) == fold(text)
    assert sorted(unicodedata.normalize("NFD", moved)) == sorted(unicodedata.normalize("NFD", text))
    assert standard_tones(moved) == moved
