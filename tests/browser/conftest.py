"""One index, one server and one Chromium for the whole browser-test session.

Debian's Chromium (/usr/bin/chromium, installed by `make test`) through
Playwright; never a downloaded browser. Each test gets a fresh context (its own
cookies) and fails if the page logged an error: a Content-Security-Policy
violation or a script error shows up there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.site import live_server

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def base_url(site_index) -> Iterator[str]:
    with live_server(site_index) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


class Visitor:
    """A browser context with its own cookies, and the errors its pages logged."""

    def __init__(self, browser, base_url: str, **options) -> None:
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, **options)
        self.errors: list[str] = []
        # Paths a test visits knowing they answer 404: the browser logs that as an error.
        self.missing: set[str] = set()
        self.page = self.new_page()

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if urlsplit(message.location.get("url", "")).path in self.missing:
            return
        self.errors.append(message.text)

    def new_page(self):
        page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        return page

    def prefer(self, font: int | None = None, theme: str | None = None, spacing: str | None = None) -> None:
        """Set the display cookies directly, as an earlier visit would have."""
        wanted = {"font": font, "theme": theme, "spacing": spacing}
        self.context.add_cookies(
            [{"name": k, "value": str(v), "url": self.base_url} for k, v in wanted.items() if v is not None]
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser, base_url) -> Iterator[Visitor]:
    made = Visitor(browser, base_url)
    yield made
    made.close()
    assert made.errors == [], "the page logged errors (CSP violation or script error)"


@pytest.fixture
def make_visitor(browser, base_url):
    """Visitors with other options (viewport, JavaScript off); errors checked the same way."""
    made: list[Visitor] = []

    def make(**options) -> Visitor:
        made.append(Visitor(browser, base_url, **options))
        return made[-1]

    yield make
    for one in made:
        one.close()
    assert [e for one in made for e in one.errors] == [], "a page logged errors"
