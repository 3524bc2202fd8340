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


def test_indexing_lowers_its_cpu_priority_unless_told_not_to(tmp_path, niceness) -> None:
    """The site on the same machine keeps answering while staff index: the indexer yields the CPU."""
    from tests.factories import write_jsonl

    source = str(write_jsonl(tmp_path / "a.jsonl", 3))
    index_dir = str(tmp_path / "ix")
    for args, expected in (([], [10]), (["--nice", "5"], [5]), (["--nice", "0"], [])):
        niceness.clear()
        for command in ("build", "update"):
            result = CliRunner().invoke(main, ["index", command, source, "--index-dir", index_dir, *args])
            assert result.exit_code == 0, result.output
        assert niceness == expected * 2
