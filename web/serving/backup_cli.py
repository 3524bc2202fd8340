"""`bantin backup create / restore / verify`: the data folder of a site in one archive, and back.

The places come from the same variables as the site's own (BANTIN_DATA_DIR,
BANTIN_INDEX_DIR, BANTIN_AUDIO_DIR), so the command run with the service's
environment finds what the service uses; the options override them. An
AUDIO_DIR set in bantin.cfg instead is not read here: give --audio-dir.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from search.paths import data_dir
from search.storage.generations import IndexMissing, IndexStore
from web.serving.backup import BackupError, Places, Summary, create
from web.serving.restore import read, restore

_PATH = click.Path(file_okay=False, path_type=Path)


_PLACES = (
    ("--data-dir", "BANTIN_DATA_DIR", "Thư mục dữ liệu (mặc định: $BANTIN_DATA_DIR hoặc instance)."),
    ("--index-dir", "BANTIN_INDEX_DIR", "Thư mục chỉ mục (mặc định: $BANTIN_INDEX_DIR hoặc <thư mục dữ liệu>/index)."),
    ("--audio-dir", "BANTIN_AUDIO_DIR", "Thư mục âm thanh (mặc định: $BANTIN_AUDIO_DIR hoặc <thư mục dữ liệu>/audio)."),
)


def _places_options(command: Callable) -> Callable:
    for name, variable, text in reversed(_PLACES):
        command = click.option(name, type=_PATH, envvar=variable, help=text)(command)
    return command


def _places(data: Path | None, index: Path | None, audio: Path | None) -> Places:
    data = data.resolve() if data else data_dir()
    return Places(data, index.resolve() if index else data / "index", audio.resolve() if audio else data / "audio")


def _describe(summary: Summary) -> str:
    index = f"chỉ mục {summary.generation} ({summary.articles} bài)" if summary.generation else "không có chỉ mục"
    audio = "có âm thanh" if summary.audio else "không có âm thanh"
    return f"{index}, {audio}, {len(summary.files)} tệp, {summary.size / 1e6:.1f} MB"


@click.group("backup")
def backup_group() -> None:
    """Sao lưu và khôi phục dữ liệu của trang (chỉ mục, âm thanh, dữ liệu quản trị)."""


@backup_group.command("create")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-audio", is_flag=True, help="Bỏ âm thanh đã tạo (tạo lại được, nhưng mất thời gian).")
@_places_options
def create_command(
    archive: Path, no_audio: bool, data_dir: Path | None, index_dir: Path | None, audio_dir: Path | None
) -> None:
    """Sao lưu vào ARCHIVE (.tar.gz hoặc .tar) trong khi trang vẫn chạy.

    Chỉ thế hệ chỉ mục đang dùng được chép; tệp SQLite chép qua API sao lưu của
    SQLite. Bản sao lưu chứa khóa phiên và cấu hình: chỉ người sở hữu đọc được.
    """
    places = _places(data_dir, index_dir, audio_dir)
    started = time.monotonic()
    try:
        summary = create(archive, places, audio=not no_audio, stream=sys.stderr)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if summary.generation is None:
        click.echo(f"Chưa có chỉ mục trong {places.index}: bản sao lưu không có chỉ mục.", err=True)
    click.echo(f"Đã sao lưu {places.data} vào {archive}: {_describe(summary)}. "
               f"Thời gian: {time.monotonic() - started:.1f} giây.")


@backup_group.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Ghi đè dữ liệu đang có (dừng dịch vụ trước: khi dịch vụ còn chạy, khôi phục bị từ chối kể cả với --force).")
@_places_options
def restore_command(
    archive: Path, force: bool, data_dir: Path | None, index_dir: Path | None, audio_dir: Path | None
) -> None:
    """Khôi phục ARCHIVE vào thư mục dữ liệu trống.

    Mọi tệp được kiểm tra với bản kê của bản sao lưu trước khi đặt vào chỗ: bản
    sao lưu hỏng hay bị cắt bị từ chối và không thay đổi gì.
    """
    places = _places(data_dir, index_dir, audio_dir)
    try:
        summary = restore(archive, places, force=force, stream=sys.stderr)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã khôi phục bản sao lưu lúc {summary.created} (Bantin {summary.bantin}) vào {places.data}: "
               f"{_describe(summary)}.")
    if summary.generation:
        try:
            generation = IndexStore(places.index).current()
        except IndexMissing as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Chỉ mục {generation.name} trong {places.index} mở được và sẵn sàng phục vụ.")


@backup_group.command("verify")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def verify_command(archive: Path) -> None:
    """Kiểm tra ARCHIVE với bản kê (kích thước, SHA-256 từng tệp) mà không khôi phục."""
    try:
        summary = read(archive, stream=sys.stderr)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Bản sao lưu lúc {summary.created} (Bantin {summary.bantin}) nguyên vẹn: {_describe(summary)}.")
