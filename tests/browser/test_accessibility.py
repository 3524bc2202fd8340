"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on every page type, in every theme,
at the default and the largest text size (with wide line spacing), folds open."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import LARGEST_FONT, PAGES, THEMES

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Media are not preloaded, so axe cannot measure any autoplaying sound and answers
# "incomplete" for it; that answer counts as a failure (STRICT_INCOMPLETE): sound
# that starts by itself drowns a screen reader, whatever its length.
OPTIONS = {
    "runOnly": {"type": "tag", "values": TAGS},
    "resultTypes": ["violations", "incomplete"],
    "preload": {"assets": ["cssom"]},
}
STRICT_INCOMPLETE = {"no-autoplay-audio"}

axe = Axe()


def findings(page) -> list[str]:
    response = axe.run(page, options=OPTIONS).response
    failed = [
        f"{v['id']} ({v.get('impact')}): {[n['target'] for n in v['nodes']][:5]}" for v in response["violations"]
    ]
    failed += [f"{v['id']} (incomplete)" for v in response["incomplete"] if v["id"] in STRICT_INCOMPLETE]
    return failed


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("font", [0, LARGEST_FONT], ids=["100%", "250%"])
def test_no_axe_violations(make_visitor, theme: str, font: int) -> None:
    visitor = make_visitor()
    visitor.prefer(font=font, theme=theme, spacing="wide" if font else "normal")
    page = visitor.page
    problems = {}
    for name, url in PAGES.items():
        page.goto(url)
        # Every fold open: what it holds is checked too (a shut fold's content is skipped).
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert page.evaluate("document.documentElement.lang") == "vi"
        assert page.evaluate("document.documentElement.dataset.theme") == theme
        found = findings(page)
        if found:
            problems[name] = found
    assert problems == {}


def test_the_check_sees_a_broken_page(visitor) -> None:
    """The harness itself: a removed label and an autoplaying sound are both caught."""
    page = visitor.page
    page.goto(PAGES["home"])
    page.evaluate("document.querySelector('label[for=q]').remove()")
    page.evaluate(
        "() => { const a = document.createElement('audio'); a.autoplay = true;"
        " a.src = '/opensearch.xml'; document.body.append(a); }"
    )
    found = " ".join(findings(page))
    assert "label" in found and "no-autoplay-audio" in found
