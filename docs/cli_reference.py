"""Write docs/cli.md from the `bantin` commands' own --help, so the reference
cannot drift from the commands (tests/test_docs.py fails when it has).

    .venv/bin/python docs/cli_reference.py
"""

from __future__ import annotations

from pathlib import Path

import click

from web.cli import main as bantin

OUT = Path(__file__).resolve().parent / "cli.md"
WIDTH = 100


def _sections(command: click.Command, path: list[str], parent: click.Context | None) -> list[str]:
    ctx = click.Context(command, info_name=path[-1], parent=parent, terminal_width=WIDTH, max_content_width=WIDTH)
    out = [f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`", "", "```text", ctx.get_help(), "```", ""]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            out += _sections(command.get_command(ctx, name), [*path, name], ctx)
    return out


def render() -> str:
    head = [
        "# Command reference",
        "",
        "Generated from each command's `--help` by `docs/cli_reference.py`; do not edit by hand.",
        "",
    ]
    return "\n".join(head + _sections(bantin, ["bantin"], None)).rstrip() + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(OUT.name)
