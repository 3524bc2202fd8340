"""Reflow (WCAG 1.4.10) and text spacing (1.4.12): at 320 CSS pixels wide, at every
text size, nothing scrolls sideways and nothing is cut off."""

from __future__ import annotations

import pytest

from tests.browser.pages import FONT_STEPS, LARGEST_FONT, PAGES

pytestmark = pytest.mark.browser

EXTRA_PAGES = {"long-word": "/articles/bai-tu-rat-dai", "not-found": "/khong-co-trang-nay"}

# The WCAG 1.4.12 bookmarklet's values, added as rules to the site's own
# stylesheet (the page's CSP forbids an injected <style> element, not CSSOM).
TEXT_SPACING = """() => {
  const sheet = document.styleSheets[0];
  for (const rule of [
    '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }',
    'p { margin-bottom: 2em !important; }',
  ]) sheet.insertRule(rule, sheet.cssRules.length);
}"""

# Elements whose content does not fit: sideways overflow of the page, boxes that
# hide or scroll what overflows them, and anything drawn past the right edge.
OVERFLOW = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`page is ${root.scrollWidth}px wide`);
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    // Nothing drawn, or text for a screen reader only (clipped to a pixel on purpose).
    if (box.width <= 1 && box.height <= 1) continue;
    const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
    // A text box scrolls its own value by nature; that is not content cut off.
    const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
    const clips = !field && [style.overflowX, style.overflowY].some(v => v !== 'visible');
    if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`${name} cuts its content`);
    }
    if (!el.classList.contains('skip-link') && box.right > root.clientWidth + 1) {
      problems.push(`${name} ends at ${Math.round(box.right)}px`);
    }
  }
  return problems;
}"""


def overflow_by_step(visitor, steps, spacing_override: bool) -> dict[str, list[str]]:
    page = visitor.page
    problems = {}
    for step in steps:
        visitor.prefer(font=step)
        for name, url in {**PAGES, **EXTRA_PAGES}.items():
            page.goto(url)
            if spacing_override:
                page.evaluate(TEXT_SPACING)
            found = page.evaluate(OVERFLOW)
            if found:
                problems[f"{name} at {FONT_STEPS[step]}%"] = found[:5]
    return problems


def test_no_sideways_scroll_at_320px_at_any_size(make_visitor) -> None:
    visitor = make_visitor(viewport={"width": 320, "height": 640})
    visitor.missing.add(EXTRA_PAGES["not-found"])
    assert overflow_by_step(visitor, range(len(FONT_STEPS)), spacing_override=False) == {}


def test_text_spacing_override_cuts_nothing(make_visitor) -> None:
    visitor = make_visitor(viewport={"width": 320, "height": 640})
    visitor.missing.add(EXTRA_PAGES["not-found"])
    assert overflow_by_step(visitor, [0, 4, LARGEST_FONT], spacing_override=True) == {}


def test_the_overflow_check_sees_a_wide_page(visitor) -> None:
    page = visitor.page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    page.evaluate("document.querySelector('h1').style.cssText = 'white-space: nowrap; overflow: hidden; width: 600px'")
    assert len(page.evaluate(OVERFLOW)) >= 2
