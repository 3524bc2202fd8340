"""Keyboard only: Tab reaches everything in order, focus is always visible and
never hidden under anything, and Enter works the buttons."""

from __future__ import annotations

import pytest

from tests.browser.pages import ARTICLE, DEFAULT_PX, root_font_px, tab_through, wait_for_display

pytestmark = pytest.mark.browser

# What the focused element looks like, and whether anything covers its centre.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  el.scrollIntoView({block: 'nearest'});
  const box = el.getBoundingClientRect();
  // A link that wraps has one box per line: test the middle of its first line.
  const line = el.getClientRects()[0] || box;
  const top = document.elementFromPoint(line.left + line.width / 2, line.top + line.height / 2);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\\s+/g, ' '),
    href: el.getAttribute('href') || '',
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    inView: box.top >= -1 && box.left >= -1 && box.bottom <= innerHeight + 1 && box.right <= innerWidth + 1,
    covered: !(top === el || el.contains(top)),
  };
}"""


def assert_focus_always_shown(stops: list[dict]) -> None:
    for stop in stops:
        assert stop["outline"] >= 2, f"no visible focus on {stop}"
        assert stop["inView"] and not stop["covered"], f"focus hidden on {stop}"


def test_article_page_by_keyboard(visitor) -> None:
    page = visitor.page
    page.goto(f"/articles/{ARTICLE}?q=tuyen+sinh")
    stops = tab_through(page, FOCUS_STATE)
    names = [stop["name"] for stop in stops]

    assert names[0] == "Bỏ qua, đến nội dung chính"
    assert any(stop["id"] == "q" for stop in stops)
    assert names.index("Tăng cỡ chữ") < names.index("Trang chủ")  # the controls come before the article
    assert any(name.startswith("Kết quả tìm") for name in names)  # the breadcrumb back
    assert_focus_always_shown(stops)

    # Skip link: Enter moves focus to the main content.
    page.goto(f"/articles/{ARTICLE}")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"

    # "Tăng cỡ chữ" reached by Tab and pressed with Enter.
    page.goto(f"/articles/{ARTICLE}")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Tăng cỡ chữ":
            break
    page.keyboard.press("Enter")
    wait_for_display(page, "font", "1")
    assert root_font_px(page) == DEFAULT_PX * 1.25
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Tăng cỡ chữ"


def test_keyboard_focus_stays_in_the_controls_at_the_largest_size(visitor) -> None:
    visitor.prefer(font=5)
    page = visitor.page
    page.goto(f"/articles/{ARTICLE}")
    page.get_by_role("button", name="Tăng cỡ chữ").focus()
    page.keyboard.press("Enter")
    wait_for_display(page, "font", "6")
    # The pressed button is now disabled; focus moves to one that still works.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Giảm cỡ chữ"


def test_results_page_by_keyboard(visitor) -> None:
    visitor.prefer(font=6)
    page = visitor.page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/search?q=tinh")
    stops = tab_through(page, FOCUS_STATE, limit=80)
    hrefs = [stop["href"] for stop in stops]
    assert any(stop["id"] == "q" for stop in stops)
    assert any(href.startswith("/articles/") for href in hrefs)
    assert any("page=2" in href for href in hrefs)
    assert_focus_always_shown(stops)

    # Enter on a result opens it.
    page.goto("/search?q=tinh")
    page.locator(".result-title a").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/articles/" in page.url


def test_no_element_is_fixed_over_the_content(visitor) -> None:
    page = visitor.page
    for url in ("/", "/search?q=tinh", f"/articles/{ARTICLE}"):
        page.goto(url)
        pinned = page.evaluate(
            "[...document.querySelectorAll('*')].filter(e => ['fixed', 'sticky']"
            ".includes(getComputedStyle(e).position)).map(e => e.outerHTML.slice(0, 80))"
        )
        assert pinned == []
