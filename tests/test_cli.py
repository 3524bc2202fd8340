"""The assembled `bantin` command."""

from __future__ import annotations

from click.testing import CliRunner

from web.cli import main


def test_every_command_takes_index_dir() -> None:
    runner = CliRunner()
    for command in (["index", "build"], ["index", "update"], ["index", "stats"], ["search"], ["serve"]):
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0
        assert "--index-dir" in result.output, command


def test_stats_without_an_index_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(main, ["index", "stats", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "bantin index build" in result.output
