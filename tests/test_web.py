"""The site through Flask's test client on a real index: pages, preferences, errors, headers."""

from __future__ import annotations

import datetime as dt
import logging
import re
import xml.etree.ElementTree as ET

import pytest
from jinja2 import ChoiceLoader, DictLoader

from web import create_app
from web.pages.display import FONT_STEPS, Display
from web.pages.formatting import vi_date, vi_number
from web.pages.pagination import page_numbers
from web.pages.return_path import local_path

ARTICLE = "2024-03-15-tuyen-sinh-lop-10"
PAGE_BUDGET = 60 * 1024


def html(response) -> str:
    return response.get_data(as_text=True)


# --- pages -----------------------------------------------------------------


def test_results_page(client) -> None:
    page = html(client.get("/search?q=tinh&category=Kinh+t%E1%BA%BF&sort=date"))
    assert '<p class="result-count" role="status">Tìm thấy 5 bài cho “tinh”.' in page
    assert page.count('<li class="result">') == 5
    assert set(re.findall(r'<span class="section">([^<]+)</span>', page)) == {"Kinh tế"}
    # Article links carry the search, so the article's breadcrumb can lead back to it.
    assert "?q=tinh&amp;category=Kinh+t%E1%BA%BF&amp;sort=date" in page
    assert '<option value="date" selected>' in page
    assert "<details class=\"filters\" open>" in page


def test_pagination_keeps_the_search(client) -> None:
    page = html(client.get("/search?q=tinh&page=2"))
    assert "trang 2/3" in page
    assert 'href="/search?q=tinh&amp;page=1" rel="prev"' in page
    assert 'href="/search?q=tinh&amp;page=3" rel="next"' in page
    assert 'aria-current="page" aria-label="Trang 2"' in page
    # From page 2, an article remembers page 2.
    assert re.search(r'href="/articles/[^"]+\?q=tinh&amp;page=2"', page)


def test_page_past_the_end_leads_back(client) -> None:
    page = html(client.get("/search?q=tinh&page=40"))
    assert "Trang 40 không có kết quả" in page and 'href="/search?q=tinh">Về trang kết quả đầu tiên' in page


def test_suggestion_and_no_results(client) -> None:
    assert 'Có phải bạn muốn tìm: <a href="/search?q=tuy%E1%BB%83n+sinh&amp;suggested_for=tuyen+sinh">tuyển sinh</a>' in html(
        client.get("/search?q=tuyen+sinh")
    )
    page = html(client.get("/search?q=xyzzy+qwrty&from=2024-01-01"))
    assert "Không tìm thấy bài nào cho “xyzzy qwrty” với bộ lọc đã chọn." in page
    assert "Gợi ý tìm lại" in page
    assert 'href="/search?q=xyzzy+qwrty">Tìm “xyzzy qwrty” trong mọi chuyên mục và mọi ngày' in page


def test_empty_query_asks_for_words(client) -> None:
    page = html(client.get("/search?q=+"))
    assert "Hãy nhập từ cần tìm" in page and '<li class="result">' not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=15/03/2024", "“Từ ngày” phải là ngày dạng YYYY-MM-DD, không phải “15/03/2024”"),
        ("from=2024-05-01&to=2024-01-01", "“Từ ngày” phải trước hoặc trùng “Đến ngày”"),
        ("sort=popular", "“Sắp xếp” phải là một trong: relevance, date"),
    ],
)
def test_unreadable_filter_is_explained_and_dropped(client, query: str, message: str) -> None:
    response = client.get(f"/search?q=tinh&{query}")
    assert response.status_code == 200
    page = html(response)
    assert message in page and "chưa áp dụng bộ lọc" in page
    assert "Tìm thấy 29 bài" in page


def test_article_page_semantics(client) -> None:
    page = html(client.get(f"/articles/{ARTICLE}?q=tuyen+sinh&category=Gi%C3%A1o+d%E1%BB%A5c&page=2&evil=1"))
    assert page.count("<h1") == 1 and page.count("<article") == 1
    assert '<time datetime="2024-03-15"><span class="meta-weekday">Thứ Sáu, </span>15/03/2024</time>' in page
    assert '<span class="author">Minh Thư</span>' in page
    assert "<figcaption><span class=\"photo-label\">Ảnh:</span> Học sinh lớp 9" in page
    assert page.count('<p>') >= 3
    assert '<a class="skip-link" href="#noi-dung">' in page and '<main id="noi-dung"' in page
    crumb = re.search(r'<li><a href="([^"]+)">Kết quả tìm “tuyen sinh”</a></li>', page)
    assert crumb and crumb.group(1) == "/search?q=tuyen+sinh&amp;category=Gi%C3%A1o+d%E1%BB%A5c&amp;page=2"
    # Both search boxes (the header's, and the one after the article) keep the query.
    assert page.count('value="tuyen sinh"') == 2


def test_article_without_search_has_a_short_breadcrumb(client) -> None:
    page = html(client.get(f"/articles/{ARTICLE}"))
    assert "Kết quả tìm" not in page and 'aria-current="page">Bài viết' in page


def test_markup_in_article_and_query_is_escaped(client) -> None:
    page = html(client.get("/articles/bai-co-ma-html"))
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>" not in page
    assert "Cảnh báo &lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page
    assert "javascript:" not in page
    results = html(client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E"))
    assert "<script>alert(1)" not in results and "&lt;script&gt;alert(1)&lt;/script&gt;" in results


def test_audio_player_slot(app, client) -> None:
    """The article page's audio block is templates/audio/player.html: a deployment can replace it."""
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"audio/player.html": '<div class="audio">{{ article.id }}</div>'}), app.jinja_env.loader]
    )
    page = html(client.get(f"/articles/{ARTICLE}"))
    assert f'<div class="audio">{ARTICLE}</div>' in page
    assert page.index('class="audio"') < page.index('class="article-body"')


def test_opensearch_description(client) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.data)
    assert root.find("os:ShortName", ns).text == "Bản tin"
    templates = [url.get("template") for url in root.findall("os:Url", ns)]
    assert "http://localhost/search?q={searchTerms}" in templates
    for url in ("/", "/search?q=tinh", f"/articles/{ARTICLE}", "/khong-co"):
        assert 'rel="search" type="application/opensearchdescription+xml"' in html(client.get(url))


def test_article_page_weight_within_budget(client) -> None:
    page = client.get(f"/articles/{ARTICLE}")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=\w+)"', html(page))
    total = len(page.data) + sum(len(client.get(url).data) for url in assets)
    # site.css and reader.js, and the audio player's player.css and player.js
    assert len(assets) == 4 and total <= PAGE_BUDGET


# --- preferences -------------------------------------------------------------


def font_status(page: str) -> str:
    """The text-size status as a screen reader reads it (part of it is not drawn)."""
    status = re.search(r'<span class="font-status" role="status"[^>]*>(.*?)</span></span>', page).group(1)
    return re.sub(r"<[^>]+>", "", status + "</span>")


def test_font_button_sets_a_cookie_and_returns_to_the_page(client) -> None:
    response = client.post("/preferences", data={"font": "up", "next": f"/articles/{ARTICLE}?q=tinh"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/articles/{ARTICLE}?q=tinh#hien-thi"
    cookies = response.headers.getlist("Set-Cookie")
    font = next(c for c in cookies if c.startswith("font="))
    assert font.startswith("font=1;") and "HttpOnly" in font and "SameSite=Lax" in font and "Max-Age=" in font
    page = html(client.get(f"/articles/{ARTICLE}"))
    assert 'data-font="1"' in page and font_status(page) == "Cỡ chữ hiện tại: 125%"
    assert 'data-font-action="down" aria-label="Giảm cỡ chữ">' in page  # no longer disabled


def test_font_stops_at_both_ends(client) -> None:
    client.set_cookie("font", str(len(FONT_STEPS) - 1))
    client.post("/preferences", data={"font": "up"})
    page = html(client.get("/"))
    assert 'data-font="6"' in page and 'data-font-action="up" aria-label="Tăng cỡ chữ" disabled>' in page
    client.set_cookie("font", "0")
    client.post("/preferences", data={"font": "down"})
    assert 'data-font-action="down" aria-label="Giảm cỡ chữ" disabled>' in html(client.get("/"))


def test_preferences_answer_json_to_the_script(client) -> None:
    response = client.post(
        "/preferences", data={"theme": "contrast", "spacing": "wide"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "font": 0, "percent": 100, "max_font": 6, "spacing": "wide", "theme": "contrast",
        "message": "Cỡ chữ hiện tại: 100%",
    }
    page = html(client.get("/"))
    assert 'data-theme="contrast"' in page and 'data-spacing="wide"' in page
    assert 'value="contrast" aria-pressed="true"' in page and 'value="normal" aria-pressed="true"' in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "\t//evil.example",
        "/%0d%0aSet-Cookie:x\r\n",
        "/preferences",
        "",
        "evil",
    ],
)
def test_return_target_stays_on_this_site(client, target: str) -> None:
    response = client.post("/preferences", data={"font": "up", "next": target})
    assert response.headers["Location"] == "/#hien-thi"


def test_local_paths_are_kept() -> None:
    assert local_path("/search?q=d%C3%A2n+ch%E1%BB%A7&page=2") == "/search?q=d%C3%A2n+ch%E1%BB%A7&page=2"
    assert local_path("/articles/a-b") == "/articles/a-b"


@pytest.mark.parametrize(
    "cookies",
    [{"font": "99"}, {"font": "-1"}, {"font": "2x"}, {"font": "²"}, {"font": "07"}, {"theme": "<script>"}, {"spacing": "\u00a0"}],
)
def test_bad_cookies_mean_defaults(client, cookies) -> None:
    for name, value in cookies.items():
        client.set_cookie(name, value)
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="vi" data-font="0" data-spacing="normal" data-theme="light">' in html(response)


def test_display_changes() -> None:
    start = Display(font=2, spacing="normal", theme="light")
    assert start.changed({"font": "up"}).font == 3
    assert start.changed({"font": "down"}).font == 1
    assert start.changed({"font": "reset"}).font == 0
    assert start.changed({"font": "huge", "theme": "neon", "spacing": "x"}) == start
    assert start.changed({"theme": "dark", "spacing": "wide"}) == Display(font=2, spacing="wide", theme="dark")
    assert len(FONT_STEPS) >= 6 and FONT_STEPS[0] == 100 and FONT_STEPS[-1] >= 200


# --- errors, headers, logging ------------------------------------------------


def test_not_found_is_a_vietnamese_page_or_json(client) -> None:
    page = client.get("/khong-co")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert '<html lang="vi"' in html(page) and "Không tìm thấy trang" in html(page)
    assert client.get("/articles/khong-co").status_code == 404
    api = client.get("/api/khong-co")
    assert api.status_code == 404 and api.get_json() == {"error": "không có địa chỉ này"}
    wrong = client.get("/preferences")
    assert wrong.status_code == 405 and "Thao tác không được hỗ trợ" in html(wrong)


def test_server_error_is_a_vietnamese_page_or_json(make_app) -> None:
    app = make_app(TESTING=False)  # errors are handled as in production

    @app.get("/hong")
    @app.get("/api/hong")
    def broken():
        raise RuntimeError("boom")

    client = app.test_client()
    page = client.get("/hong")
    assert page.status_code == 500 and "Đã có lỗi" in html(page) and "boom" not in html(page)
    api = client.get("/api/hong")
    assert api.status_code == 500 and api.get_json() == {"error": "lỗi máy chủ; xin thử lại sau"}


def test_no_index_page(tmp_path) -> None:
    response = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client().get("/search?q=x")
    assert response.status_code == 503 and "Chưa có dữ liệu" in html(response)


def test_security_headers(client) -> None:
    response = client.get("/search?q=tinh")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Cookie" in response.headers["Vary"]
    assert client.get("/api/search?q=tinh").headers["Content-Security-Policy"] == csp
    css = re.search(r'href="(/static/site\.css\?v=\w+)"', html(response)).group(1)
    assert "immutable" in client.get(css).headers["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/search?q=tinh", "/search?q=xyzzy", f"/articles/{ARTICLE}", "/khong-co"])
def test_pages_hold_no_inline_script_or_style(client, url: str) -> None:
    page = html(client.get(url))
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", page)


def test_debug_is_off(make_app, monkeypatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert make_app(TESTING=False).debug is False


def test_each_request_is_logged_with_its_time(client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="bantin.web"):
        response = client.get("/search?q=dan+chu")
    line = caplog.records[-1].getMessage()
    assert re.fullmatch(r"GET /search 200 \d+\.\dms \d+B", line), line
    assert "dan" not in line  # search words are not logged
    assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["Server-Timing"])


# --- small helpers ----------------------------------------------------------


def test_page_numbers() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


def test_vietnamese_formats() -> None:
    assert vi_number(25907) == "25.907"
    assert vi_date(dt.date(2024, 3, 17), weekday=True) == "Chủ Nhật, 17/03/2024"
