"""Stable article ids: the same source must get the same id in every rebuild.

Ids end up in URLs (/articles/<id>) and in bookmarks, so they are derived only
from things that do not change between rebuilds (a record's own id, a file's
path under its source, a page's canonical URL), never from a counter or the
content. A readable slug comes first; a short hash keeps ids unique where
slugs collide.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import unquote, urlsplit

from search.language.text import nfc, slugify

_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
# Extensions that only say how the page was generated; dropped so the slug reads well.
_PAGE_EXTENSIONS = {".html", ".htm", ".shtml", ".aspx", ".asp", ".php", ".jsp"}


def _hash8(text: str) -> str:
    # NFC first, so the same name typed or stored in another normalization keeps its id;
    # "surrogatepass" so that even a string holding a lone surrogate has a stable id.
    return hashlib.sha1(nfc(text).encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _slug_and_hash(slug: str, hashed: str) -> str:
    # A name with no ASCII-foldable letter gives an empty slug; the hash alone is still a valid id.
    return f"{slug}-{_hash8(hashed)}" if slug else _hash8(hashed)


def record_id(raw: str) -> str:
    """A JSONL record's own id when it is already URL-safe, else a slug plus hash of it."""
    if _VALID_ID.fullmatch(raw):
        return raw
    return _slug_and_hash(slugify(raw), raw)


def file_id(relpath: str) -> str:
    """Id for a text or HTML file, from its '/'-separated path relative to the SOURCE argument."""
    stem = posixpath.splitext(posixpath.basename(relpath))[0]
    return _slug_and_hash(slugify(stem, 50), relpath)


def url_id(url: str) -> str:
    """Id for a page with a canonical URL: survives moving or renaming the saved file."""
    try:
        path = urlsplit(url).path
    except ValueError:  # e.g. an unbalanced "[" in the host: still a stable string to hash
        path = ""
    segment = posixpath.basename(unquote(path).rstrip("/"))
    stem, ext = posixpath.splitext(segment)
    if ext.lower() in _PAGE_EXTENSIONS:
        segment = stem
    return _slug_and_hash(slugify(segment, 50), url)
