"""Source readers: portal text, HTML and JSON Lines in, `Article`s or clear skip reasons out."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.sources import SkippedSource, SourceError, read_sources
from index.sources.decode import decode_bytes
from index.sources.html_page import parse_html
from index.sources.ids import file_id, record_id, url_id
from index.sources.jsonl import iter_jsonl
from index.sources.portal_text import parse_portal_text
from search.article import Article
from search.language.text import nfc

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SHARED_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "portal_article.txt"
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def portal(text: str) -> Article:
    return parse_portal_text(text, article_id="t")


def all_text(article: Article) -> str:
    return "\n".join([article.title, article.lead, article.caption, article.author, *article.body])


# --- portal text -----------------------------------------------------------------


def test_shared_example_parses_into_its_parts() -> None:
    if not SHARED_EXAMPLE.is_file():
        pytest.skip("../shared/examples is not present")
    article = parse_portal_text(SHARED_EXAMPLE.read_text(encoding="utf-8"), article_id="vi-du")

    assert article.date == dt.date(2021, 5, 28)
    assert article.title == "Thực hiện quy chế dân chủ cơ sở trong các cơ quan hành chính Nhà nước"
    assert article.lead.startswith("Thời gian qua, các cấp ủy Đảng")
    assert article.lead.endswith("được giao.")
    assert article.caption == "Văn phòng UBND tỉnh tổ chức Hội nghị cán bộ, công chức, viên chức năm 2021"
    assert len(article.body) == 6
    assert article.body[0].startswith("Cùng với việc phổ biến")
    assert article.body[-1].endswith("vững mạnh./.")
    assert article.author == "Hương Lan"
    assert "PublishingPortal" not in all_text(article)
    assert "cỡ chữ" not in all_text(article)


def test_full_portal_fixture() -> None:
    article = portal(fixture_text("portal_full.txt"))

    assert article.date == dt.date(2024, 3, 14)
    assert article.title == "Huyện miền núi ra quân trồng cây đầu xuân"
    assert article.lead.startswith("Sáng 14/3, UBND huyện")
    assert article.caption == "Đại biểu trồng cây tại khuôn viên Trung tâm Văn hóa huyện"
    assert [p[:20] for p in article.body] == ["Phát biểu tại buổi l", "Năm nay, huyện phấn ", "Ngay sau lễ phát độn"]
    assert "tán; các xã" in article.body[1]  # the no-break space became a plain one
    assert article.author == "Minh Châu"


def test_short_last_sentence_is_body_not_author() -> None:
    article = portal(fixture_text("portal_short_end.txt"))

    assert article.author == ""
    assert article.body[-1] == "Cuộc họp kết thúc lúc 17 giờ./."
    assert article.caption == ""  # the first line after the block is a full sentence
    assert article.date == dt.date(2024, 11, 8)
    assert article.title == "Sở Y tế họp bàn phòng chống sốt xuất huyết"


def test_short_last_sentence_with_plain_full_stop_is_body() -> None:
    text = fixture_text("portal_full.txt").replace("Minh Châu", "Buổi lễ kết thúc.")
    article = portal(text)
    assert article.author == ""
    assert article.body[-1] == "Buổi lễ kết thúc."


@pytest.mark.parametrize(
    "date_line",
    [
        "14/03/2024",
        "14/3/2024 10:35",
        "Thứ năm, 14/03/2024",
        "Thứ Năm, ngày 14/03/2024",
        "14-03-2024",
        "Thứ 5, 14/03/2024 - 08:15",
    ],
)
def test_date_forms(date_line: str) -> None:
    article = portal(fixture_text("portal_full.txt").replace("14/03/2024", date_line, 1))
    assert article.date == dt.date(2024, 3, 14)
    assert article.title == "Huyện miền núi ra quân trồng cây đầu xuân"


def test_date_line_under_the_title() -> None:
    text = "Tiêu đề bài viết\n14/3/2024 10:35\nĐoạn dẫn của bài.\nĐoạn thân bài thứ nhất.\n"
    article = portal(text)
    assert (article.title, article.date, article.lead) == (
        "Tiêu đề bài viết",
        dt.date(2024, 3, 14),
        "Đoạn dẫn của bài.",
    )


def test_impossible_date_is_dropped_not_taken_as_title() -> None:
    article = portal(fixture_text("portal_full.txt").replace("14/03/2024", "31/02/2024", 1))
    assert article.date is None
    assert article.title == "Huyện miền núi ra quân trồng cây đầu xuân"


def test_other_block_names_and_no_date_line() -> None:
    text = (
        fixture_text("portal_full.txt")
        .replace("Block_BanTin_Toolbar", "Block_TinTuc_CongCu")
        .replace("Block_BanTin_ViewData", "Block_TinTuc_NoiDung")
        .replace("14/03/2024\n", "", 1)
    )
    article = portal(text)
    assert article.date is None
    assert article.title == "Huyện miền núi ra quân trồng cây đầu xuân"
    assert article.caption == "Đại biểu trồng cây tại khuôn viên Trung tâm Văn hóa huyện"
    assert "PublishingPortal" not in all_text(article)


def test_no_caption_and_no_byline() -> None:
    text = (
        fixture_text("portal_full.txt")
        .replace("Đại biểu trồng cây tại khuôn viên Trung tâm Văn hóa huyện\n", "")
        .replace("Minh Châu\n", "")
    )
    article = portal(text)
    assert article.caption == ""
    assert article.author == ""
    assert len(article.body) == 3
    assert article.body[-1].endswith("đồi Quyết Thắng./.")


def test_no_block_lines_at_all() -> None:
    text = "Tiêu đề\nĐoạn dẫn ngắn gọn.\nThân bài câu một.\nThân bài câu hai.\nNgọc Mai\n"
    article = portal(text)
    assert (article.title, article.lead, article.author) == ("Tiêu đề", "Đoạn dẫn ngắn gọn.", "Ngọc Mai")
    assert article.body == ("Thân bài câu một.", "Thân bài câu hai.")
    assert article.caption == ""


def test_crlf_and_stray_whitespace() -> None:
    text = fixture_text("portal_full.txt").replace("\n", "  \r\n").replace("Huyện miền", "\t Huyện\u00a0 miền")
    article = portal(text)
    assert article.title == "Huyện miền núi ra quân trồng cây đầu xuân"
    assert article.author == "Minh Châu"
    assert len(article.body) == 3


def test_byline_label_is_dropped() -> None:
    article = portal(fixture_text("portal_full.txt").replace("Minh Châu", "Tin, ảnh: Minh Châu"))
    assert article.author == "Minh Châu"


def test_nfd_input_gives_nfc_fields() -> None:
    text = fixture_text("portal_full.txt")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert portal(decomposed) == portal(text)


@pytest.mark.parametrize(
    "text", ["", "\n \n", "PublishingPortal - Block_BanTin_Toolbar\n14/03/2024\nTăng cỡ chữ Giảm cỡ chữ\n"]
)
def test_nothing_usable_raises(text: str) -> None:
    with pytest.raises(SourceError, match="no title found"):
        portal(text)


# --- HTML ------------------------------------------------------------------------


def test_html_article() -> None:
    article = parse_html(fixture_text("article.html"), article_id=None, source="tin/a.html")

    assert article.title == "Khai trương cổng dịch vụ công trực tuyến mới"
    assert article.date == dt.date(2024, 3, 14)
    assert article.author == "Thu Trang"
    assert article.category == "Chuyển đổi số"
    assert article.url == "https://stttt.example.gov.vn/tin-tuc/khai-truong-cong-dich-vu-cong-truc-tuyen-moi.html"
    assert article.id == url_id(article.url)
    assert article.id.startswith("khai-truong-cong-dich-vu-cong-truc-tuyen-moi-")
    assert article.lead.startswith("Sáng 14/3, UBND tỉnh khai trương")
    assert article.caption == "Lãnh đạo tỉnh bấm nút khai trương cổng dịch vụ công"
    assert len(article.body) == 3
    assert article.body[1].startswith("Theo Giám đốc Sở") and "80% hồ sơ được" in article.body[1]
    assert article.body[-1].endswith("hướng dẫn./.")
    text = all_text(article)
    for boilerplate in ("Trang chủ", "Liên hệ", "Tin liên quan", "Bản quyền", "chữ ký số", "Tin nổi bật", "tổng kết"):
        assert boilerplate not in text
    assert article.lead not in article.body


def test_html_lead_from_meta_description_and_given_id() -> None:
    article = parse_html(fixture_text("page_plain.html"), article_id="tb-9", url="https://example.gov.vn/tb/9")

    assert article.id == "tb-9"
    assert article.url == "https://example.gov.vn/tb/9"
    assert article.title == "Thông báo lịch tiếp công dân tháng 9"
    assert article.lead.startswith("Ban Tiếp công dân tỉnh thông báo")
    assert article.body[0].startswith("Chủ tịch UBND tỉnh tiếp công dân")
    assert "Trang chủ" not in all_text(article)
    assert article.caption == ""


def test_html_without_id_or_url_cannot_name_the_article() -> None:
    with pytest.raises(SourceError, match="canonical URL"):
        parse_html(fixture_text("page_plain.html"), article_id=None)


def test_truncated_html_gives_what_it_can() -> None:
    html = fixture_text("article.html")
    cut = html[: html.index("80% hồ sơ")]
    article = parse_html(cut, article_id="cut")
    assert article.title == "Khai trương cổng dịch vụ công trực tuyến mới"
    assert article.body[0].startswith("Cổng mới tích hợp")
    assert article.body[-1].startswith("Theo Giám đốc Sở")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><nav><a href='/'>Trang chủ</a> <a href='/a'>Giới thiệu</a></nav>"
        "<footer>Bản quyền</footer></body></html>",
        "<html><head><title>",
    ],
)
def test_html_without_article_raises(html: str) -> None:
    with pytest.raises(SourceError):
        parse_html(html, article_id="x")


# --- JSON Lines ------------------------------------------------------------------


def test_jsonl_good_and_bad_lines() -> None:
    good = fixture_text("articles.jsonl").splitlines()
    lines = [
        good[0],
        "",
        '{"id": "x1", "title": "Thiếu dấu phẩy" "body": ""}',
        good[1],
        '{"id": "x2", "body": "Không có tiêu đề"}',
        '{"id": "x3", "title": "Ngày sai", "date": "28/05/2021"}',
        '["không", "phải", "object"]',
        '{"title": "Không có id"}',
        '{"id": "x4", "title": "Thân bài sai kiểu", "body": 42}',
        '{"id": "x5", "title": "Chuỗi \\ud800 lẻ"}',
        '{"id": "x6", "title": "\\u200b \\u00a0"}',
        '{"id": "x7", "title": "Số quá dài", "n": ' + "9" * 5000 + "}",
        "[" * 5000 + "]" * 5000,
        "   ",
        good[2],
    ]
    items = list(iter_jsonl("\n".join(lines), path="/data/tin.jsonl", source="tin.jsonl"))

    articles = [i for i in items if isinstance(i, Article)]
    skipped = {i.path: i.reason for i in items if isinstance(i, SkippedSource)}
    assert [a.id for a in articles] == ["tin-001", record_id("Tin số 2/2024"), "x2", "tin-003"]
    assert skipped["/data/tin.jsonl:3"].startswith("invalid JSON: Expecting ',' delimiter")
    assert skipped["/data/tin.jsonl:6"].startswith("invalid date '28/05/2021'")
    assert skipped["/data/tin.jsonl:7"] == "invalid record: not a JSON object"
    assert skipped["/data/tin.jsonl:8"] == "missing id"
    assert skipped["/data/tin.jsonl:9"].startswith("invalid body")
    assert skipped["/data/tin.jsonl:10"].startswith("invalid text")
    assert skipped["/data/tin.jsonl:11"] == "empty article: no title and no body"
    assert skipped["/data/tin.jsonl:12"].startswith("invalid JSON: Exceeds the limit")
    assert skipped["/data/tin.jsonl:13"].startswith("invalid JSON")
    assert len(skipped) == 9

    first, second, untitled, third = articles
    assert (untitled.title, untitled.body) == ("", ("Không có tiêu đề",))
    assert first.body == (
        "Trong quý I, tỉnh đón khoảng 2 triệu lượt khách, tăng 15% so với cùng kỳ.",
        "Doanh thu du lịch ước đạt 3.000 tỷ đồng.",
    )
    assert (first.date, first.category, first.source) == (dt.date(2024, 4, 2), "Du lịch", "so-du-lich")
    assert (second.date, second.category, second.lead, second.caption, second.author, second.url) == (
        None,
        "",
        "Sáng 5/4, xã tổ chức lễ khánh thành cầu dân sinh.",
        "Người dân đi trên cầu mới",
        "Quốc Huy",
        "https://example.gov.vn/tin/cau-dan-sinh",
    )
    assert third.source == "tin.jsonl"  # no "source" field: the file it came from


def test_jsonl_keeps_records_with_line_separator_characters() -> None:
    record = {"id": "a", "title": "Tiêu đề\u2028dài", "body": "Một\u2029hai"}
    items = list(iter_jsonl(json.dumps(record, ensure_ascii=False), path="x.jsonl"))
    assert len(items) == 1 and isinstance(items[0], Article)


def test_shared_corpus_file_is_read_completely() -> None:
    corpus = SHARED_EXAMPLE.parents[1] / "corpus" / "uvn_dantri_2020_2021.jsonl"
    if not corpus.is_file():
        pytest.skip("../shared/corpus is not present")
    items = list(read_sources([corpus]))
    assert len(items) == 2653
    assert all(isinstance(i, Article) and i.title and i.body for i in items)
    assert all(i.date is not None for i in items)


# --- decoding --------------------------------------------------------------------


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps tones as separate marks: split each tone off its (precomposed) letter."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_cp1258_round_trip() -> None:
    text = fixture_text("portal_full.txt")
    data = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_bytes(data) == text


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
        lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
        to_cp1258,
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf8-nfd", "cp1258"],
)
def test_encodings_decode_to_the_same_nfc_text(encode) -> None:
    text = fixture_text("portal_full.txt")
    assert decode_bytes(encode(text)) == text


def test_utf8_cut_mid_character_is_still_utf8() -> None:
    data = fixture_text("portal_full.txt").encode("utf-8")
    cut = data[: data.index(b"Minh Ch") + len(b"Minh Ch") + 1]  # the first of the two bytes of "â"
    assert decode_bytes(cut).endswith("Minh Ch\ufffd")


def test_other_legacy_encoding_falls_back_to_a_best_guess() -> None:
    # Which single-byte code page charset-normalizer picks for a short text is its own
    # business; what matters is that the file is read, not rejected.
    text = "Le conseil municipal a voté à l'unanimité la rénovation de l'école élémentaire."
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.startswith("Le conseil municipal a vot") and len(decoded) == len(text)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \r\n\t\n", "empty file"),
        (codecs.BOM_UTF8, "empty file"),
        (PNG_HEADER, "binary file (not text)"),
    ],
)
def test_undecodable(data: bytes, reason: str) -> None:
    with pytest.raises(SourceError, match=re.escape(reason)):
        decode_bytes(data)


# --- ids -------------------------------------------------------------------------


def test_id_rules() -> None:
    assert record_id("uvn-news_world_015") == "uvn-news_world_015"
    assert re.fullmatch(r"tin-so-2-2024-[0-9a-f]{8}", record_id("Tin số 2/2024"))
    assert re.fullmatch(r"[0-9a-f]{8}", record_id("新闻"))  # nothing to slug: the hash alone
    assert re.fullmatch(r"thong-bao-so-1-[0-9a-f]{8}", file_id("2024/Thông báo số 1.txt"))
    assert file_id("a/tin.txt") != file_id("b/tin.txt")
    assert file_id("a/tin.txt") == file_id("a/tin.txt")
    assert file_id(unicodedata.normalize("NFD", "tài liệu/tin.txt")) == file_id("tài liệu/tin.txt")
    assert re.fullmatch(r"cau-dan-sinh-[0-9a-f]{8}", url_id("https://x.gov.vn/tin/cau-dan-sinh.aspx?id=3"))
    assert re.fullmatch(r"khanh-thanh-[0-9a-f]{8}", url_id("https://x.gov.vn/tin/kh%C3%A1nh-th%C3%A0nh/"))
    for made in (record_id("Tin số 2/2024"), file_id("Thông báo.txt"), url_id("https://x.gov.vn/")):
        assert VALID_ID.fullmatch(made)


# --- reading files and directories -----------------------------------------------


@pytest.fixture()
def source_tree(tmp_path: Path) -> Path:
    root = tmp_path / "nguon"
    (root / "tin" / "2024" / "thang3").mkdir(parents=True)
    (root / "du-lieu").mkdir()
    (root / "cu").mkdir()
    (root / ".git").mkdir()
    shutil.copy(FIXTURES / "portal_full.txt", root / "trong-cay.txt")
    shutil.copy(FIXTURES / "article.html", root / "tin" / "2024" / "thang3" / "khai-truong.html")
    shutil.copy(FIXTURES / "page_plain.html", root / "tin" / "2024" / "lich-tiep.htm")
    (root / "cu" / "sot-xuat-huyet.txt").write_bytes(to_cp1258(fixture_text("portal_short_end.txt")))
    (root / "cu" / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + fixture_text("portal_full.txt").encode("utf-16-le"))
    jsonl = fixture_text("articles.jsonl") + "{hỏng\n"
    (root / "du-lieu" / "tin.jsonl").write_text(jsonl, encoding="utf-8")
    (root / "rong.txt").write_bytes(b"")
    (root / "anh.txt").write_bytes(PNG_HEADER)
    (root / "anh.png").write_bytes(PNG_HEADER)
    (root / "ghi-chu.md").write_text("# ghi chú", encoding="utf-8")
    (root / "tin" / "hong.html").write_text("<html><body><nav>Trang chủ</nav></body></html>", encoding="utf-8")
    (root / ".git" / "config.txt").write_text("không được đọc", encoding="utf-8")
    (root / ".an.txt").write_text("không được đọc", encoding="utf-8")
    return root


def test_directory_reads_all_good_articles_and_reports_each_bad_file(source_tree: Path, tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"
    items = list(read_sources([source_tree, missing]))
    articles = [i for i in items if isinstance(i, Article)]
    skipped = [i for i in items if isinstance(i, SkippedSource)]

    by_source = {a.source: a for a in articles}
    assert set(by_source) == {
        "trong-cay.txt",
        "cu/sot-xuat-huyet.txt",
        "cu/utf16.txt",
        "tin/2024/lich-tiep.htm",
        "tin/2024/thang3/khai-truong.html",
        "so-du-lich",
        "so-gtvt",
        "du-lieu/tin.jsonl",
    }
    assert len(articles) == 8
    assert by_source["cu/sot-xuat-huyet.txt"].title == "Sở Y tế họp bàn phòng chống sốt xuất huyết"
    assert by_source["cu/utf16.txt"].body == by_source["trong-cay.txt"].body
    assert by_source["tin/2024/thang3/khai-truong.html"].id == url_id(by_source["tin/2024/thang3/khai-truong.html"].url)
    assert by_source["tin/2024/lich-tiep.htm"].id == file_id("tin/2024/lich-tiep.htm")
    assert by_source["trong-cay.txt"].id == file_id("trong-cay.txt")

    root = str(source_tree)
    assert {(s.path, s.reason) for s in skipped} == {
        (f"{root}/anh.png", "unsupported file type '.png'"),
        (f"{root}/anh.txt", "binary file (not text)"),
        (f"{root}/du-lieu/tin.jsonl:4", "invalid JSON: Expecting property name enclosed in double quotes"),
        (f"{root}/ghi-chu.md", "unsupported file type '.md'"),
        (f"{root}/rong.txt", "empty file"),
        (f"{root}/tin/hong.html", "no article text found"),
        (str(missing), "no such file or directory"),
    }
    assert all("không được đọc" not in all_text(a) for a in articles)


def test_order_and_ids_are_stable_across_reads(source_tree: Path) -> None:
    def read() -> list[tuple[str, str]]:
        return [(type(i).__name__, i.id if isinstance(i, Article) else i.path) for i in read_sources([source_tree])]

    first = read()
    assert first == read()
    ids = [value for kind, value in first if kind == "Article"]
    assert len(ids) == len(set(ids))
    assert all(VALID_ID.fullmatch(i) for i in ids)


def test_same_name_in_different_folders_gets_different_ids(tmp_path: Path) -> None:
    for folder in ("huyen-a", "huyen-b"):
        (tmp_path / folder).mkdir()
        shutil.copy(FIXTURES / "portal_full.txt", tmp_path / folder / "tin.txt")
    ids = [a.id for a in read_sources([tmp_path])]
    assert len(ids) == 2 and ids[0] != ids[1]


def test_special_files_are_skipped_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "ong.txt"
    os.mkfifo(fifo)  # reading it would block forever
    assert list(read_sources([tmp_path])) == [SkippedSource(str(fifo), "not a regular file")]


def test_a_file_given_directly_is_named_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "Trồng cây.txt"
    path.parent.mkdir()
    shutil.copy(FIXTURES / "portal_full.txt", path)
    [article] = read_sources([str(path)])
    assert article.source == "Trồng cây.txt"
    assert article.id == file_id("Trồng cây.txt")
    assert article.id.startswith("trong-cay-")


# --- never anything but SourceError on arbitrary input ---------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PORTAL_LINES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            " PublishingPortal - Block_BanTin_ViewData",
            "PublishingPortal - Block_X",
            "Tăng cỡ chữ Giảm cỡ chữ",
            "28/05/2021",
            "Thứ sáu, 28/5/2021 10:35",
            "00/00/0000",
            "Hương Lan",
            "Kết thúc./.",
            "Tin, ảnh: ",
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
JSON_RECORDS = st.dictionaries(
    st.sampled_from(["id", "title", "body", "date", "category", "source", "url", "lead", "caption", "author"]),
    JSON_VALUES | st.sampled_from(["2021-05-28", "2021-05-28T10:00:00", "2021-13-01", "a\nb"]),
)


@FUZZ
@given(st.one_of(st.text(), st.lists(PORTAL_LINES, max_size=12).map("\n".join)))
def test_parse_portal_text_never_raises_anything_else(text: str) -> None:
    try:
        article = parse_portal_text(text, article_id="x")
    except SourceError:
        return
    assert article.title
    assert "PublishingPortal - Block_" not in all_text(article)


HTML_BITS = st.lists(
    st.sampled_from(
        ["<p>", "</p>", "<h1>", "<title>", "<figcaption>", "<nav>", "<br>", "<li>", "tin", " ", "<!--", "&#x0;"]
    )
    | st.text(max_size=10)
).map("".join)
HTML_PAGE = (
    '<?xml version="1.0" encoding="utf-8"?><html><head><title>{0}</title>'
    '<link rel="canonical" href="{1}"><meta name="description" content="{2}"></head>'
    '<body><article><h1>{0}</h1><p class="sapo">{2}</p><p>{1}</p></article></body></html>'
)
HTML_PAGES = st.tuples(HTML_BITS, HTML_BITS, HTML_BITS).map(lambda parts: HTML_PAGE.format(*parts))


@FUZZ
@given(
    st.one_of(st.text(), HTML_BITS, HTML_PAGES),
    st.sampled_from([None, "x"]),
    st.sampled_from(["", "http://[", "https://x.gov.vn/a.html"]),
)
def test_parse_html_never_raises_anything_else(html: str, article_id: str | None, url: str) -> None:
    with contextlib.suppress(SourceError):
        parse_html(html, article_id=article_id, url=url)


@FUZZ
@given(st.one_of(st.text(), st.lists(JSON_RECORDS.map(json.dumps) | st.text(max_size=20), max_size=5).map("\n".join)))
def test_iter_jsonl_never_raises(text: str) -> None:
    for item in iter_jsonl(text, path="x.jsonl"):
        assert isinstance(item, (Article, SkippedSource))


@FUZZ
@given(st.binary(max_size=600))
def test_decode_bytes_never_raises_anything_else(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except SourceError:
        return
    assert text == nfc(text) and text.strip()


@FUZZ
@given(st.text())
def test_valid_utf8_is_always_read_as_utf8(text: str) -> None:
    assume("\x00" not in text)  # NUL bytes mean binary or BOM-less UTF-16, both checked first
    expected = nfc(text.removeprefix("\ufeff"))  # a leading U+FEFF is indistinguishable from a BOM
    if not expected.strip():
        with pytest.raises(SourceError):
            decode_bytes(text.encode("utf-8"))
    else:
        assert decode_bytes(text.encode("utf-8")) == expected
