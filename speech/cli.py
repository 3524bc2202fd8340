"""`bantin speech ...`: the speech tools staff can run by hand."""

from __future__ import annotations

import click


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
