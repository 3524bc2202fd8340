"""Snippets: query syllables found in stored text whatever their diacritics or case, escaped."""

from __future__ import annotations

import pytest

from search.results.snippets import Highlighter, match_spans, render, snippet


def highlighter(terms: frozenset[str]):
    """The pattern before the index vocabulary is read: every accented form spelled out."""
    return Highlighter(None).pattern(terms)


def marked(text: str, *terms: str) -> list[str]:
    spans = match_spans({"body": text}, highlighter(frozenset(terms)))["body"]
    return [text[start:end] for start, end, _ in spans]


@pytest.mark.parametrize(
    "text, terms, expected",
    [
        ("Quy chế DÂN CHỦ ở cơ sở", ("dan", "chu"), ["DÂN", "CHỦ"]),
        ("Đường đến trường", ("duong",), ["Đường"]),
        ("đường và dương", ("duong",), ["đường", "dương"]),
        ("chủ nhiệm, chủ trì", ("chu",), ["chủ", "chủ"]),
        ("nhà dân và dânchủ", ("dan",), ["dân"]),  # whole syllables only
        ("UBND tỉnh", ("ubnd",), ["UBND"]),
        ("tăng 3,5% so với 2023", ("2023",), ["2023"]),
    ],
)
def test_every_accented_form_of_a_folded_syllable_is_found(text, terms, expected) -> None:
    assert marked(text, *terms) == expected


def test_patterns_from_the_index_vocabulary_find_the_same_spans(tmp_path) -> None:
    from index.build import build
    from search.language.ngrams import SyllableModel
    from search.storage.generations import IndexStore
    from tests.test_search import ARTICLES, write_articles

    store = IndexStore(tmp_path / "ix")
    build([str(write_articles(tmp_path / "a.jsonl", ARTICLES))], store, jobs=1)
    prepared = Highlighter(SyllableModel.load(store.current().path))
    prepared.prepare()
    for _, title, body, _, _ in ARTICLES:
        for terms in ({"dan", "chu"}, {"lop", "hoc"}, {"thong", "xe", "cau"}, {"script"}):
            fields = {"body": f"{title}. {body}"}
            expected = match_spans(fields, highlighter(frozenset(terms)))
            assert match_spans(fields, prepared.pattern(frozenset(terms))) == expected


def test_no_terms_find_nothing() -> None:
    assert highlighter(frozenset()) is None
    assert match_spans({"body": "văn bản"}, None) == {}


def test_adjacent_matches_read_as_one_mark_and_text_is_escaped() -> None:
    text = "Cảnh báo <b>lừa đảo</b>: thực hiện quy chế dân chủ & công khai."
    html = render(text, match_spans({"body": text}, highlighter(frozenset({"quy", "che", "dan", "chu"})))["body"])
    assert "<mark>quy chế dân chủ</mark>" in html
    assert "&lt;b&gt;" in html and "&amp;" in html and "<b>" not in html


def test_the_window_with_most_distinct_terms_is_shown() -> None:
    body = "Mở đầu về thời tiết. " * 30 + "Kết luận: quy chế dân chủ được thực hiện." + " Phần cuối." * 30
    fields = {"lead": "Tin tức về thời tiết hôm nay.", "body": body}
    html = snippet(fields, match_spans(fields, highlighter(frozenset({"quy", "che", "dan", "chu", "thoi"}))))
    assert "<mark>quy chế dân chủ</mark>" in html
    assert html.startswith("… ")
