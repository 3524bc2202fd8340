"""The article first, at any text size: on a phone at 250%, and at 400% browser zoom,
the title and the text start near the top; the folded controls are all still
reached by keyboard; a focused control is never cut by the edge of the screen."""

from __future__ import annotations

import pytest

from tests.browser.pages import LARGEST_FONT, PAGES, tab_through

pytestmark = pytest.mark.browser

ARTICLE_PAGE = PAGES["article"]

# Where the title and the first line of the article's text start, from the top of the page.
STARTS = """() => {
  const top = el => el.getBoundingClientRect().top + scrollY;
  const text = document.querySelector('.reader .lead, .reader .article-body p');
  return {title: top(document.querySelector('.reader h1')), text: top(text), screen: innerHeight};
}"""

# The focused control, named as a screen reader would name it.
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
  const search = el.type === 'search' ? 'ô tìm kiếm' : '';
  const name = search || el.getAttribute('aria-label') || label || el.textContent || el.value || '';
  return name.trim().replace(/\\s+/g, ' ');
}"""

# Every control the article page reached by Tab before the display settings and the
# player's secondary controls were folded (measured on the old layout at 250%, 320x640).
REACHED_BEFORE = {
    "Bỏ qua, đến nội dung chính",
    "Bản tin Tin tức cơ quan nhà nước",
    "ô tìm kiếm",
    "Tìm",
    "Giảm cỡ chữ",
    "Cỡ chữ mặc định",
    "Giãn dòng",
    "Sáng",
    "Tối",
    "Tương phản cao",
    "Trang chủ",
    "Kết quả tìm “tuyen sinh”",
    "Tải về tệp âm thanh (MP3)",
}
REACHED_BEFORE_WITH_SCRIPT = REACHED_BEFORE | {
    "Phát",
    "Câu trước",
    "Câu sau",
    "0,75 lần",
    "1 lần",
    "1,25 lần",
    "1,5 lần",
    "1,75 lần",
    "2 lần",
    "Phím tắt",
    "Dùng phím tắt",
}

# The focus ring's box (the element's box grown by the outline) against the viewport.
RING_IN_VIEW = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
  const box = el.getClientRects()[0] || el.getBoundingClientRect();
  return {name: (el.getAttribute('aria-label') || el.textContent).trim().slice(0, 40),
          top: box.top - ring, bottom: box.bottom + ring, height: innerHeight};
}"""


def starts_in_screens(visitor) -> dict[str, float]:
    page = visitor.page
    page.goto(ARTICLE_PAGE)
    found = page.evaluate(STARTS)
    return {"title": found["title"] / found["screen"], "text": found["text"] / found["screen"]}


def test_at_250_percent_on_a_phone_the_article_comes_first(make_visitor) -> None:
    visitor = make_visitor(viewport={"width": 320, "height": 640})
    visitor.prefer(font=LARGEST_FONT)
    starts = starts_in_screens(visitor)
    assert starts["title"] < 1 and starts["text"] < 1.5, starts


def test_at_400_percent_zoom_the_text_starts_within_four_screens(make_visitor) -> None:
    # 1280x800 at 400% zoom: a 320x200 CSS-pixel viewport with four device pixels to each.
    visitor = make_visitor(viewport={"width": 320, "height": 200}, device_scale_factor=4)
    visitor.prefer(font=LARGEST_FONT)
    starts = starts_in_screens(visitor)
    assert starts["text"] < 4, starts


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_every_control_reached_before_is_reached_now(make_visitor, javascript: bool) -> None:
    visitor = make_visitor(viewport={"width": 320, "height": 640}, java_script_enabled=javascript)
    visitor.prefer(font=LARGEST_FONT)
    visitor.page.goto(ARTICLE_PAGE)
    names = tab_through(visitor.page, FOCUSED_NAME, limit=80, open_folds=True)
    expected = REACHED_BEFORE_WITH_SCRIPT if javascript else REACHED_BEFORE
    assert expected - set(names) == set(), names
    # The folds are named, and the text-size buttons come before them, one tap away.
    assert {"Hiển thị", "Tùy chọn nghe"} <= set(names)
    assert names.index("Giảm cỡ chữ") < names.index("Hiển thị")


def test_enter_opens_the_display_fold(visitor) -> None:
    page = visitor.page
    page.goto(ARTICLE_PAGE)
    dark = page.get_by_role("button", name="Tối", exact=True)
    assert not dark.is_visible()
    page.locator(".display-more > summary").focus()
    page.keyboard.press("Enter")
    assert dark.is_visible()
    dark.press("Enter")
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")


def ring_cut_by_the_edge(page) -> list[dict]:
    """Tab through the page from the top, opening folds; each stop whose focus ring leaves the screen."""
    rings = tab_through(page, RING_IN_VIEW, limit=80, open_folds=True)
    return [ring for ring in rings if ring["top"] < 0 or ring["bottom"] > ring["height"]]


@pytest.mark.parametrize("margin", [True, False], ids=["site", "without-scroll-margin"])
def test_a_focused_control_scrolls_fully_into_view(make_visitor, margin: bool) -> None:
    visitor = make_visitor(viewport={"width": 1280, "height": 800})
    visitor.prefer(font=LARGEST_FONT)
    page = visitor.page
    page.goto(ARTICLE_PAGE)
    if not margin:  # the check itself: without the margin, Chromium cuts a ring at the edge
        page.evaluate(
            "() => { const s = document.styleSheets[0];"
            " s.insertRule('* { scroll-margin: 0 !important; }', s.cssRules.length); }"
        )
    cut = ring_cut_by_the_edge(page)
    assert (cut == []) == margin, cut
