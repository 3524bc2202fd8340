"""Lists of article URLs a portal publishes: RSS/Atom feeds and sitemaps (and sitemap indexes).

What a URL holds is read from the body, not the URL or the Content-Type, which
portals often get wrong (feeds served as text/html, sitemaps as text/plain).

Feeds are read with feedparser: it copes with every RSS version and Atom, with
wrong or missing encodings and with broken XML, and resolves relative links.
Sitemaps are a tiny fixed format (`<urlset><url><loc>`, `<sitemapindex><sitemap><loc>`)
read with lxml, which is already here for trafilatura, with entity expansion
and network access turned off.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field
from typing import Literal

import feedparser
from lxml import etree

from index.crawl.fetch import size_text

Kind = Literal["feed", "sitemap", "page"]

# The first element's name, after an optional BOM, XML declaration, comments,
# processing instructions and doctype.
_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS = {"rss", "feed", "rdf"}
_SITEMAP_ROOTS = {"urlset", "sitemapindex"}
_SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"


class ListingError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Listing:
    """The URLs a feed or sitemap names: article pages, and (for a sitemap index) more sitemaps."""

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def gunzip(body: bytes, max_bytes: int) -> bytes:
    """A gzipped sitemap (`sitemap.xml.gz`) inflated, refusing one that inflates past `max_bytes`."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        raise ListingError("tệp gzip hỏng") from None
    if len(data) > max_bytes:
        raise ListingError(f"tệp gzip giải nén ra hơn {size_text(max_bytes)}")
    return data


def kind_of(body: bytes) -> Kind:
    match = _ROOT.match(body[:_SNIFF_BYTES])
    root = match.group(1).decode("ascii").lower() if match else ""
    if root in _FEED_ROOTS:
        return "feed"
    if root in _SITEMAP_ROOTS:
        return "sitemap"
    return "page"


def read_feed(body: bytes, url: str, content_type: str = "") -> Listing:
    """Each entry's link, resolved against the feed's URL, in the feed's order."""
    # A BytesIO, never the bytes: feedparser opens a str or bytes argument as a file name or URL.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url, "content-type": content_type or "application/xml"},
        sanitize_html=False,
    )
    links = [link for entry in parsed.entries if (link := _http_link(entry.get("link")))]
    if not links:
        problem = parsed.get("bozo_exception")
        detail = f" ({type(problem).__name__}: {str(problem)[:120]})" if problem else ""
        raise ListingError(f"nguồn tin RSS/Atom không có bài nào{detail}")
    return Listing(pages=_unique(links))


def read_sitemap(body: bytes) -> Listing:
    """The <loc>s of a sitemap (`pages`) or a sitemap index (`sitemaps`)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"sitemap không đọc được: {exc}") from None
    if root is None:
        raise ListingError("sitemap không đọc được")
    locs = [
        link
        for element in root.iter("{*}loc")
        if isinstance(element.tag, str) and (link := _http_link(element.text))
    ]
    # The tag as written, not etree.QName: a recovered document's tag may be no valid name (`<:`).
    local_name = root.tag.rpartition("}")[2] if isinstance(root.tag, str) else ""
    if local_name.lower() == "sitemapindex":
        return Listing(sitemaps=_unique(locs))
    if not locs:
        raise ListingError("sitemap không có địa chỉ bài nào")
    return Listing(pages=_unique(locs))


def _http_link(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    link = value.strip()
    return link if link.lower().startswith(("http://", "https://")) else None


def _unique(links: list[str]) -> list[str]:
    return list(dict.fromkeys(links))
