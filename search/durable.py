"""Replacing a file so that a reader, or a crash, never sees half of it.

Index generations, article vectors, the audio cache and the staff's synonyms
file all keep files that readers open while writers replace them: each is
written whole to a temporary file, synced, then renamed over the old one (a
rename is atomic). It stands beside search/'s rooms: names/ and storage/ both use it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def replace_atomically(path: Path, data: bytes, tmp_dir: Path | None = None, keep_mode: bool = False) -> None:
    """Write `data` to `path`: readers see the old content or all the new one.

    The temporary file is named ".<name>.*" (hidden, and skipped by the generation
    copier) in `tmp_dir`, which must be on `path`'s file system; it is removed if
    anything fails. `keep_mode` gives the new file the old one's permissions (a file
    people edit may have been made readable to a group on purpose).
    """
    fd, tmp = tempfile.mkstemp(dir=tmp_dir or path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            if keep_mode and path.exists():
                os.fchmod(out.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
