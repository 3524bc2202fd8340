"""Creating, publishing and pruning index generations (the writer's side of search.store)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import os
import shutil
from pathlib import Path
from typing import Any

from search.names.mined import MINED_FILE
from search.meaning import VECTORS
from search.language.ngrams import NGRAMS_FILE
from search.durable import replace_atomically, write_json
from search.storage.generations import MANIFEST, META, POINTER, Generation, IndexStore

KEEP_GENERATIONS = 2


def new_generation(store: IndexStore) -> Generation:
    """An empty directory for the next generation, numbered after every existing one."""
    existing = store.all_generations()
    number = existing[-1].number + 1 if existing else 1
    path = store.root / f"gen-{number:06d}"
    path.mkdir(parents=True)
    return Generation(path)


@contextmanager
def building(store: IndexStore) -> Iterator[Generation]:
    """A new generation that is removed again if anything fails before it is complete."""
    generation = new_generation(store)
    try:
        yield generation
    except BaseException:
        shutil.rmtree(generation.path, ignore_errors=True)
        raise


def _is_lock(name: str) -> bool:
    """Whoosh's lock files (MAIN_WRITELOCK): each generation must have its own, never a link to
    the previous one's, or a lock left held in one generation would lock the next."""
    return name.endswith(("WRITELOCK", ".lock"))


def link_copy(source: Generation, target: Generation) -> None:
    """Fill `target` with hard links to `source`'s Whoosh files.

    Whoosh never rewrites a file: a commit writes new segment and TOC files and
    deletes unreferenced ones, so the links share unchanged segments safely and
    `source` is left intact. Article vectors are not carried: they are by docnum,
    which a commit can change (index/vectors.py reuses them by article instead);
    nor are the language tables, which the update writes anew (a link written
    through would change the live generation's).
    """
    for item in source.path.iterdir():
        carried = item.name not in (META, MANIFEST, VECTORS, NGRAMS_FILE, MINED_FILE) and not item.name.startswith(".")
        if item.is_file() and carried and not _is_lock(item.name):
            try:
                os.link(item, target.path / item.name)
            except OSError:  # another file system, or links not allowed
                shutil.copy2(item, target.path / item.name)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def complete(generation: Generation, manifest: dict[str, str], meta: dict[str, Any]) -> None:
    """Make the generation durable, then mark it complete (meta.json comes last).

    Whoosh never fsyncs, so its files are synced here before anything points at
    them. meta.json records every file's size, which is how a reader tells a
    damaged generation from a sound one (see search.store).
    """
    for item in generation.path.iterdir():
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
    write_json(generation.path / MANIFEST, manifest)
    files = {
        item.name: item.stat().st_size
        for item in sorted(generation.path.iterdir())
        if item.is_file() and not _is_lock(item.name)
    }
    write_json(generation.path / META, {**meta, "files": files})
    _fsync_dir(generation.path)


def publish(store: IndexStore, generation: Generation) -> None:
    """Switch readers to `generation` in one atomic rename."""
    replace_atomically(store.root / POINTER, (generation.name + "\n").encode("utf-8"))
    _fsync_dir(store.root)


def remove_abandoned(store: IndexStore) -> list[str]:
    """Delete generations a killed builder left incomplete. Call with the build lock held."""
    removed = []
    live = store.pointer()
    for generation in store.all_generations():
        if not generation.complete and generation.name != live:
            shutil.rmtree(generation.path, ignore_errors=True)
            removed.append(generation.name)
    for stray in store.root.glob(f".{POINTER}.*"):
        stray.unlink(missing_ok=True)
    return removed


def prune(store: IndexStore, keep: int = KEEP_GENERATIONS) -> list[str]:
    """Keep the live generation and the newest sound others, up to `keep` in all.

    Damaged generations go too: keeping one would leave no sound fallback.
    """
    live = store.current().name
    complete = store.complete_generations()
    sound = [g for g in complete if g.name == live or g.problem() is None]
    keepers = {live} | {g.name for g in sound[-keep:]}
    if len(keepers) > keep:  # the live one is older than the newest: keep it and the newest
        keepers = {live, sound[-1].name}
    removed = []
    for generation in complete:
        if generation.name not in keepers:
            shutil.rmtree(generation.path, ignore_errors=True)
            removed.append(generation.name)
    return removed
