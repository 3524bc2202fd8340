"""Article audio on disk: content-addressed entries, written atomically, evicted least recently used.

    <audio dir>/
        entries/<key>.mp3     the article's MP3
        entries/<key>.json    its metadata and sentence timings; written last, so an
                              entry exists exactly when this file does
        articles/<id>.json    article id -> its entries, for a lookup that needs no
                              normalization (the podcast feed asks for many at once)
        locks/<digest>.lock   one synthesis of a text at a time, across processes
        tmp/                  files being written; renamed into entries/ when complete

An entry's key hashes what was said (the script digest), the engine(s) that said
it, their voices and the audio format version, so a key never names two
different sounds and serves as a strong ETag. The metadata file's mtime is the
LRU clock: serving an entry touches it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from search.article import Article
from search.durable import replace_atomically
from speech.script import normalizer_fingerprint

# Bumped when the MP3 parameters, pauses or the metadata shape change.
FORMAT_VERSION = 1
# Serving an entry moves it to the front of the LRU order; at most once a minute,
# so a player's many Range requests do not each write to the disk.
TOUCH_INTERVAL = 60.0
# Files left in tmp/ by a process that died mid-write are removed after this long.
STALE_TMP_SECONDS = 3600.0


@dataclass(frozen=True)
class AudioEntry:
    """A finished article audio: what the web layer serves and lists."""

    key: str
    path: Path  # the MP3
    meta_path: Path
    size: int  # bytes of the MP3 (Content-Length, podcast enclosure length)
    duration: float  # seconds
    engine: str  # "gtts", "espeak", or "gtts+espeak" when the online voice failed mid-article
    created: float  # Unix time

    @property
    def etag(self) -> str:
        """Content-addressed, so a strong validator (unquoted; Flask adds the quotes)."""
        return self.key

    def metadata(self) -> dict[str, Any]:
        return json.loads(self.meta_path.read_text(encoding="utf-8"))

    def timings(self) -> list[dict[str, Any]]:
        """`[{"start", "end", "text", "part", "paragraph"}]`, seconds into the MP3."""
        return self.metadata()["sentences"]


def entry_key(digest: str, engine: str, voices: list[str]) -> str:
    payload = json.dumps([FORMAT_VERSION, digest, engine, voices], ensure_ascii=False)
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class PendingAudio:
    """An MP3 being written into tmp/: invisible until committed, removed if aborted."""

    def __init__(self, tmp_dir: Path) -> None:
        fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".mp3.part")
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self.size = 0

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self.size += len(data)

    def finish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


class AudioCache:
    def __init__(self, root: str | os.PathLike, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.entries_dir = self.root / "entries"
        self.articles_dir = self.root / "articles"
        self.locks_dir = self.root / "locks"
        self.tmp_dir = self.root / "tmp"
        for folder in (self.entries_dir, self.articles_dir, self.locks_dir, self.tmp_dir):
            folder.mkdir(parents=True, exist_ok=True)

    # --- entries -----------------------------------------------------------------

    def entry(self, key: str) -> AudioEntry | None:
        meta_path = self.entries_dir / f"{key}.json"
        mp3 = self.entries_dir / f"{key}.mp3"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            size = mp3.stat().st_size
        except (FileNotFoundError, ValueError):
            return None
        return AudioEntry(key, mp3, meta_path, size, meta["duration"], meta["engine"], meta["created"])

    def begin(self) -> PendingAudio:
        return PendingAudio(self.tmp_dir)

    def commit(self, pending: PendingAudio, key: str, meta: dict[str, Any]) -> AudioEntry:
        """Make a fully written MP3 and its metadata an entry: the MP3 first, the
        metadata (which makes it visible) last, each by an atomic rename."""
        try:
            pending.finish()
            os.replace(pending.path, self.entries_dir / f"{key}.mp3")
        except BaseException:
            pending.abort()
            raise
        meta = {**meta, "format": FORMAT_VERSION, "key": key, "bytes": pending.size, "created": time.time()}
        data = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        meta_path = self.entries_dir / f"{key}.json"
        replace_atomically(meta_path, data, self.tmp_dir)
        mp3 = self.entries_dir / f"{key}.mp3"
        return AudioEntry(key, mp3, meta_path, pending.size, meta["duration"], meta["engine"], meta["created"])

    def touch(self, entry: AudioEntry) -> None:
        """Mark the entry as just used (the LRU clock)."""
        try:
            if time.time() - entry.meta_path.stat().st_mtime >= TOUCH_INTERVAL:
                os.utime(entry.meta_path)
        except FileNotFoundError:
            pass

    def lock(self, digest: str, timeout: float = -1) -> FileLock:
        """Held while a text is synthesized, so two processes never make the same audio."""
        return FileLock(self.locks_dir / f"{digest}.lock", timeout=timeout)

    # --- article pointers ------------------------------------------------------------

    def _pointer_path(self, article_id: str) -> Path:
        return self.articles_dir / f"{_hash(article_id)}.json"

    @staticmethod
    def _source(article: Article) -> str:
        """What must not have changed for a pointer to still be right."""
        return f"{FORMAT_VERSION}:{normalizer_fingerprint()}:{article.content_hash()}"

    def pointed(self, article: Article) -> tuple[str, dict[str, AudioEntry]] | None:
        """(script digest, engine -> entry) recorded for this very article content, or None."""
        try:
            pointer = json.loads(self._pointer_path(article.id).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        if pointer.get("id") != article.id or pointer.get("source") != self._source(article):
            return None
        found = {engine: self.entry(key) for engine, key in pointer["entries"].items()}
        return pointer["digest"], {engine: entry for engine, entry in found.items() if entry is not None}

    def point(self, article: Article, digest: str, entry: AudioEntry) -> None:
        """Record that `entry` is audio of this article's current content."""
        previous = self.pointed(article)
        entries = {e: x.key for e, x in previous[1].items()} if previous and previous[0] == digest else {}
        entries[entry.engine] = entry.key
        pointer = {"id": article.id, "source": self._source(article), "digest": digest, "entries": entries}
        data = json.dumps(pointer, ensure_ascii=False).encode("utf-8")
        replace_atomically(self._pointer_path(article.id), data, self.tmp_dir)

    # --- size limit ----------------------------------------------------------------

    def usage(self) -> int:
        return sum(p.stat().st_size for p in self.entries_dir.iterdir() if p.is_file())

    def evict(self, keep: str | None = None) -> list[str]:
        """Remove least recently used entries until the cache fits `max_bytes`
        (never `keep`, the entry just made); returns the keys removed. Pointers to
        removed entries are left: a lookup checks the entry itself."""
        self._sweep_tmp()
        entries: list[tuple[float, int, str]] = []
        total = 0
        for meta in self.entries_dir.glob("*.json"):
            key = meta.stem
            try:
                used = meta.stat().st_mtime
                size = meta.stat().st_size + (self.entries_dir / f"{key}.mp3").stat().st_size
            except FileNotFoundError:
                continue
            total += size
            entries.append((used, size, key))
        removed: list[str] = []
        for used, size, key in sorted(entries):
            if total <= self.max_bytes:
                break
            if key == keep:
                continue
            # Metadata first: from that moment the entry is gone for every reader.
            (self.entries_dir / f"{key}.json").unlink(missing_ok=True)
            (self.entries_dir / f"{key}.mp3").unlink(missing_ok=True)
            total -= size
            removed.append(key)
        return removed

    def _sweep_tmp(self) -> None:
        """Remove what a process that died mid-write left: files in tmp/, and an MP3
        renamed into entries/ whose metadata never followed."""
        cutoff = time.time() - STALE_TMP_SECONDS
        leftovers = list(self.tmp_dir.iterdir())
        leftovers += [p for p in self.entries_dir.glob("*.mp3") if not p.with_suffix(".json").exists()]
        for path in leftovers:
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:
                pass
