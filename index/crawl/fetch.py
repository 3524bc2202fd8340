"""A polite HTTP client for crawling a portal that has to keep serving its citizens.

Politeness is what keeps a crawler from being blocked by a portal's operators:
robots.txt is obeyed on every hop (a redirect may lead to a path it forbids),
requests to one host are spaced out (robots.txt's Crawl-delay wins when it asks
for more), and a failing server gets exponential backoff and its Retry-After.
Safety is what keeps one bad page from stalling or exhausting a build: every
request has connect and read timeouts and a deadline for the whole body, bodies
are refused past a size limit (before downloading when Content-Length says so),
and redirects are followed a limited number of times and never in a circle.

Retries, backoff and Retry-After are urllib3's `Retry` (through requests'
HTTPAdapter): the one well-tested implementation both libraries already ship.
Redirects are followed here rather than by requests, so that each hop is
checked against robots.txt and paced like any other request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from index.crawl.robots import RobotsRules, robots_url
from index.crawl.settings import ROBOTS_TOKEN, CrawlSettings


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A URL that gave nothing usable; `reason` (Vietnamese) goes into the build report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int  # 200-class, or 304 for "not modified since the validators sent"
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HostPacer:
    """Spaces requests to the same host by at least its delay; other hosts do not wait.

    The clock and sleep are parameters so tests can check the spacing without waiting.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.clock, self.sleep = clock, sleep
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> None:
        ready = self._next.get(host)
        if ready is not None:
            pause = ready - self.clock()
            if pause > 0:
                self.sleep(pause)
        self._next[host] = self.clock() + delay


def _session(settings: CrawlSettings) -> requests.Session:
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        redirect=False,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        backoff_factor=settings.backoff,
        retry_after_max=settings.max_retry_after,
        respect_retry_after_header=True,
        raise_on_status=False,  # the last 5xx response comes back, to be reported with its status
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    return session


def size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def check_url(url: str) -> None:
    """Only absolute http(s) URLs with a host are fetched (no file://, no relative links)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError("địa chỉ không hợp lệ") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("địa chỉ không hợp lệ: chỉ tải được http:// hoặc https://")
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:  # bytes a terminal could not decode reach argv as lone surrogates
        raise FetchError("địa chỉ không hợp lệ: có ký tự không mã hóa được") from None


class Fetcher:
    def __init__(self, settings: CrawlSettings = CrawlSettings(), pacer: HostPacer | None = None) -> None:
        self.settings = settings
        self.pacer = pacer or HostPacer()
        self.session = _session(settings)
        self._robots: dict[str, RobotsRules] = {}

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch `url` politely; with validators, a 304 answer comes back as `not_modified`.

        Raises `FetchError` with a reason staff can act on.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        visited = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            check_url(current)
            rules = self.robots(current)
            if not rules.allowed(current):
                if rules.unreachable:
                    raise FetchError(
                        f"không đọc được robots.txt của {_host(current)} ({rules.unreachable}) nên chưa tải trang nào ở đó"
                    )
                raise FetchError(f"robots.txt của {_host(current)} không cho phép tải {current}")
            response = self._send(current, headers, rules.delay(self.settings))
            if response.status_code in _REDIRECTS and response.headers.get("Location"):
                response.close()
                target = urljoin(current, response.headers["Location"])
                if target in visited:
                    raise FetchError(f"chuyển hướng vòng tròn: {' → '.join([*visited, target])}")
                visited.append(target)
                current = target
                continue
            return self._result(url, current, response, bool(headers))
        raise FetchError(f"chuyển hướng quá {self.settings.max_redirects} lần (đến {current})")

    def robots(self, url: str) -> RobotsRules:
        """The robots.txt rules of `url`'s site, fetched once per crawl (RFC 9309 on failures)."""
        key = robots_url(url)
        if key not in self._robots:
            try:
                status, body = self._fetch_robots(key)
            except FetchError as exc:
                status, body = None, b""
                reason = exc.reason
            else:
                reason = f"HTTP {status}"
            self._robots[key] = RobotsRules.from_response(status, body, reason, ROBOTS_TOKEN)
        return self._robots[key]

    def _fetch_robots(self, url: str) -> tuple[int, bytes]:
        """Status and body of robots.txt, following redirects (http -> https is common)."""
        for _ in range(self.settings.max_redirects + 1):
            response = self._send(url, {}, self.settings.delay)
            if response.status_code in _REDIRECTS and response.headers.get("Location"):
                response.close()
                url = urljoin(url, response.headers["Location"])
                check_url(url)
                continue
            if not 200 <= response.status_code < 300:
                response.close()
                return response.status_code, b""
            return response.status_code, self._body(response)
        return 404, b""  # RFC 9309: too many redirects counts as "unavailable", i.e. no rules

    def _send(self, url: str, headers: dict[str, str], delay: float) -> requests.Response:
        self.pacer.wait(_host(url), delay)
        s = self.settings
        try:
            return self.session.get(
                url, headers=headers, timeout=(s.connect_timeout, s.read_timeout), stream=True, allow_redirects=False
            )
        except requests.RequestException as exc:
            raise FetchError(self._network_reason(exc)) from None
        except ValueError:  # requests parses a redirect's Location even when not following it ("http://[")
            raise FetchError("máy chủ chuyển hướng đến một địa chỉ không hợp lệ") from None

    def _network_reason(self, exc: requests.RequestException) -> str:
        s = self.settings
        cause = exc.args[0] if exc.args else None
        inner = cause.reason if isinstance(cause, MaxRetryError) else cause
        tries = f" (đã thử {s.retries + 1} lần)" if isinstance(cause, MaxRetryError) else ""
        if isinstance(exc, requests.ConnectTimeout):
            return f"hết {s.connect_timeout:g} giây mà không kết nối được máy chủ{tries}"
        if isinstance(exc, requests.ReadTimeout) or isinstance(inner, ReadTimeoutError):
            return f"máy chủ không trả lời trong {s.read_timeout:g} giây{tries}"
        if isinstance(inner, NameResolutionError):
            return "không tìm thấy tên máy chủ (DNS)"
        if isinstance(inner, NewConnectionError):
            return f"không kết nối được máy chủ{tries}"
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return "dữ liệu nén (gzip/deflate) của trang bị hỏng"
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return "máy chủ ngắt kết nối giữa chừng"
        if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema)):
            return "địa chỉ không hợp lệ"
        return f"lỗi mạng: {type(inner or exc).__name__}{tries}"

    def _result(self, url: str, final_url: str, response: requests.Response, conditional: bool) -> Fetched:
        status = response.status_code
        if status == 304 and conditional:
            response.close()
            return Fetched(url, final_url, 304, etag=response.headers.get("ETag"),
                           last_modified=response.headers.get("Last-Modified"))
        if not 200 <= status < 300:
            response.close()
            retried = len(response.raw.retries.history) if response.raw.retries else 0
            after = f" sau {retried + 1} lần thử" if retried else ""
            raise FetchError(f"máy chủ trả lỗi HTTP {status}{after}")
        return Fetched(
            url,
            final_url,
            status,
            body=self._body(response),
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def _body(self, response: requests.Response) -> bytes:
        """The decoded body, within the size limit and the deadline, or `FetchError`."""
        s = self.settings
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > s.max_bytes:
            response.close()
            raise FetchError(f"trang quá lớn: {size_text(int(declared))}, giới hạn {size_text(s.max_bytes)}")
        deadline = time.monotonic() + s.total_timeout
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > s.max_bytes:  # also stops a small gzip body that inflates without end
                    raise FetchError(f"trang quá lớn: hơn {size_text(s.max_bytes)}")
                if time.monotonic() > deadline:
                    raise FetchError(f"tải trang quá {s.total_timeout:g} giây")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchError(self._network_reason(exc)) from None
        finally:
            response.close()
        return b"".join(chunks)
