"""The pages every browser check visits, and small helpers to read a page's state."""

from __future__ import annotations

ARTICLE = "2024-03-15-tuyen-sinh-lop-10"
OTHER_ARTICLE = "2023-06-27-thi-tot-nghiep-thpt"

PAGES = {
    "home": "/",
    "results": "/search?q=tinh",
    "no-results": "/search?q=xyzzy+qwrty",
    "article": f"/articles/{ARTICLE}?q=tuyen+sinh",
}

THEMES = ("light", "dark", "contrast")
LARGEST_FONT = 6
FONT_STEPS = (100, 125, 150, 175, 200, 225, 250)
DEFAULT_PX = 16  # Chromium's default font size: every step is relative to it


def root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def font_px(page, selector: str) -> float:
    return page.evaluate("s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector)


def wait_for_display(page, key: str, value: str | int) -> None:
    """Wait until <html data-KEY> is VALUE. A function, not an expression string:
    Playwright evaluates expression strings with eval(), which the page's CSP forbids."""
    page.wait_for_function(
        "([k, v]) => document.documentElement.dataset[k] === v", arg=[key, str(value)]
    )


def open_fold(page, summary: str) -> None:
    """Open the folded controls under `summary` ("Hiển thị", "Tùy chọn nghe") if shut."""
    fold = page.locator("details", has=page.locator(":scope > summary", has_text=summary)).first
    if not fold.evaluate("d => d.open"):
        fold.locator(":scope > summary").click()


CLOSED_FOLD = "() => document.activeElement.tagName === 'SUMMARY' && !document.activeElement.parentElement.open"


def tab_through(page, state: str, limit: int = 60, open_folds: bool = False) -> list:
    """Press Tab until focus comes back to the page; `state` at every stop. With
    `open_folds`, Enter opens each closed <details> reached, as a keyboard user would."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
        if open_folds and page.evaluate(CLOSED_FOLD):
            page.keyboard.press("Enter")
        stops.append(page.evaluate(state))
    return stops
