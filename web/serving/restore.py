"""Reading a `bantin backup` archive: checked whole against its manifest, then put in place.

A restore writes everything into a hidden folder inside the target first and
moves it into place only once every file matched the manifest: a corrupt or
truncated archive is refused whole and leaves the target as it was. Members
are written one by one as new regular files under that folder, and anything
else (links, devices, absolute names, `..`) is refused: the checks that
tarfile's "data" filter makes, on every Python the project runs on (the
filter came in 3.11.4).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any, TextIO

from tqdm import tqdm

from web.serving.backup import AUDIO, FORMAT, INDEX, INSTANCE, MANIFEST, BackupError, Places, Summary, quiet
from web.serving.occupancy import LOCK_FILE, Occupied, restoring

CHUNK = 1024 * 1024


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a regular file safely inside one of the archive's roots."""
    path = PurePosixPath(member.name)
    if not member.isreg():
        raise BackupError(f"bản sao lưu có mục không phải tệp thường ({member.name}): từ chối")
    if path.is_absolute() or ".." in path.parts or path.as_posix() != member.name:
        raise BackupError(f"bản sao lưu có đường dẫn không an toàn ({member.name}): từ chối")
    if member.name != MANIFEST and (len(path.parts) < 2 or path.parts[0] not in (INSTANCE, INDEX, AUDIO)):
        raise BackupError(f"bản sao lưu có tệp lạ ({member.name}): từ chối")
    return member.name


def read(archive: Path, into: Path | None = None, stream: TextIO | None = None) -> Summary:
    """Check every file of `archive` against its manifest, writing them under `into` if given.

    Raises BackupError on anything unsafe, unreadable, or not matching; `into`
    then holds part of the archive, for the caller to remove.
    """
    seen: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with (
            tarfile.open(archive, "r:*") as tar,
            tqdm(unit="B", unit_scale=True, desc="Đọc bản sao lưu", file=stream, disable=quiet(stream)) as bar,
        ):
            for member in tar:
                name = _member_name(member)
                if name in seen or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"bản sao lưu có tệp {name} hai lần: từ chối")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest = json.loads(source.read())
                    continue
                seen[name] = _copy(source, into / name if into else None, member, bar)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as exc:  # ValueError: JSON
        raise BackupError(f"không đọc được {archive}: tệp hỏng hoặc bị cắt ({exc})") from None
    except FileNotFoundError:
        raise BackupError(f"không có tệp {archive}") from None
    return _checked(archive, manifest, seen)


def _copy(source: IO[bytes], target: Path | None, member: tarfile.TarInfo, bar: tqdm) -> dict[str, Any]:
    """Hash one member, writing it to `target` (a new file: never one already there) if given."""
    sha256 = hashlib.sha256()
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
    sink = open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600) if target else os.devnull, "wb")
    with source, sink:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            sink.write(chunk)
            bar.update(len(chunk))
        if target is not None:
            os.fchmod(sink.fileno(), member.mode & 0o777)  # the mode it had: secret_key stays 0600
    if target is not None:
        os.utime(target, (member.mtime, member.mtime))  # the audio cache's LRU clock
    return {"size": member.size, "sha256": sha256.hexdigest()}


def _checked(archive: Path, manifest: dict[str, Any] | None, seen: dict[str, dict[str, Any]]) -> Summary:
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{archive} thiếu bản kê {MANIFEST}: không phải bản sao lưu Bantin, hoặc bị cắt")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} theo định dạng {manifest.get('format')}, phiên bản Bantin này đọc định dạng {FORMAT}")
    listed = manifest["files"]
    wrong = sorted(name for name in listed.keys() | seen.keys() if listed.get(name) != seen.get(name))
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" và {len(wrong) - 5} tệp khác" if len(wrong) > 5 else "")
        raise BackupError(f"{archive} hỏng: {len(wrong)} tệp thiếu hoặc khác bản kê ({shown}); không khôi phục gì")
    fields = {k: manifest.get(k) for k in ("created", "bantin", "generation", "articles", "audio")}
    return Summary(**fields, files=listed)


def _occupied(places: Places) -> list[Path]:
    """The places that hold something, each named once (the index is usually inside the data folder)."""
    full = [root for root in places.roots().values() if root.is_dir() and any(p.name != LOCK_FILE for p in root.iterdir())]
    return [root for root in full if not any(other != root and root.is_relative_to(other) for other in full)]


def restore(archive: Path, places: Places, force: bool = False, stream: TextIO | None = None) -> Summary:
    """Put `archive` back into `places`: checked whole first, then moved into place.

    Without `force`, refuses unless every place is empty or missing. With it,
    what the archive holds replaces what is there (the index whole, the audio
    cache whole if the archive has one, each file or folder of the data folder it has);
    the rest stays. Refused, `force` or not, while a service runs on the data
    folder (web/serving/occupancy.py).
    """
    made = not places.data.exists()
    try:
        with restoring(places.data):
            return _restore(archive, places, force, stream, made)
    except Occupied as exc:
        raise BackupError(str(exc)) from None


def _restore(archive: Path, places: Places, force: bool, stream: TextIO | None, made: bool) -> Summary:
    occupied = _occupied(places)
    if occupied and not force:
        raise BackupError(
            f"{', '.join(map(str, occupied))} không trống: khôi phục sẽ ghi đè dữ liệu đang có. "
            "Dừng dịch vụ rồi chạy lại với --force nếu đó đúng là điều bạn muốn"
        )
    staging = Path(tempfile.mkdtemp(dir=places.data, prefix=".bantin-restore-"))
    try:
        try:
            summary = read(archive, staging, stream)
        except BackupError:
            if made:
                shutil.rmtree(places.data)
            raise
        for root, target in places.roots().items():
            unpacked = staging / root
            if not unpacked.is_dir():
                continue
            if root == INSTANCE:
                for item in sorted(unpacked.iterdir()):
                    _replace(item, places.data / item.name)
            else:
                _replace(unpacked, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _replace(source: Path, target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)  # a rename on one file system, a copy across two
