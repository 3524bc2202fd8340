"""The documentation cannot drift: the command reference is what the commands
say of themselves, and every relative link leads to a file that exists."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def test_the_command_reference_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("cli_reference", REPO / "docs" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == module.render(), (
        "docs/cli.md is out of date: run .venv/bin/python docs/cli_reference.py"
    )


def _relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)  # code is not links
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_points_at_a_file(page: Path) -> None:
    missing = [t for t in _relative_links(page) if not (page.parent / t.split("#")[0]).exists()]
    assert not missing, missing


def test_the_link_check_sees_links() -> None:
    """A check that found no link at all would pass for any page."""
    assert "docs/searching.md" in _relative_links(REPO / "README.md")
    assert "docs/reader-large.png" in _relative_links(REPO / "README.md")
