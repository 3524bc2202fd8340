"""Where the index lives on disk: numbered generations and a pointer to the live one.

    <index dir>/
        CURRENT            name of the live generation, replaced atomically
        gen-000007/        a complete generation: Whoosh files, manifest, meta.json
        gen-000008/        being built: no meta.json until it is complete

A generation is complete once its meta.json exists; CURRENT only ever names a
complete one, so readers never see a half-built index. Writers live in index/.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search.schema import SCHEMA_VERSION

POINTER = "CURRENT"
META = "meta.json"
MANIFEST = "manifest.json"
_GENERATION = re.compile(r"^gen-(\d{6})$")


class IndexMissing(Exception):
    """No complete index generation exists yet in the index directory."""


@dataclass(frozen=True)
class Generation:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def number(self) -> int:
        return int(_GENERATION.match(self.name).group(1))

    @property
    def complete(self) -> bool:
        return (self.path / META).is_file()

    @property
    def compatible(self) -> bool:
        """Written with this version's fields and analysis."""
        try:
            return self.meta().get("schema") == SCHEMA_VERSION
        except (OSError, ValueError):
            return False

    def meta(self) -> dict[str, Any]:
        return json.loads((self.path / META).read_text(encoding="utf-8"))

    def manifest(self) -> dict[str, str]:
        """Article id -> content hash, for incremental updates."""
        return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())

    def open(self) -> whoosh_index.Index:
        return whoosh_index.open_dir(str(self.path))


class IndexStore:
    """The generations under one index directory."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def all_generations(self) -> list[Generation]:
        """Every generation directory, complete or not, oldest first."""
        if not self.root.is_dir():
            return []
        found = [Generation(p) for p in self.root.iterdir() if p.is_dir() and _GENERATION.match(p.name)]
        return sorted(found, key=lambda g: g.number)

    def complete_generations(self) -> list[Generation]:
        return [g for g in self.all_generations() if g.complete]

    def pointer(self) -> str | None:
        try:
            return (self.root / POINTER).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def current(self) -> Generation:
        """The live generation: the one CURRENT names, or, if that one is unusable,
        the newest complete generation of this schema version."""
        name = self.pointer()
        if name and _GENERATION.match(name):
            generation = Generation(self.root / name)
            if generation.complete and generation.compatible:
                return generation
        complete = self.complete_generations()
        usable = [g for g in complete if g.compatible]
        if usable:
            return usable[-1]
        if complete:
            raise IndexMissing(
                f"chỉ mục trong {self.root} được lập bằng phiên bản cũ của Bantin: hãy chạy `bantin index build`"
            )
        raise IndexMissing(f"chưa có chỉ mục trong {self.root}: hãy chạy `bantin index build`")

    def exists(self) -> bool:
        try:
            self.current()
        except IndexMissing:
            return False
        return True
