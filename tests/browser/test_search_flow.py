"""Finding an article as a citizen does, with and without JavaScript: type, filter,
page, follow the suggestion, read, go back to the same results."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

pytestmark = pytest.mark.browser


def query_of(url: str) -> dict[str, str]:
    """The search a results URL stands for (empty fields are the same as absent ones)."""
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_search_filter_read_and_come_back(make_visitor, javascript: bool) -> None:
    page = make_visitor(java_script_enabled=javascript).page
    page.goto("/")
    page.get_by_label("Từ cần tìm").fill("tuyen sinh")
    with page.expect_navigation():
        page.get_by_label("Từ cần tìm").press("Enter")
    assert page.get_by_role("status").filter(has_text="Tìm thấy").inner_text().startswith("Tìm thấy 3 bài")

    page.get_by_text("Lọc và sắp xếp").click()
    page.get_by_label("Chuyên mục").select_option("Giáo dục")
    with page.expect_navigation():
        page.get_by_role("button", name="Áp dụng").click()
    sections = page.locator(".result .section").all_inner_texts()
    assert sections and set(sections) == {"Giáo dục"}
    results_url = page.url

    with page.expect_navigation():
        page.locator(".result-title a").first.click()
    assert page.locator("h1").count() == 1
    assert page.locator("article time[datetime]").count() == 1
    assert page.locator("article figure figcaption").count() == 1
    crumb = page.get_by_role("navigation", name="Đường dẫn").get_by_role("link", name="Kết quả tìm “tuyen sinh”")
    with page.expect_navigation():
        crumb.click()
    assert query_of(page.url) == query_of(results_url)
    assert page.get_by_label("Chuyên mục").input_value() == "Giáo dục"


def test_suggestion_pages_and_no_results(visitor) -> None:
    page = visitor.page
    page.goto("/search?q=tuyen+sinh")
    with page.expect_navigation():
        page.get_by_role("link", name="tuyển sinh", exact=True).click()
    assert page.get_by_label("Từ cần tìm").input_value() == "tuyển sinh"

    page.goto("/search?q=tinh")
    status = page.get_by_role("status").filter(has_text="Tìm thấy")
    assert "trang 1/3" in status.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Trang sau").click()
    assert "trang 2/3" in status.inner_text()
    assert page.get_by_role("link", name="Trang 2").get_attribute("aria-current") == "page"

    page.goto("/search?q=xyzzy+qwrty&category=Y+t%E1%BA%BF")
    assert page.get_by_role("status").filter(has_text="Không tìm thấy").count() == 1
    assert page.get_by_role("heading", name="Gợi ý tìm lại").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Tìm “xyzzy qwrty” trong mọi chuyên mục và mọi ngày").click()
    assert "category" not in page.url


def test_markup_in_articles_and_queries_is_only_text(visitor) -> None:
    page = visitor.page
    page.goto("/articles/bai-co-ma-html")
    assert page.locator("h1").inner_text() == "Cảnh báo <script>alert('xss')</script> lừa đảo qua mạng"
    assert page.locator("article img, article b").count() == 0
    assert page.get_by_role("link", name="Xem bài gốc trên cổng thông tin").count() == 0  # a javascript: URL

    page.goto("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert "cho “<script>alert(1)</script>”" in page.locator(".result-count").inner_text()
    # No dialog opened: the visitor fixture fails the test on any.


def test_every_page_is_vietnamese_and_offers_its_search(visitor) -> None:
    page = visitor.page
    visitor.missing.add("/khong-co-trang-nay")
    for url in ("/", "/search?q=tinh", "/articles/bai-tu-rat-dai", "/khong-co-trang-nay"):
        response = page.goto(url)
        assert page.evaluate("document.documentElement.lang") == "vi"
        assert page.locator('link[rel="search"][type="application/opensearchdescription+xml"]').count() == 1
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    description = visitor.context.request.get("/opensearch.xml")
    assert description.headers["content-type"].startswith("application/opensearchdescription+xml")
    assert f"{visitor.base_url}/search?q={{searchTerms}}" in description.text()
