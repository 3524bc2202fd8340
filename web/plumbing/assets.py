"""Static file URLs carrying a digest of the file, so browsers may keep them a year."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, url_for


@lru_cache(maxsize=64)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=5).hexdigest()


def static_url(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    try:
        version = _digest(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def register(app: Flask) -> None:
    app.add_template_global(static_url)
