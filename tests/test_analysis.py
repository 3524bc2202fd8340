"""The analyzers: segmentation, lowercasing after segmentation, folding, NFD input."""

from __future__ import annotations

import pickle

import pytest
import unicodedata

from search.language.analysis import bigram_analyzer, folded_analyzer, word_analyzer
from search.language.text import fold, has_diacritics, nfc, slugify


def words(text: str) -> list[str]:
    return [t.text for t in word_analyzer()(text)]


def syllables(text: str) -> list[str]:
    return [t.text for t in folded_analyzer()(text)]


def test_compound_words_are_one_term() -> None:
    assert words("Thực hiện quy chế dân chủ cơ sở") == ["thực_hiện", "quy_chế", "dân_chủ", "cơ_sở"]


def test_punctuation_is_not_a_term() -> None:
    assert words("UBND tỉnh, năm 2021.") == ["ubnd", "tỉnh", "năm", "2021"]


def test_folded_form_drops_all_diacritics_and_d_stroke() -> None:
    assert syllables("Chế độ dân chủ Đắk Lắk đường") == ["che", "do", "dan", "chu", "dak", "lak", "duong"]


def test_folded_form_spells_a_lone_y_after_a_consonant_as_i() -> None:
    assert syllables("tỷ lệ, tỉ lệ, kỹ thuật, kĩ thuật") == ["ti", "le", "ti", "le", "ki", "thuat", "ki", "thuat"]
    assert syllables("quy định, qui định") == ["qui", "dinh", "qui", "dinh"]
    # `y` that is not a syllable's only vowel after a consonant stays: `tuy` is not `tui`, `tay` not `tai`
    assert syllables("tuy tui tay tai y tế") == ["tuy", "tui", "tay", "tai", "y", "te"]


def test_nfd_input_gives_the_same_terms_as_nfc() -> None:
    text = "Quy chế dân chủ cơ sở ở Đắk Lắk"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert words(decomposed) == words(text)
    assert syllables(decomposed) == syllables(text)


def test_offsets_of_both_analyzers_point_into_the_text() -> None:
    text = "Hội nghị cán bộ, công chức năm 2021"
    for analyzer in (word_analyzer(), folded_analyzer()):
        for token in analyzer(text, chars=True):
            original = text[token.startchar : token.endchar]
            assert fold(original.lower()).replace(" ", "_") == fold(token.text)


def test_fold_keeps_length_so_offsets_survive() -> None:
    text = nfc("Nghị quyết Đại hội XIII của Đảng: ưu tiên ổn định")
    assert len(fold(text)) == len(text)
    assert fold(text) == "Nghi quyet Dai hoi XIII cua Dang: uu tien on dinh"


def test_has_diacritics() -> None:
    assert has_diacritics("quy chế")
    assert not has_diacritics("quy che")


def test_slugify() -> None:
    assert slugify("Tuyển sinh lớp 10: Đà Nẵng!") == "tuyen-sinh-lop-10-da-nang"


def test_analyzers_pickle_small_without_model_state() -> None:
    # Whoosh pickles the schema (analyzers included) into every index.
    assert len(pickle.dumps(word_analyzer())) < 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đại hội XIII của Đảng", ["dai", "hoi", "13", "cua", "dang"]),
        ("thế kỷ XXI, thế kỉ XIX", ["the", "ki", "21", "the", "ki", "19"]),
        ("Quốc hội khóa XV lần thứ IV", ["quoc", "hoi", "khoa", "15", "lan", "thu", "4"]),
        # without a cue, capitals are words: a headline in capitals keeps its `VI`
        ("VI PHẠM XX lần", ["vi", "pham", "xx", "lan"]),
    ],
)
def test_roman_numerals_after_an_ordinal_cue_are_numbers(text: str, expected: list[str]) -> None:
    assert syllables(text) == expected


def test_an_ordinal_is_indexed_as_written_and_as_its_number_at_one_position() -> None:
    tokens = [(t.text, t.pos) for t in folded_analyzer()("Phần IV tiếp", positions=True, mode="index")]
    assert tokens == [("phan", 0), ("iv", 1), ("4", 1), ("tiep", 2)]
    assert [t.text for t in bigram_analyzer()("Phần IV tiếp", mode="index")] == ["phan_iv", "iv_tiep"]
