"""Search behaviour on a small real index: diacritics, syntax, ranking, filters, facets, snippets."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.build import build
from search.engine import Filters, SearchEngine
from search.query.parse import parse_query
from search.storage.generations import IndexStore

ARTICLES = [
    ("dan-chu", "Thực hiện quy chế dân chủ cơ sở tại các xã", "Các xã triển khai quy chế dân chủ ở cơ sở, công khai thu chi.", "Thời sự", "2023-05-26"),
    ("tuyen-sinh", "Tuyển sinh lớp 10 năm học 2024 - 2025", "Sở Giáo dục công bố chỉ tiêu tuyển sinh lớp 10 công lập.", "Giáo dục", "2024-03-15"),
    ("thi-thpt", "Kỳ thi tốt nghiệp THPT diễn ra an toàn", "Hơn 13.000 thí sinh dự thi tốt nghiệp trung học phổ thông.", "Giáo dục", "2023-06-27"),
    ("lua", "Nông dân thu hoạch lúa hè thu", "Năng suất lúa đạt 62 tạ mỗi héc ta, giá lúa ổn định.", "Kinh tế", "2022-07-20"),
    ("cau", "Thông xe cầu Hòa Phong trước Tết", "Cây cầu nối đôi bờ sông Bình Giang, rút ngắn đường đi.", "Giao thông", "2025-01-10"),
    ("tham-nhung", "Phòng chống tham nhũng trong cơ quan nhà nước", "Công khai tài sản, thu nhập để phòng chống tham nhũng, tiêu cực.", "Thời sự", "2024-09-01"),
    ("dan-chu-2", "Hội nghị về dân chủ và tham nhũng", "Hội nghị bàn về quy chế dân chủ và phòng chống tham nhũng.", "Thời sự", "2021-11-11"),
    ("lop-hoc", "Sửa chữa lớp học vùng cao", "Các lớp học được sửa mái trước mùa mưa bão.", "Giáo dục", "2024-08-01"),
    ("script", "Cảnh báo <script>alert(1)</script> lừa đảo", "Kẻ gian gửi tin nhắn <script>alert('x')</script> giả mạo ngân hàng & cơ quan thuế.", "Xã hội", "2024-05-05"),
    ("khong-ngay", "Bài viết không có ngày đăng về dịch vụ công", "Dịch vụ công trực tuyến giúp người dân nộp hồ sơ.", "", None),
]


def write_articles(path: Path, articles=ARTICLES) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for id_, title, body, category, date in articles:
            record = {"id": id_, "title": title, "body": body, "category": category, "date": date}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def build_store(root: Path, articles) -> IndexStore:
    """A small real index of `articles` in `root`."""
    store = IndexStore(root / "ix")
    build([str(write_articles(root / "a.jsonl", articles))], store, jobs=1)
    return store


def engine_of(tmp_path: Path, articles) -> SearchEngine:
    """A search engine over a small index of `articles`, built for one test."""
    return SearchEngine(build_store(tmp_path, articles))


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    root = tmp_path_factory.mktemp("search")
    store = IndexStore(root / "ix")
    build([str(write_articles(root / "a.jsonl"))], store, jobs=1)
    return SearchEngine(store)


def ids(page) -> list[str]:
    return [hit.id for hit in page.results]


@pytest.mark.parametrize(
    "query",
    ["quy chế dân chủ", "quy che dan chu", "QUY CHE DAN CHU", "quy chế dan chu", "quy che dân chủ"],
)
def test_any_diacritics_find_the_article_first(engine: SearchEngine, query: str) -> None:
    assert ids(engine.search(query))[0] == "dan-chu"


def test_nfd_query_is_the_same_query(engine: SearchEngine) -> None:
    import unicodedata

    assert ids(engine.search(unicodedata.normalize("NFD", "tuyển sinh lớp 10"))) == ids(engine.search("tuyển sinh lớp 10"))


def test_exact_diacritics_rank_above_folded_matches(engine: SearchEngine) -> None:
    # "lớp" and "lộp"/"lop" fold alike; the accented query prefers the exact word.
    page = engine.search("lớp học")
    assert ids(page)[0] == "lop-hoc"


@pytest.mark.parametrize("query", ["hòa giải tranh chấp", "hoà giải tranh chấp"])
def test_either_tone_spelling_matches_the_other_exactly(tmp_path: Path, query: str) -> None:
    # "hòa" and "hoà" are one word; "hoa" (flower) only folds like it.
    articles = [
        (id_, f"{word} giải tranh chấp ở cơ sở", f"Tổ {word.lower()} giải giúp bà con.", "", None)
        for id_, word in (("hoa", "Hoa"), ("hoa-moi", "Hoà"), ("hoa-cu", "Hòa"))
    ]
    page = engine_of(tmp_path, articles).search(query)
    assert set(ids(page)[:2]) == {"hoa-moi", "hoa-cu"}
    snippets = {hit.id: hit.snippet for hit in page.results}
    assert "<mark>hoà" in snippets["hoa-moi"] and "<mark>hòa" in snippets["hoa-cu"]


@pytest.mark.parametrize("query", ["tỉ lệ lạm phát", "ti le lam phat", "tỷ lệ lạm phát"])
def test_i_and_y_spellings_of_one_syllable_find_each_other(tmp_path: Path, query: str) -> None:
    articles = [
        ("y", "Tỷ lệ lạm phát giảm", "Tỷ lệ lạm phát tháng 5 thấp nhất năm.", "", None),
        ("i", "Tỉ lệ lạm phát tăng", "Tỉ lệ lạm phát tháng 6 cao nhất năm.", "", None),
        ("khac", "Lạm phát và lãi suất", "Lãi suất tăng theo lạm phát.", "", None),
    ]
    page = engine_of(tmp_path, articles).search(query)
    assert set(ids(page)) == {"y", "i"} and not page.partial
    snippets = {hit.id: hit.snippet for hit in page.results}
    assert "<mark>Tỷ" in snippets["y"] and "<mark>Tỉ" in snippets["i"]


@pytest.mark.parametrize("query", ["dai hoi 13", "Đại hội XIII", "đại hội lần thứ 13", "nghi quyet xiii"])
def test_roman_and_arabic_ordinals_find_each_other(tmp_path: Path, query: str) -> None:
    articles = [
        ("roman", "Nghị quyết Đại hội XIII đi vào cuộc sống", "Học tập nghị quyết Đại hội lần thứ XIII.", "", None),
        ("khac", "Đại hội chi bộ nhiệm kỳ mới", "Đại hội bầu 13 ủy viên.", "", None),
    ]
    page = engine_of(tmp_path, articles).search(query)
    assert ids(page)[0] == "roman"
    assert "XIII</mark>" in page.results[0].snippet


@pytest.mark.parametrize("query", ["Cầu Vàm Tô thông xe", "cau vam to thong xe"])
def test_a_pasted_headline_finds_its_article_first(tmp_path: Path, monkeypatch, query: str) -> None:
    words = "cầu Vàm Tô thông xe"
    articles = [
        ("nhieu", "Thông xe cầu Vàm Tô, cầu Vàm Tô mới", f"{words}. " * 6, "", None),
        ("dung", "Cầu Vàm Tô thông xe", "Người dân đi lại dễ dàng hơn.", "", None),
    ]
    engine = engine_of(tmp_path, articles)
    assert ids(engine.search(query)) == ["dung", "nhieu"]
    # by the words' scores alone, the article repeating them would come first
    monkeypatch.setattr("search.ranking.order.EXACT_TITLE_DEPTH", 0)
    engine.weights = replace(engine.weights, title_order_depth=0)
    assert ids(engine.search(query)) == ["nhieu", "dung"]


@pytest.mark.parametrize("query", ["gia vang tang", "giá vàng tăng", "vàng tăng"])
def test_a_title_with_the_words_in_the_order_typed_comes_first(tmp_path: Path, query: str) -> None:
    # Word order is grammar in Vietnamese: "tăng cường ... giá vàng" is not "giá vàng ... tăng".
    articles = [
        ("tang-cuong", "Tăng cường kiểm tra giá vàng", "Giá vàng tăng, giá vàng miếng tăng, giá vàng nhẫn tăng.", "", None),
        ("gia-tang", "Giá vàng trong nước hôm nay lại tăng mạnh", "Thị trường sôi động.", "", None),
        ("than", "Than đá tăng giá", "Giá than tăng do nhu cầu.", "", None),
    ]
    engine = engine_of(tmp_path, articles)
    assert ids(engine.search(query)) == ["gia-tang", "tang-cuong"]
    # by the words' scores alone, the article repeating them in its text would come first
    engine.weights = replace(engine.weights, title_order_depth=0)
    assert ids(engine.search(query)) == ["tang-cuong", "gia-tang"]


@pytest.mark.parametrize("query", ["cong xuan tphcm", "công xuân thành phố hồ chí minh"])
def test_a_title_holding_every_word_typed_comes_before_a_shorter_one_holding_fewer(tmp_path: Path, query: str) -> None:
    # The title holds every word (the city in another spelling, for the second
    # query) but not in the order typed; the short title holds fewer of them.
    articles = [
        ("hoai-linh", "Hoài Linh, Kim Xuân, Công Ninh đến ủng hộ Ngọc Trinh kiện Nhà hát Kịch TPHCM",
         "Nhiều nghệ sĩ có mặt.", "", None),
        ("vinh-xuan", "Cao thủ Vịnh Xuân đến TP HCM",
         "Mùa xuân, ông công bố lịch đấu ở TP HCM: công khai, công bằng, xuân này TP HCM có võ.", "", None),
        ("khac", "Trận đấu võ ở Hà Nội", "Không liên quan.", "", None),
    ]
    engine = engine_of(tmp_path, articles)
    assert ids(engine.search(query)) == ["hoai-linh", "vinh-xuan"]
    # by the words' scores alone, the short title would come first
    engine.weights = replace(engine.weights, title_order_depth=0)
    assert ids(engine.search(query)) == ["vinh-xuan", "hoai-linh"]


@pytest.mark.parametrize("query, expected", [("bà con", "ba-huyen"), ("bá con", "ba-tuoc"), ("Ba con vùng", "ba-so")])
def test_a_syllable_typed_with_its_diacritics_matches_that_syllable_first(tmp_path: Path, query, expected) -> None:
    articles = [
        ("ba-huyen", "Bà con vùng lũ nhận hàng cứu trợ", "Hàng cứu trợ đến tay người dân.", "", None),
        ("ba-tuoc", "Bá con vùng lũ nhận hàng cứu trợ", "Hàng cứu trợ đến tay người dân.", "", None),
        ("ba-so", "Ba con vùng lũ nhận hàng cứu trợ", "Hàng cứu trợ đến tay người dân.", "", None),
    ]
    assert ids(engine_of(tmp_path, articles).search(query))[0] == expected


def test_all_words_are_required_when_some_article_has_them(engine: SearchEngine) -> None:
    page = engine.search("dân chủ tham nhũng")
    assert set(ids(page)) == {"dan-chu-2"}
    assert not page.partial


def test_partial_matches_when_no_article_has_every_word(engine: SearchEngine) -> None:
    page = engine.search("tuyển sinh cầu Hòa Phong")
    assert page.partial
    assert {"tuyen-sinh", "cau"} <= set(ids(page))


def test_a_word_no_article_has_is_left_out_and_said(engine: SearchEngine) -> None:
    page = engine.search("xyzzyqq tuyển sinh lớp 10")
    assert ids(page) == ["tuyen-sinh"]
    assert page.partial
    assert engine.search("xyzzyqq").total == 0


def test_quoted_phrase_must_appear_as_written(engine: SearchEngine) -> None:
    assert set(ids(engine.search('"quy chế dân chủ"'))) == {"dan-chu", "dan-chu-2"}
    assert ids(engine.search('"dân chủ quy chế"')) == []


def test_quotes_in_a_pasted_paragraph_quote_rather_than_require_a_phrase(engine: SearchEngine) -> None:
    # A lead pasted whole: its quoted words are not in the article as a phrase.
    pasted = 'Các xã triển khai quy chế dân chủ, theo "công khai mọi khoản thu chi" ở cơ sở'
    page = engine.search(pasted)
    assert ids(page)[0] == "dan-chu"
    # Typed as a short query, the same quotes are a phrase search that nothing matches.
    assert ids(engine.search('quy chế "công khai mọi khoản thu chi"')) == []


def test_excluded_words(engine: SearchEngine) -> None:
    assert set(ids(engine.search("dân chủ -hội"))) == {"dan-chu"}
    assert set(ids(engine.search('quy chế -"tham nhũng"'))) == {"dan-chu"}


def test_trailing_partial_word_while_typing(engine: SearchEngine) -> None:
    assert ids(engine.search("tuyen sinh lo", prefix=True))[0] == "tuyen-sinh"
    assert ids(engine.search("thong xe ca", prefix=True)) == ["cau"]
    # without prefix, "ca" is a whole syllable that no article has next to the others
    assert engine.search("thong xe ca").partial


def test_filters_by_category_and_date(engine: SearchEngine) -> None:
    education = engine.search("lớp", filters=Filters(category="Giáo dục"))
    assert set(ids(education)) == {"tuyen-sinh", "lop-hoc"}
    recent = engine.search("dân chủ", filters=Filters(date_from=dt.date(2023, 1, 1)))
    assert set(ids(recent)) == {"dan-chu"}
    older = engine.search("dân chủ", filters=Filters(date_to=dt.date(2022, 12, 31)))
    assert set(ids(older)) == {"dan-chu-2"}


def test_facets_count_categories_and_years_of_the_query(engine: SearchEngine) -> None:
    page = engine.search("lớp")
    categories = {f.value: f.count for f in page.facets["category"]}
    years = {f.value: f.count for f in page.facets["year"]}
    assert categories == {"Giáo dục": 2}
    assert years == {"2024": 2}


def test_sort_by_date(engine: SearchEngine) -> None:
    page = engine.search("thu", sort="date")
    dates = [hit.date for hit in page.results if hit.date]
    assert len(dates) >= 3
    assert dates == sorted(dates, reverse=True)
    assert ids(engine.search("thu")) != ids(page)  # relevance order differs


def test_pagination(engine: SearchEngine) -> None:
    everything = ids(engine.search("thu", per_page=100))
    pages = ids(engine.search("thu", per_page=1, page=1)) + ids(engine.search("thu", per_page=1, page=2))
    assert pages == everything[:2]
    assert engine.search("thu", per_page=1).total == len(everything)


def test_did_you_mean_puts_diacritics_back(engine: SearchEngine) -> None:
    assert engine.search("quy che dan chu").suggestion == "quy chế dân chủ"
    assert engine.search("quy chế dân chủ").suggestion is None


def test_did_you_mean_corrects_a_misspelled_word(engine: SearchEngine) -> None:
    assert engine.search("tuyển sinnh lớp 10").suggestion == "tuyển sinh lớp 10"


@pytest.mark.parametrize(
    "query, suggestion",
    [
        # words the index lacks but typed with diacritics (tiêu, chuẩn, là, gì) are meant as typed
        ("tiêu chuẩn tuyển sinnh lớp 10 là gì", "tiêu chuẩn tuyển sinh lớp 10 là gì"),
        ("Người dân được biết xã tiêu tiền vào việc gì không?", None),
        ("quy chế dân chuu", "quy chế dân chủ"),  # the slip gets its diacritics from the index
        ("tuyen sinnh lop 10", "tuyển sinh lớp 10"),
    ],
)
def test_did_you_mean_keeps_what_was_typed_with_diacritics(engine: SearchEngine, query: str, suggestion) -> None:
    assert engine.search(query).suggestion == suggestion


def test_snippet_marks_matches_and_escapes_article_text(engine: SearchEngine) -> None:
    hit = engine.search("tin nhắn giả mạo").results[0]
    assert hit.id == "script"
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>giả mạo</mark>" in hit.snippet or "<mark>giả</mark>" in hit.snippet
    assert "&amp;" in hit.snippet


def test_query_text_is_never_markup(engine: SearchEngine) -> None:
    page = engine.search("<script>alert(1)</script>")
    assert "<" not in page.to_dict()["results"][0]["snippet"].replace("<mark>", "").replace("</mark>", "")


HOSTILE = ['"', '"quy chế', "AND OR (", "NOT", ":", "*", "title:abc", "a" * 10_000, "\x00\x1b[31m", "😀🔥", "-", "--", '-""', "\\", "()[]{}", "   ", ""]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_return_a_page(engine: SearchEngine, query: str) -> None:
    page = engine.search(query, prefix=True)
    assert page.total >= 0
    assert len(page.query) <= 500


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80), st.booleans())
def test_any_string_searches_without_error(engine: SearchEngine, text: str, prefix: bool) -> None:
    engine.search(text, prefix=prefix, sort="date")


@pytest.mark.parametrize(
    ("text", "plain", "phrases", "excluded"),
    [
        ("quy che dan chu", ["quy che dan chu"], [], []),
        ('"dân chủ cơ sở" UBND', ["UBND"], ["dân chủ cơ sở"], []),
        ('quy chế -"tham nhũng" -hội', ["quy chế"], [], ["tham nhũng", "hội"]),
        ('unbalanced "quote', ["unbalanced", "quote"], [], []),
        ("COVID-19 tại Hà Nội", ["COVID-19 tại Hà Nội"], [], []),
        ("AND OR (", ["AND OR ("], [], []),
        ("😀", [], [], []),
    ],
)
def test_parse_query(text, plain, phrases, excluded) -> None:
    parsed = parse_query(text)
    assert " ".join(parsed.plain).split() == " ".join(plain).split()
    assert (parsed.phrases, parsed.excluded) == (phrases, excluded)


def test_engine_picks_up_a_new_generation_without_restart(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    build([str(write_articles(tmp_path / "a.jsonl", ARTICLES[:3]))], store, jobs=1)
    engine = SearchEngine(store)
    assert engine.search("cầu Hòa Phong").total == 0
    build([str(write_articles(tmp_path / "b.jsonl", ARTICLES))], store, jobs=1)
    # Requests are answered from the old generation until the new one's tables are built.
    assert engine.search("cầu Hòa Phong").total in (0, 1)
    engine.warm(wait=True)
    assert ids(engine.search("cầu Hòa Phong")) == ["cau"]
    assert engine.generation.name == "gen-000002"


def test_latest_articles_newest_first_undated_last(engine: SearchEngine) -> None:
    dated = sorted((a for a in ARTICLES if a[4]), key=lambda a: a[4], reverse=True)
    assert [a.id for a in engine.latest(100)] == [a[0] for a in dated] + ["khong-ngay"]
    assert [a.id for a in engine.latest(2, "Giáo dục")] == ["lop-hoc", "tuyen-sinh"]
    assert list(engine.latest(5, "Không có mục này")) == []
    assert engine.has_category("Giáo dục") and not engine.has_category("Không có mục này")


def test_syllables_of_a_long_word_share_its_weight_in_long_queries(engine: SearchEngine) -> None:
    from search.query.plan import build_plan
    from search.storage.schema import ALL_FOLDED

    reader = engine.generation.open().reader()

    def folded_boosts(text: str) -> dict[str, float]:
        plan = build_plan(parse_query(text), reader)
        return {item.term: item.boost for item in plan.evidence if item.field == ALL_FOLDED}

    # a question: "tuyển sinh" is one word of two syllables, "lớp" one of one
    long = folded_boosts("Sở công bố chỉ tiêu tuyển sinh lớp 10 vào lúc nào?")
    assert long["tuyen"] == long["sinh"] < long["lop"]
    # a few keywords: every syllable counts in full
    short = folded_boosts("tuyển sinh lớp 10")
    assert short["tuyen"] == short["lop"]
