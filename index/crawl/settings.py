"""How the crawler presents itself and how hard it may press on a portal.

Below both the fetcher (index/crawl/fetch.py) and the robots.txt reader
(index/crawl/robots.py), which both need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version


def _version() -> str:
    try:
        return version("bantin")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "dev"


# Portal operators read this in their logs; the product token is what robots.txt matches.
ROBOTS_TOKEN = "Bantin"
USER_AGENT = f"{ROBOTS_TOKEN}/{_version()} (search and accessible reading of government news; python-requests)"


@dataclass(frozen=True)
class CrawlSettings:
    """How hard Bantin may press on a portal; the defaults suit a production portal."""

    delay: float = 1.0  # seconds between two requests to the same host
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay is honoured up to this
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # silence allowed between two packets
    total_timeout: float = 60.0  # for one whole response, body included
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0  # urllib3: the 2nd retry waits 2x this, the 3rd 4x
    max_retry_after: float = 120.0  # a longer Retry-After is cut to this
    user_agent: str = USER_AGENT
