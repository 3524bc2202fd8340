"""Where Bantin keeps its data unless told otherwise (documented in docs/operators.md)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """BANTIN_DATA_DIR, or ./instance: the Flask instance folder doubles as the data folder."""
    return Path(os.environ.get("BANTIN_DATA_DIR") or "instance").resolve()


def default_index_dir() -> Path:
    """BANTIN_INDEX_DIR, or <data dir>/index."""
    explicit = os.environ.get("BANTIN_INDEX_DIR")
    return Path(explicit).resolve() if explicit else data_dir() / "index"
