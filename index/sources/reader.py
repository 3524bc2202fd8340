"""Walk SOURCE paths and read every article in them, reporting what could not be read.

A build over thousands of staff-supplied files must finish and then say exactly
which files failed and why, so nothing here raises for bad input: every problem
becomes a `SkippedSource` and reading goes on. The walk is sorted so that two
builds over the same files see them in the same order.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from index.sources.decode import decode_bytes
from index.sources.errors import SkippedSource, SourceError
from index.sources.html_page import parse_html
from index.sources.ids import file_id, url_id
from index.sources.jsonl import iter_jsonl
from index.sources.portal_text import parse_portal_text
from search.article import Article

Item = Article | SkippedSource


def read_sources(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Item]:
    """Yield the articles of each file or directory in `paths`, and a `SkippedSource` per failure."""
    for root in paths:
        shown_root = os.fspath(root)
        if not os.path.exists(shown_root):
            yield SkippedSource(_printable(shown_root), "no such file or directory")
        elif os.path.isdir(shown_root):
            yield from _read_directory(shown_root)
        else:
            yield from _read_file(shown_root, Path(shown_root).name)


def estimate_count(paths: Sequence[str | os.PathLike[str]]) -> int:
    """About how many articles `read_sources` will yield, cheaply: for a progress ETA.

    A JSON Lines file counts its lines (bytes are counted, not parsed); any other
    readable file counts one.
    """
    total = 0
    for root in map(os.fspath, paths):
        files = [path for path, _ in _walk(root, [])] if os.path.isdir(root) else [root]
        for path in files:
            suffix = Path(path).suffix.lower()
            if suffix not in _READERS:
                continue
            if _READERS[suffix] is not _jsonl:
                total += 1
                continue
            try:
                with open(path, "rb") as handle:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
            except OSError:
                pass
    return total


def _walk(root: str, errors: list[OSError]) -> list[tuple[str, str]]:
    """(path, '/'-separated path relative to root) of each non-hidden file, sorted."""
    found: list[tuple[tuple[str, ...], str]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        rel_dir = Path(dirpath).relative_to(root).parts
        found.extend(((*rel_dir, name), os.path.join(dirpath, name)) for name in filenames if not name.startswith("."))
    return [(path, "/".join(rel_parts)) for rel_parts, path in sorted(found)]


def _read_directory(root: str) -> Iterator[Item]:
    errors: list[OSError] = []
    files = _walk(root, errors)
    for error in errors:
        yield SkippedSource(_printable(error.filename or root), _os_reason(error))
    for path, relpath in files:
        yield from _read_file(path, relpath)


def _read_file(path: str, relpath: str) -> Iterator[Item]:
    """Read one file; `relpath` ('/'-separated, relative to its SOURCE) names it in ids and `source`."""
    shown, rel = _printable(path), _printable(relpath)
    suffix = Path(path).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        kind = f"'{suffix}'" if suffix else "(no extension)"
        yield SkippedSource(shown, f"unsupported file type {kind}")
        return
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block or never end
            raise SourceError("not a regular file")
        with open(path, "rb") as handle:
            text = decode_bytes(handle.read())
        yield from reader(text, shown, rel)
    except SourceError as exc:
        yield SkippedSource(shown, exc.reason)
    except OSError as exc:
        yield SkippedSource(shown, _os_reason(exc))


def _portal_text(text: str, shown: str, rel: str) -> Iterator[Item]:
    yield parse_portal_text(text, article_id=file_id(rel), source=rel)


def _html(text: str, shown: str, rel: str) -> Iterator[Item]:
    article = parse_html(text, article_id=file_id(rel), source=rel)
    # No url was passed in, so any url the article has is the page's own canonical
    # URL, which names the article better than where its copy was saved.
    yield dataclasses.replace(article, id=url_id(article.url)) if article.url else article


def _jsonl(text: str, shown: str, rel: str) -> Iterator[Item]:
    yield from iter_jsonl(text, path=shown, source=rel)


_READERS: dict[str, Callable[[str, str, str], Iterator[Item]]] = {
    ".txt": _portal_text,
    ".html": _html,
    ".htm": _html,
    ".jsonl": _jsonl,
    ".ndjson": _jsonl,
}


def _os_reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _printable(path: str) -> str:
    """Undecodable bytes in file names become U+FFFD, so reports and ids can be encoded."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
