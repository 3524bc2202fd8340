"""What Bantin remembers about each crawled URL between runs, for conditional requests.

`<index dir>/crawl.json` maps a URL to the ETag and Last-Modified its server
sent, and to what came of it: the article id and content hash for a page, the
linked URLs for a feed or sitemap. A 304 answer then needs no body: a page's
article is known to be indexed unchanged, a listing's links are known.

Validators are only sent for a page whose remembered article is in the live
index with the same content hash: a 304 is then proof that the indexed article
is current, however the file got out of step with the index (a killed run, a
rebuild from other sources, an old copy). The file is replaced atomically.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from search.durable import write_json

CACHE_FILE = "crawl.json"
log = logging.getLogger(__name__)


class ValidatorCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("bỏ qua %s hỏng (%s): mọi trang sẽ được tải lại đầy đủ", self.path, exc)
            return {}
        if not isinstance(data, dict):
            return {}
        return {url: entry for url, entry in data.items() if _well_formed(entry)}

    def validators(self, url: str, kind: str, indexed: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) to send for `url`, or (None, None) to fetch it in full.

        A page's validators count only while its article is in `indexed` (the
        live manifest) with the hash it had when they were stored.
        """
        entry = self.entries.get(url)
        if not entry or entry.get("kind") != kind:
            return None, None
        if kind == "page" and (indexed is None or indexed.get(entry.get("id")) != entry.get("hash")):
            return None, None
        return _str(entry.get("etag")), _str(entry.get("last_modified"))

    def entry(self, url: str) -> dict[str, Any]:
        return self.entries.get(url) or {}

    def remember(self, url: str, etag: str | None, last_modified: str | None, kind: str, **what: Any) -> None:
        if not etag and not last_modified:  # nothing to send next time
            self.entries.pop(url, None)
            return
        self.entries[url] = {"etag": etag, "last_modified": last_modified, "kind": kind, **what}

    def save(self, manifest: Mapping[str, str]) -> None:
        """Write the file, keeping pages only while their article is indexed as remembered."""
        keep = {
            url: entry
            for url, entry in self.entries.items()
            if entry.get("kind") != "page" or manifest.get(entry.get("id")) == entry.get("hash")
        }
        write_json(self.path, keep)


def _well_formed(entry: Any) -> bool:
    """An entry as `remember` writes it; anything else (a hand-edited or damaged file) is dropped."""
    if not isinstance(entry, dict):
        return False
    if entry.get("kind") == "page":
        return isinstance(entry.get("id"), str) and isinstance(entry.get("hash"), str)
    if entry.get("kind") == "listing":
        links = [entry.get("pages", []), entry.get("sitemaps", [])]
        return all(isinstance(group, list) and all(isinstance(url, str) for url in group) for group in links)
    return False


def _str(value: Any) -> str | None:
    # Printable ASCII only: a damaged file must not put a line break or a non-Latin-1 character in a header.
    return value if isinstance(value, str) and value and value.isascii() and value.isprintable() else None
