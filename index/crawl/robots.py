"""robots.txt, read the way RFC 9309 says: longest match wins, wildcards count.

Protego (Scrapy's parser) is used because the standard library's
`urllib.robotparser` applies the first matching line instead of the longest,
so the common "Disallow: /" followed by "Allow: /tin-tuc/" forbids every news
page, and it ignores `*` and `$` in paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from protego import Protego

if TYPE_CHECKING:
    from index.crawl.settings import CrawlSettings

# Characters a URL keeps as they are when it is put into percent-encoded ASCII form.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
# RFC 9309 asks parsers to read at least 500 KiB; anything after that is ignored.
MAX_ROBOTS_BYTES = 500 * 1024


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


@dataclass(frozen=True)
class RobotsRules:
    """What one site allows Bantin; `unreachable` says why everything is refused, if it is."""

    parser: Protego | None = None
    token: str = "Bantin"
    unreachable: str | None = None

    @classmethod
    def from_response(cls, status: int | None, body: bytes, reason: str, token: str) -> "RobotsRules":
        """RFC 9309: a 4xx means no rules; a 5xx or no answer means stay away for now."""
        if status is not None and 200 <= status < 300:
            text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            return cls(parser=Protego.parse(text), token=token)
        if status is not None and 400 <= status < 500:
            return cls(token=token)
        return cls(token=token, unreachable=reason)

    def allowed(self, url: str) -> bool:
        if self.unreachable is not None:
            return False
        # Rules match percent-encoded paths (RFC 9309); Protego itself fails on a lone surrogate.
        ascii_url = quote(url, safe=_URL_SAFE, errors="surrogatepass")
        return self.parser is None or self.parser.can_fetch(ascii_url, self.token)

    def delay(self, settings: "CrawlSettings") -> float:
        """Seconds between requests: ours, or the site's Crawl-delay when longer (within reason)."""
        asked = self.parser.crawl_delay(self.token) if self.parser else None
        return max(settings.delay, min(asked or 0.0, settings.max_crawl_delay))
