"""Replacing a file so that a reader, or a crash, never sees half of it.

Index generations, article vectors, the audio cache and the staff's synonyms
file all keep files that readers open while writers replace them: each is
written whole to a temporary file, synced, then renamed over the old one (a
rename is atomic). It stands beside search/'s rooms: names/ and storage/ both use it.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO


@contextmanager
def atomic_writer(path: Path, tmp_dir: Path | None = None, keep_mode: bool = False) -> Iterator[BinaryIO]:
    """A file to write that replaces `path` only when the block ends without error:
    readers see the old content or all the new one, also for a file streamed in parts.

    The temporary file is named ".<name>.*" (hidden, and skipped by the generation
    copier) in `tmp_dir`, which must be on `path`'s file system, mode 0600 unless
    `keep_mode` gives it the old file's permissions (a file people edit may have
    been made readable to a group on purpose); it is removed if anything fails.
    """
    fd, tmp = tempfile.mkstemp(dir=tmp_dir or path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            if keep_mode and path.exists():
                os.fchmod(out.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_atomically(path: Path, data: bytes, tmp_dir: Path | None = None, keep_mode: bool = False) -> None:
    """Write `data` to `path` whole (atomic_writer)."""
    with atomic_writer(path, tmp_dir, keep_mode) as out:
        out.write(data)


def write_json(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON, atomically: a state file polled by a page,
    or a generation's manifest, is never read half written."""
    replace_atomically(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`, or None if it is missing, unreadable or not an object."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def write_failure(exc: OSError, folder: str = "thư mục", disk: str = "ổ đĩa") -> str:
    """What people can do about a failed write, by errno, naming the `folder` and
    `disk` concerned ("thư mục chỉ mục"); otherwise the system's own words."""
    reasons = {
        errno.ENOSPC: f"{disk} đã đầy; hãy giải phóng chỗ trống rồi thử lại",
        errno.EDQUOT: "đã hết hạn mức dung lượng đĩa; hãy giải phóng chỗ trống rồi thử lại",
        errno.EROFS: f"{folder} nằm trên ổ chỉ đọc (read-only); hãy cho phép ghi rồi thử lại",
        errno.EACCES: f"không có quyền ghi vào {folder}",
        errno.EPERM: f"không có quyền ghi vào {folder}",
        errno.EIO: "lỗi đọc/ghi của ổ đĩa",
        errno.EISDIR: "đường dẫn này là một thư mục",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))
