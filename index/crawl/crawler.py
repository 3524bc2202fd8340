"""Turn URL sources (article pages, RSS/Atom feeds, sitemaps) into articles for a build.

A run has two phases so that staff see a real progress count: first every URL
given is fetched once to learn what it is, and feeds and sitemaps are expanded
(a sitemap index into its sitemaps, to a limited depth); then every article
page found is fetched and read with the HTML reader used for saved pages. Each
failure becomes a `SkippedSource` with the URL and the reason, and the run
goes on.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from requests.utils import get_encoding_from_headers

from index.crawl.fetch import Fetched, FetchError, Fetcher
from index.crawl.listings import Listing, ListingError, gunzip, kind_of, read_feed, read_sitemap
from index.crawl.validators import ValidatorCache
from search.progress import Progress, SilentProgress
from index.sources.decode import decode_bytes
from index.sources.errors import SkippedSource, SourceError
from index.sources.html_page import parse_html
from search.article import Article
from search.language.text import nfc

# A sitemap index may name sitemap indexes; deeper than this is a mistake or a trap.
MAX_SITEMAP_DEPTH = 3


@dataclass(frozen=True)
class NotModified:
    """A page whose server answered 304: the article indexed from it is still current."""

    id: str
    url: str


Item = Article | SkippedSource | NotModified


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


class Crawl:
    """One run over the URL sources of a build or update.

    `indexed` is the live generation's manifest (id -> content hash), or None
    for a full rebuild, which fetches every page in full.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        cache: ValidatorCache,
        indexed: Mapping[str, str] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.fetcher, self.cache, self.indexed = fetcher, cache, indexed
        self.progress = progress or SilentProgress()
        self._listings_seen: set[str] = set()
        self._pages_seen: set[str] = set()

    def run(self, urls: Sequence[str]) -> dict[str, list[Item]]:
        """The items of each URL in `urls`, in the order found."""
        found: dict[str, list[Item]] = {}
        pages: dict[str, list[str]] = {}
        for url in dict.fromkeys(urls):
            found[url], pages[url] = self._resolve(url, depth=0)
        total = sum(len(links) for links in pages.values())
        if total:
            self.progress.start(total, "Tải trang")
            for url, links in pages.items():
                for link in links:
                    found[url].append(self._page(link))
                    self.progress.advance()
            self.progress.finish()
        return found

    def _resolve(self, url: str, depth: int) -> tuple[list[Item], list[str]]:
        """A URL of unknown kind: (items read so far, article pages still to fetch)."""
        self._listings_seen.add(url)
        entry = self.cache.entry(url)
        kind = entry.get("kind")
        etag, modified = self.cache.validators(url, kind, self.indexed) if kind else (None, None)
        try:
            fetched = self.fetcher.get(url, etag, modified)
        except FetchError as exc:
            return [SkippedSource(url, exc.reason)], []
        if fetched.not_modified:
            if kind == "page":
                self._pages_seen.add(url)
                return [NotModified(entry["id"], url)], []
            listing = Listing(pages=list(entry.get("pages", [])), sitemaps=list(entry.get("sitemaps", [])))
        else:
            try:
                listing = self._listing(fetched)
            except ListingError as exc:
                return [SkippedSource(url, exc.reason)], []
            if listing is None:  # an article page given directly
                self._pages_seen.add(url)
                return [self._article(fetched)], []
        items: list[Item] = []
        pages = [link for link in listing.pages if link not in self._pages_seen]
        self._pages_seen.update(pages)
        for child in listing.sitemaps:
            if child in self._listings_seen:
                continue
            if depth >= MAX_SITEMAP_DEPTH:
                items.append(SkippedSource(child, f"sitemap lồng nhau quá {MAX_SITEMAP_DEPTH} tầng"))
                continue
            child_items, child_pages = self._resolve(child, depth + 1)
            items.extend(child_items)
            pages.extend(child_pages)
        return items, pages

    def _listing(self, fetched: Fetched) -> Listing | None:
        """The feed or sitemap in `fetched` (remembered for next time), or None for a page."""
        body = gunzip(fetched.body, self.fetcher.settings.max_bytes)
        kind = kind_of(body)
        if kind == "page":
            return None
        listing = read_feed(body, fetched.final_url, fetched.content_type) if kind == "feed" else read_sitemap(body)
        self.cache.remember(
            fetched.url, fetched.etag, fetched.last_modified, "listing", pages=listing.pages, sitemaps=listing.sitemaps
        )
        return listing

    def _page(self, url: str) -> Item:
        etag, modified = self.cache.validators(url, "page", self.indexed)
        try:
            fetched = self.fetcher.get(url, etag, modified)
        except FetchError as exc:
            return SkippedSource(url, exc.reason)
        if fetched.not_modified:
            return NotModified(self.cache.entry(url)["id"], url)
        return self._article(fetched)

    def _article(self, fetched: Fetched) -> Article | SkippedSource:
        try:
            article = parse_html(
                _text(fetched), article_id=None, source=fetched.url, url=fetched.final_url
            )
        except SourceError as exc:
            return SkippedSource(fetched.url, f"không đọc được bài: {exc.reason}")
        self.cache.remember(
            fetched.url, fetched.etag, fetched.last_modified, "page", id=article.id, hash=article.content_hash()
        )
        return article


def _text(fetched: Fetched) -> str:
    """The page as NFC text: the charset the server declared if it decodes, else a guess from the bytes."""
    declared = get_encoding_from_headers({"content-type": fetched.content_type}) if fetched.content_type else None
    # requests answers ISO-8859-1 for any text/* without a charset (an old RFC default); that is no declaration.
    if declared and declared.lower() != "iso-8859-1":
        try:
            codecs.lookup(declared)
            return nfc(fetched.body.decode(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(fetched.body)
