"""Text size, line spacing and theme: through the page's own buttons, with and
without JavaScript, remembered across reloads and pages, rendered by the server."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    ARTICLE,
    DEFAULT_PX,
    FONT_STEPS,
    OTHER_ARTICLE,
    font_px,
    open_fold,
    root_font_px,
    wait_for_display,
)

pytestmark = pytest.mark.browser



def buttons(page):
    return (
        page.get_by_role("button", name="Giảm cỡ chữ"),
        page.get_by_role("button", name="Cỡ chữ mặc định", include_hidden=True),  # folded
        page.get_by_role("button", name="Tăng cỡ chữ"),
    )


def status(page) -> str:
    """What a screen reader reads of the status (its words are not all drawn)."""
    return page.locator("#co-chu-hien-tai").text_content()


def enlarge_to_the_end(page, reloads: bool) -> list[float]:
    """Press "Tăng cỡ chữ" until it is disabled; the root size after each press."""
    smaller, default, larger = buttons(page)
    assert smaller.is_disabled() and default.is_disabled() and larger.is_enabled()
    sizes = [root_font_px(page)]
    for percent in FONT_STEPS[1:]:
        if reloads:
            with page.expect_navigation():
                larger.click()
        else:
            larger.click()
        page.wait_for_function("p => document.getElementById('co-chu-hien-tai').textContent.includes(p)", arg=f"{percent}%")
        sizes.append(root_font_px(page))
    assert larger.is_disabled() and smaller.is_enabled() and default.is_enabled()
    return sizes


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_font_grows_past_double_and_persists(make_visitor, javascript: bool) -> None:
    visitor = make_visitor(java_script_enabled=javascript)
    page = visitor.page
    page.goto(f"/articles/{ARTICLE}")
    body_px = font_px(page, ".article-body p")

    sizes = enlarge_to_the_end(page, reloads=not javascript)

    assert sizes == [DEFAULT_PX * p / 100 for p in FONT_STEPS]
    assert sizes[-1] >= 2 * DEFAULT_PX
    assert font_px(page, ".article-body p") >= 2 * body_px
    assert status(page) == "Cỡ chữ hiện tại: 250%"
    assert page.url.split("#")[0].endswith(f"/articles/{ARTICLE}")

    page.reload()
    assert root_font_px(page) == sizes[-1]
    page.goto(f"/articles/{OTHER_ARTICLE}")
    assert root_font_px(page) == sizes[-1]
    assert buttons(page)[2].is_disabled()

    # Rendered by the server: the HTML itself carries the size, so there is no flash.
    html = visitor.context.request.get(f"/articles/{OTHER_ARTICLE}").text()
    assert 'data-font="6"' in html

    smaller, default, _ = buttons(page)
    if javascript:
        smaller.click()
    else:
        with page.expect_navigation():
            smaller.click()
    wait_for_display(page, "font", "5")
    open_fold(page, "Hiển thị")  # the default size is with the folded settings
    if javascript:
        default.click()
    else:
        with page.expect_navigation():
            default.click()
    wait_for_display(page, "font", "0")
    assert root_font_px(page) == DEFAULT_PX
    assert buttons(page)[0].is_disabled()


def test_script_keeps_the_reading_position(visitor) -> None:
    page = visitor.page
    page.set_viewport_size({"width": 800, "height": 400})
    page.goto(f"/articles/{ARTICLE}")
    page.evaluate("window.name = 'same document'")
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    wait_for_display(page, "font", "1")
    assert page.evaluate("window.name") == "same document"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_theme_and_spacing_persist(make_visitor, javascript: bool) -> None:
    page = make_visitor(java_script_enabled=javascript).page
    page.goto("/search?q=tinh")
    background = lambda: page.evaluate("getComputedStyle(document.documentElement).backgroundColor")  # noqa: E731
    line_height = lambda: page.evaluate("getComputedStyle(document.body).lineHeight")  # noqa: E731
    light, normal = background(), line_height()

    assert not page.get_by_role("button", name="Tối", exact=True).is_visible()  # folded
    open_fold(page, "Hiển thị")
    for name in ("Tối", "Giãn dòng"):
        button = page.get_by_role("button", name=name, exact=True)
        if javascript:
            button.click()
        else:
            with page.expect_navigation():
                button.click()
            # Back on the page, the fold is open again at the setting just used.
            assert page.url.endswith("#hien-thi-them") and button.is_visible()
        page.wait_for_function("b => b.getAttribute('aria-pressed') === 'true'", arg=button.element_handle())

    assert background() == "rgb(20, 23, 27)" != light
    assert line_height() != normal
    assert "q=tinh" in page.url

    page.goto(f"/articles/{ARTICLE}")
    open_fold(page, "Hiển thị")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("document.documentElement.dataset.spacing") == "wide"
    assert page.get_by_role("button", name="Tối", exact=True).get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Sáng", exact=True).get_attribute("aria-pressed") == "false"

    page.get_by_role("button", name="Tương phản cao").click()
    wait_for_display(page, "theme", "contrast")
    assert background() == "rgb(0, 0, 0)"
