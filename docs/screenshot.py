"""Remake docs/reader-large.png: the reader at its largest text on a phone.

    .venv/bin/python docs/screenshot.py

Builds an index of the bundled sample articles in a temporary folder, serves
it on a free local port, and has Debian's Chromium (as the browser tests do)
open the first result of a search typed without diacritics, then press A+
until the largest size.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "reader-large.png"
QUERY = "quy che dan chu"


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        os.environ["BANTIN_DATA_DIR"] = data
        os.environ["BANTIN_DENSE"] = "0"  # the picture needs no article vectors
        from index.build import build
        from search.storage.generations import IndexStore
        from web import create_app
        from web.serving.local_server import serving

        store = IndexStore(Path(data) / "index")
        build([str(REPO / "index" / "samples")], store)
        with serving(create_app({"INDEX_DIR": str(store.root), "RATELIMIT_ENABLED": False})) as base:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                page.goto(f"{base}/search?q={QUERY.replace(' ', '+')}")
                page.locator("main h2 a").first.click()
                page.wait_for_load_state()
                larger = page.locator("button[data-font-action=up]").first
                while larger.is_enabled():
                    larger.click()
                    page.wait_for_timeout(100)
                page.screenshot(path=str(OUT))
                browser.close()
    print(OUT.relative_to(REPO))


if __name__ == "__main__":
    sys.exit(main())
