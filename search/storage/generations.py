"""Where the index lives on disk: numbered generations and a pointer to the live one.

    <index dir>/
        CURRENT            name of the live generation, replaced atomically
        gen-000007/        a complete generation: Whoosh files, manifest, meta.json
        gen-000008/        being built: no meta.json until it is complete

A generation is complete once its meta.json exists; CURRENT only ever names a
complete one, so readers never see a half-built index. Writers live in index/.

A complete generation can still be damaged afterwards (a disk error, a file cut
short by a full disk on another machine's copy, someone's cleanup script). Its
meta.json records every file's size at completion, so a generation is checked
cheaply (sizes, then Whoosh's table of contents and document count) before it
is served, and a damaged one is passed over, with a warning, for the newest
sound generation before it.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from search.storage.schema import SCHEMA_VERSION

POINTER = "CURRENT"
META = "meta.json"
MANIFEST = "manifest.json"
_GENERATION = re.compile(r"^gen-(\d{6})$")
log = logging.getLogger(__name__)
_warned: set[str] = set()  # each fallback is logged once per process, not on every lookup
OLD_SCHEMA = "lập bằng phiên bản khác của Bantin"


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

    def problem(self) -> str | None:
        """Why this complete generation must not be served, or None if it looks sound.

        Cheap enough for every switch of generation: a stat per file, and opening
        Whoosh's table of contents. Whoosh raises many kinds of errors on damaged
        files (EOFError, struct.error, unpickling errors), hence the broad except.
        """
        try:
            meta = self.meta()
        except (OSError, ValueError) as exc:
            return f"meta.json không đọc được ({exc})"
        if not isinstance(meta, dict):
            return "meta.json không phải một đối tượng JSON"
        if meta.get("schema") != SCHEMA_VERSION:
            return OLD_SCHEMA
        files = meta.get("files")
        if isinstance(files, dict):  # generations completed before sizes were recorded have none
            for name, size in files.items():
                try:
                    actual = (self.path / name).stat().st_size
                except OSError:
                    return f"thiếu tệp {name}"
                if actual != size:
                    return f"tệp {name} có {actual} byte, lúc lập xong là {size}"
        try:
            ix = self.open()
            count = ix.doc_count()
        except Exception as exc:  # noqa: BLE001 (see the docstring)
            return f"Whoosh không mở được ({type(exc).__name__}: {exc})"
        if count != meta.get("articles"):
            return f"có {count} bài, meta.json ghi {meta.get('articles')}"
        return None

    def meta(self) -> dict[str, Any]:
        return json.loads((self.path / META).read_text(encoding="utf-8"))

    def manifest(self) -> dict[str, str]:
        """Article id -> content hash, for incremental updates."""
        return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())

    def open(self) -> whoosh_index.Index:
        """The generation's Whoosh index, its files read with plain reads, not mmap.

        Over an mmap Whoosh wraps each file of a segment in a BytesIO, which
        copies it: every reader held a private copy of the whole index (2.2 GB
        per server process on the corpus, and a 1.5 GB spike when a build
        counted its documents). Plain reads cost ~17% more CPU on a cold posting
        list and nothing once the arrays are cached (search/storage/postings.py).
        """
        return FileStorage(str(self.path), supports_mmap=False).open_index()


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
        """The live generation: the one CURRENT names, or, if that one is missing or
        unusable, the newest sound generation (with a warning saying why)."""
        name = self.pointer()
        named = Generation(self.root / name) if name and _GENERATION.match(name) else None
        others = [g for g in reversed(self.complete_generations()) if g != named]
        candidates = ([named] if named is not None and named.complete else []) + others
        problems: list[str] = []
        for generation in candidates:
            problem = generation.problem()
            if problem is None:
                if problems:
                    message = f"chỉ mục {self.root}: dùng thế hệ {generation.name} vì {'; '.join(problems)}"
                    if message not in _warned:
                        _warned.add(message)
                        log.warning(message)
                return generation
            problems.append(f"{generation.name} {problem}")
        if not candidates:
            raise IndexMissing(f"chưa có chỉ mục trong {self.root}: hãy chạy `bantin index build`")
        if all(p.endswith(OLD_SCHEMA) for p in problems):
            raise IndexMissing(
                f"chỉ mục trong {self.root} được lập bằng phiên bản cũ của Bantin: hãy chạy `bantin index build`"
            )
        raise IndexMissing(f"chỉ mục trong {self.root} bị hỏng ({'; '.join(problems)}): hãy chạy `bantin index build`")

    def exists(self) -> bool:
        try:
            self.current()
        except IndexMissing:
            return False
        return True
