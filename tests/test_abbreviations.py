"""One name, several spellings: `UBND` finds `Ủy ban nhân dân` and the reverse, in
every way a citizen types it; pairs the articles define; the staff's own file."""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from search.names.mined import MINED_FILE, MinedPairs, mine_pairs
from search.names.dictionary import read_names
from search.engine import SearchEngine
from search.storage.generations import IndexStore
from search.names.staff import StaffSynonyms
from tests.test_search import build_store
from web.cli import main

ARTICLES = [
    ("ubnd-tinh", "UBND tỉnh họp bàn phòng chống lụt bão", "UBND tỉnh yêu cầu các huyện chuẩn bị phương án sơ tán.", "Thời sự", "2024-05-02"),
    ("uy-ban-huyen", "Ủy ban nhân dân huyện tiếp công dân định kỳ", "Ủy ban nhân dân huyện tổ chức tiếp công dân hằng tháng.", "Thời sự", "2024-05-03"),
    ("tphcm-xe-buyt", "TP.HCM mở thêm tuyến xe buýt", "TP.HCM đưa vào khai thác ba tuyến xe buýt mới.", "Giao thông", "2024-05-04"),
    ("thanh-pho-cong-vien", "Thành phố Hồ Chí Minh khánh thành công viên", "Thành phố Hồ Chí Minh có thêm một công viên lớn.", "Đô thị", "2024-05-05"),
    ("dai-hoc", "Đại học Bách khoa mở ngành trí tuệ nhân tạo", "Trường đại học Bách khoa tuyển sinh ngành mới.", "Giáo dục", "2024-05-06"),
    ("dai-hoi", "Đại hội Đảng bộ tỉnh lần thứ mười lăm", "Đại hội Đảng bộ tỉnh bầu Ban Chấp hành khóa mới.", "Thời sự", "2024-05-07"),
    ("khen-viet-tat", "UBND tỉnh khen thưởng giáo viên giỏi", "Nhiều giáo viên được khen thưởng.", "Giáo dục", "2024-05-08"),
    ("khen-day-du", "Ủy ban nhân dân tỉnh khen thưởng giáo viên giỏi", "Nhiều giáo viên được khen thưởng.", "Giáo dục", "2024-05-08"),
    # Three articles define the same pair; a fourth uses only the short form.
    ("quy-1", "Quỹ Hỗ trợ nông dân (QHTND) giải ngân vốn vay", "Quỹ Hỗ trợ nông dân (QHTND) cho vay ưu đãi.", "Kinh tế", "2024-06-01"),
    ("quy-2", "Nông dân vay vốn làm giàu", "Quỹ Hỗ trợ nông dân (QHTND) huyện giúp nông dân vay vốn.", "Kinh tế", "2024-06-02"),
    ("quy-3", "Mô hình trồng nấm", "Với vốn của QHTND (Quỹ Hỗ trợ nông dân), nhiều hộ trồng nấm.", "Kinh tế", "2024-06-03"),
    ("quy-4", "QHTND tổng kết năm", "QHTND tổng kết hoạt động cho vay.", "Kinh tế", "2024-06-04"),
    ("so-tai-nguyen", "Sở Tài nguyên và Môi trường cấp phép khai thác cát", "Sở Tài nguyên và Môi trường thanh tra các mỏ cát.", "Kinh tế", "2024-06-05"),
    ("thu-duc", "Thành phố Thủ Đức xây trường học mới", "Thành phố Thủ Đức khởi công ba trường học.", "Giáo dục", "2024-06-06"),
    ("eu", "EU họp thượng đỉnh về thương mại", "Các nước EU bàn chính sách thương mại chung.", "Thế giới", "2024-06-07"),
    ("ca-si", "Ca sĩ trẻ ra mắt album", "Ca sĩ biểu diễn tại nhà hát thành phố.", "Văn hóa", "2024-06-08"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> IndexStore:
    return build_store(tmp_path_factory.mktemp("names"), ARTICLES)


@pytest.fixture(scope="module")
def engine(store) -> SearchEngine:
    return SearchEngine(store)


def ids(engine: SearchEngine, query: str) -> list[str]:
    return [hit.id for hit in engine.search(query).results]


@pytest.mark.parametrize("query", ["ubnd", "UBND", "uy ban nhan dan", "ủy ban nhân dân", "Ủy Ban Nhân Dân"])
def test_either_form_finds_both(engine, query: str) -> None:
    found = ids(engine, query)
    assert {"ubnd-tinh", "uy-ban-huyen", "khen-viet-tat", "khen-day-du"} <= set(found), found


@pytest.mark.parametrize("query", ["tphcm", "tp hcm", "TP.HCM", "TP. HCM", "tp. hồ chí minh", "thanh pho ho chi minh"])
def test_punctuation_and_spacing_variants(engine, query: str) -> None:
    found = ids(engine, query)
    assert {"tphcm-xe-buyt", "thanh-pho-cong-vien"} <= set(found), found


def test_the_typed_form_comes_first_when_all_else_is_equal(engine) -> None:
    short = ids(engine, "UBND tỉnh khen thưởng giáo viên")
    full = ids(engine, "ủy ban nhân dân tỉnh khen thưởng giáo viên")
    assert short[:2] == ["khen-viet-tat", "khen-day-du"]
    assert full[:2] == ["khen-day-du", "khen-viet-tat"]


def test_a_title_with_the_name_as_typed_is_not_pushed_down_by_one_with_the_other_spelling_in_order(tmp_path) -> None:
    articles = [
        ("thu-tu", "Ủy ban nhân dân tỉnh khen thưởng giáo viên", "Giáo viên giỏi được tuyên dương.", "Giáo dục", "2024-05-08"),
        ("dao", "Giáo viên giỏi được khen thưởng, UBND tỉnh công bố danh sách", "Danh sách dài.", "Giáo dục", "2024-05-08"),
    ]
    engine = SearchEngine(build_store(tmp_path, articles))
    # the name as typed, out of order, before the name spelled otherwise in order
    assert ids(engine, "ubnd khen thưởng") == ["dao", "thu-tu"]
    assert ids(engine, "ủy ban nhân dân khen thưởng") == ["thu-tu", "dao"]


def test_the_name_as_typed_is_preferred_by_evidence_not_as_a_rule(tmp_path) -> None:
    articles = [
        (
            "dai",
            "Thủ tướng dự hội nghị lớn về kinh tế, văn hóa, giáo dục, y tế và môi trường của các tỉnh miền Trung tại Việt Nam",
            "Hội nghị kéo dài hai ngày.",
            "Thời sự",
            "2024-05-08",
        ),
        ("ngan", "Thủ tướng thăm VN", "Chuyến thăm hai ngày.", "Thời sự", "2024-05-08"),
    ]
    engine = SearchEngine(build_store(tmp_path, articles))
    # Both hold every word out of the order typed; the short title about little
    # else is far the better evidence, whichever way it spells the country.
    assert ids(engine, "việt nam thủ tướng") == ["ngan", "dai"]
    assert ids(engine, "vn thủ tướng") == ["ngan", "dai"]


@pytest.mark.parametrize(
    ("title", "other", "query"),
    [
        ("UBND tỉnh họp kế hoạch mùa mưa", "ủy ban nhân dân", "ubnd họp mùa mưa"),
        ("UBND tỉnh họp kế hoạch mùa mưa", "ủy ban nhân dân", "UBND họp mùa mưa"),
        ("Ủy ban nhân dân tỉnh họp kế hoạch mùa mưa", "UBND", "ủy ban nhân dân họp mùa mưa"),
        ("Ủy ban nhân dân tỉnh họp kế hoạch mùa mưa", "UBND", "uy ban nhan dan hop mua mua"),
    ],
)
def test_a_name_counts_in_the_title_and_in_the_body_whatever_its_spelling_in_each(tmp_path, title, other, query) -> None:
    filler = "các cơ quan khác" if " " in other else "ông"  # the same length as the name
    articles = [
        ("chi-tieu-de", title, f"Tỉnh cho biết kế hoạch năm nay, {filler} nói.", "Thời sự", "2024-05-08"),
        ("ca-hai", title, f"Tỉnh cho biết kế hoạch năm nay, {other} nói.", "Thời sự", "2024-05-08"),
    ]
    page = SearchEngine(build_store(tmp_path, articles)).search(query)
    scores = {hit.id: hit.score for hit in page.results}
    # Scored by one spelling for the whole article, the second lost its body's
    # `ủy ban nhân dân` to its title's `UBND` and tied with the first.
    assert [hit.id for hit in page.results] == ["ca-hai", "chi-tieu-de"]
    assert scores["ca-hai"] > scores["chi-tieu-de"]


def test_an_ambiguous_abbreviation_takes_the_sense_the_query_points_to(engine) -> None:
    assert ids(engine, "ĐH Bách khoa") == ["dai-hoc"]
    assert ids(engine, "DH Dang bo") == ["dai-hoi"]
    assert {"dai-hoc", "dai-hoi"} <= set(ids(engine, "ĐH"))


def test_a_spelling_that_is_also_a_word_is_expanded_only_when_it_cannot_be_one(engine) -> None:
    # `EU` is no Vietnamese word (only `êu` is): searched for `liên minh châu Âu`.
    assert ids(engine, "liên minh châu âu thượng đỉnh") == ["eu"]
    # `ca` is one (`ca sĩ`): typed lowercase it is the word, and `công an` never finds it.
    assert ids(engine, "ca sĩ") == ["ca-si"]
    assert "ca-si" not in ids(engine, "công an")


def test_expansions_are_reported(engine, store) -> None:
    page = engine.search("ubnd tinh")
    assert page.to_dict()["expansions"] == [{"typed": "ubnd", "also": ["Ủy ban nhân dân"]}]
    assert engine.search("lụt bão").to_dict()["expansions"] == []
    result = CliRunner().invoke(main, ["search", "--explain", "--index-dir", str(store.root), "ubnd"])
    assert result.exit_code == 0, result.output
    assert "Tìm cả: “ubnd” = “Ủy ban nhân dân”" in result.output


def test_snippets_mark_the_form_the_article_uses(engine) -> None:
    hits = {hit.id: hit.snippet for hit in engine.search("ubnd").results}
    assert "<mark>UBND</mark>" in hits["ubnd-tinh"]
    assert "<mark>Ủy ban nhân dân</mark>" in hits["uy-ban-huyen"] or (
        "<mark>Ủy</mark> <mark>ban</mark> <mark>nhân</mark> <mark>dân</mark>" in hits["uy-ban-huyen"]
    )


def test_hard_queries_still_answer(engine) -> None:
    assert ids(engine, "ubnd")  # all abbreviation
    long = ("ubnd tỉnh " * 1000)[:10_000]
    assert len(long) == 10_000 and ids(engine, long)


# --- pairs the articles define -------------------------------------------------------


def test_pairs_are_mined_by_initials_both_ways() -> None:
    assert list(mine_pairs("Hội đồng nhân dân tỉnh (HĐND) họp")) == []  # `tỉnh` breaks the initials
    assert list(mine_pairs("Hội đồng nhân dân (HĐND) tỉnh họp")) == [("HĐND", "Hội đồng nhân dân")]
    assert list(mine_pairs("HĐND (Hội đồng nhân dân) tỉnh")) == [("HĐND", "Hội đồng nhân dân")]
    assert list(mine_pairs("Sở Giáo dục và Đào tạo (GD&ĐT)")) == [("GD&ĐT", "Giáo dục và Đào tạo")]
    assert list(mine_pairs("năm nay (2024) và (HĐND tỉnh)")) == []


def test_mined_pairs_live_in_the_generation_and_find_the_other_form(engine, store) -> None:
    generation = store.current()
    assert (generation.path / MINED_FILE).is_file()
    names = MinedPairs.load(generation.path).names()
    assert [name.forms for name in names] == [("QHTND", "Quỹ Hỗ trợ nông dân")]
    assert "quy-4" in ids(engine, "quỹ hỗ trợ nông dân")  # writes only QHTND
    assert {"quy-1", "quy-2", "quy-3"} <= set(ids(engine, "qhtnd"))
    stats = CliRunner().invoke(main, ["index", "stats", "--json", "--index-dir", str(store.root)])
    data = json.loads(stats.output)
    assert data["abbreviations_mined"] == 1
    assert data["ngrams"]["bytes"] > 0 and data["ngrams"]["triples"] > 0  # the restoration's table


def test_a_pair_too_few_articles_define_is_not_trusted() -> None:
    pairs = MinedPairs()
    pairs.add(["Ban Chỉ đạo phòng chống dịch (BCĐPCD) họp"])
    pairs.add(["Ban Chỉ đạo phòng chống dịch (BCĐPCD) kiểm tra"])
    assert pairs.names() == []
    pairs.add(["BCĐPCD (Ban Chỉ đạo phòng chống dịch) tổng kết"])
    assert [n.forms for n in pairs.names()] == [("BCĐPCD", "Ban Chỉ đạo phòng chống dịch")]


# --- the staff's file ------------------------------------------------------------------


def test_a_names_file_refuses_bad_lines_and_keeps_the_rest() -> None:
    content = "# ghi chú\nSở TN&MT = Sở Tài nguyên và Môi trường\nchỉ một cách viết\nUBND = ubnd\n = trống\n"
    names, errors = read_names(content, "synonyms.txt")
    assert [n.forms for n in names] == [("Sở TN&MT", "Sở Tài nguyên và Môi trường")]
    assert [e.split(":")[0] for e in errors] == ["synonyms.txt, dòng 3", "synonyms.txt, dòng 4", "synonyms.txt, dòng 5"]
    assert "dấu “=”" in errors[0] and "chỉ khác nhau ở dấu hay chữ hoa" in errors[1]


def test_staff_synonyms_apply_without_a_rebuild(store, tmp_path, caplog) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("Sở TN&MT = Sở Tài nguyên và Môi trường\nhỏng\n", encoding="utf-8")
    synonyms = StaffSynonyms(path, interval_s=0)
    engine = SearchEngine(store, synonyms=synonyms)
    with caplog.at_level(logging.ERROR):
        assert ids(engine, "sở tn&mt") == ["so-tai-nguyen"]
    assert any("synonyms.txt, dòng 2" in r.getMessage() for r in caplog.records)
    assert ids(engine, "quận 9") == []

    path.write_text("Sở TN&MT = Sở Tài nguyên và Môi trường\nquận 9 = thành phố Thủ Đức\n", encoding="utf-8")
    assert ids(engine, "quận 9") == ["thu-duc"]  # the next search, no rebuild
    assert synonyms.errors == []

    path.write_bytes(b"\xff\xfe h\xf4ng \x00")  # not text: the last good set goes on serving
    assert ids(engine, "quận 9") == ["thu-duc"] and "không đọc được" in synonyms.errors[0]
    path.unlink()  # no file: no staff names
    assert ids(engine, "quận 9") == []


def test_the_file_is_checked_by_its_stamp_not_on_every_search(store, tmp_path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("quận 9 = thành phố Thủ Đức\n", encoding="utf-8")
    now = [0.0]
    engine = SearchEngine(store, synonyms=StaffSynonyms(path, interval_s=2, clock=lambda: now[0]))
    assert ids(engine, "quận 9") == ["thu-duc"]
    path.unlink()
    assert ids(engine, "quận 9") == ["thu-duc"]  # not looked at again yet
    now[0] += 2
    assert ids(engine, "quận 9") == []


def test_index_stats_names_the_bad_lines(store, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    (tmp_path / "synonyms.txt").write_text("quận 9 = thành phố Thủ Đức\nsai\n", encoding="utf-8")
    result = CliRunner(mix_stderr=False).invoke(main, ["index", "stats", "--index-dir", str(store.root)])
    assert result.exit_code == 0
    assert "Đồng nghĩa:   1 tên" in result.stdout
    assert "synonyms.txt, dòng 2" in result.stderr
    data = json.loads(CliRunner().invoke(main, ["index", "stats", "--json", "--index-dir", str(store.root)]).output)
    assert data["staff_synonyms"] == 1 and "dòng 2" in data["staff_synonyms_errors"][0]
