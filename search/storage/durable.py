"""Replacing a file so that a reader, or a crash, never sees half of it.

Index generations, article vectors and the audio cache all keep files that
readers open while writers replace them: each is written whole to a
temporary file, synced, then renamed over the old one (a rename is atomic).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_atomically(path: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Write `data` to `path`: readers see the old content or all the new one.

    The temporary file is named ".<name>.*" (hidden, and skipped by the generation
    copier) in `tmp_dir`, which must be on `path`'s file system; it is removed if
    anything fails.
    """
    fd, tmp = tempfile.mkstemp(dir=tmp_dir or path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
