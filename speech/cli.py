"""`bantin audio ...` (article audio) and `bantin speech ...` (the speech tools staff run by hand)."""

from __future__ import annotations

import sys

import click

from search.cli import index_dir_option, resolve_index_dir
from search.engine import SearchEngine
from search.progress import for_stream
from search.storage.generations import IndexMissing
from speech.config import SpeechConfig
from speech.errors import SpeechConfigError
from speech.service import AudioService
from speech.warm import Backlog, WarmReport, warm

SHOWN_FAILURES = 20


@click.group("audio")
def audio_group() -> None:
    """Âm thanh đọc bài viết."""


@audio_group.command("warm")
@click.option("--limit", type=click.IntRange(1), default=None, help="Tạo tối đa N bài (mặc định: mọi bài còn thiếu).")
@index_dir_option
def warm_command(limit: int | None, index_dir: str | None) -> None:
    """Tạo trước âm thanh cho các bài chưa có, bài mới nhất trước."""
    try:
        config = SpeechConfig.from_env()
    except SpeechConfigError as exc:
        raise click.ClickException(str(exc)) from None
    store = resolve_index_dir(index_dir)
    try:
        store.current()
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    engine = SearchEngine(store)
    service = AudioService.from_config(config)
    click.echo(f"Thư mục âm thanh: {config.audio_dir}; bộ đọc: {', '.join(config.engines)}", err=True)
    try:
        report = WarmReport()
        backlog = Backlog(engine, service, report)
        total = min(len(backlog), limit) if limit else len(backlog)
        bar = for_stream(sys.stderr)
        bar.start(total, "Tạo âm thanh")
        try:
            warm(service, iter(backlog), report, limit=limit, advance=bar.advance)
        finally:
            bar.finish()
    finally:
        service.close()
    _summary(report, total)


def _summary(report: WarmReport, attempted: int) -> None:
    made = ", ".join(f"{engine}: {count}" for engine, count in sorted(report.made.items()))
    click.echo(
        f"Đã tạo âm thanh cho {report.synthesized}/{attempted} bài"
        + (f" ({made})" if made else "")
        + f", {report.audio_seconds / 60:.1f} phút âm thanh trong {report.elapsed:.1f} giây."
    )
    click.echo(f"Chỉ mục có {report.articles} bài; {report.ready} bài đã có âm thanh từ trước.")
    if report.fallback:
        click.echo(f"Có bài được đọc bằng bộ đọc dự phòng vì: {report.fallback}", err=True)
    if report.silent:
        click.echo(f"{report.silent} bài không có nội dung để đọc.")
    if report.failed:
        click.echo(f"{len(report.failed)} bài lỗi:", err=True)
        for article_id, reason in report.failed[:SHOWN_FAILURES]:
            click.echo(f"  {article_id}: {reason}", err=True)
        if len(report.failed) > SHOWN_FAILURES:
            click.echo(f"  ... và {len(report.failed) - SHOWN_FAILURES} bài khác", err=True)
    if attempted and not report.synthesized and report.failed:
        raise click.ClickException(f"không tạo được âm thanh cho bài nào; lỗi đầu tiên: {report.failed[0][1]}")


@click.group("speech")
def speech_group() -> None:
    """Đọc văn bản: chuẩn hóa tiếng Việt cho giọng đọc."""


@speech_group.command("normalize")
@click.argument("text", nargs=-1)
def normalize_command(text: tuple[str, ...]) -> None:
    """In TEXT như người đọc sẽ nói. TEXT là "-": đọc từng dòng từ đầu vào chuẩn, in từng dòng."""
    if not text:
        raise click.UsageError('Cần văn bản để đọc, hoặc "-" để đọc từng dòng từ đầu vào chuẩn.')
    # Imported here: compiling the rules should not slow every other `bantin` command.
    from speech.normalize.abbreviations import AbbreviationFileError
    from speech.normalize.pipeline import default_normalizer

    try:
        normalize = default_normalizer()  # reads the abbreviations file: a broken edit is reported first
    except AbbreviationFileError as exc:
        raise click.ClickException(str(exc)) from None
    if text == ("-",):
        stdin = click.get_text_stream("stdin", encoding="utf-8", errors="replace")
        # readline, not iteration: each line is answered as soon as it arrives (a pipe stays interactive).
        for line in iter(stdin.readline, ""):
            click.echo(normalize(line.rstrip("\r\n")))
        return
    click.echo(normalize(" ".join(text)))
