"""A local government portal for crawl tests: articles, a feed, sitemaps, and pages that misbehave.

Every page is written here. The server records each request (path and
headers) so tests assert what a crawler sent and how often, never how long it
took. Run it alone to try `bantin index update` by hand (see docs/staff.md):

    python -m tests.portal_server --port 8765

Paths:
    /robots.txt                    forbids /noi-bo/
    /rss.xml                       RSS 2.0: three articles (one link relative)
    /atom.xml                      Atom: the same three articles
    /sitemap.xml                   sitemap index -> /sitemap-tin-tuc.xml, /sitemap-cu.xml.gz
    /sitemap-tin-tuc.xml           every page below, the misbehaving ones included
    /sitemap-cu.xml.gz             gzipped sitemap: one older article
    /tin-tuc/<slug>.html           good articles; ETag, Last-Modified or both; 304 when unchanged
    /tin-tuc/loi-tam-thoi.html     HTTP 500 on the first request, then the article
    /tin-tuc/qua-tai.html          HTTP 429 "Retry-After: 1" until a request comes a second later
    /tin-tuc/cham.html             answers after `slow_seconds` (past a short read timeout)
    /chuyen/1 -> /chuyen/2 -> /chuyen/3 -> /tin-tuc/bai-da-chuyen.html (301, 302, 307)
    /vong/a -> /vong/b -> /vong/a  a redirect loop
    /chuyen/hong                   a redirect to "http://[", which is no URL
    /qua-lon.html                  a page bigger than a small max size, with Content-Length
    /qua-lon-chunked.html          the same without Content-Length (chunked)
    /loi/trang-hong.html           HTTP 200, but no article in it
    /noi-bo/bi-mat.html            forbidden by robots.txt (a request for it is a test failure)
    /hon-loan                      whatever `chaos` holds: (status, headers, body), for property tests
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

ROBOTS = "User-agent: *\nDisallow: /noi-bo/\nAllow: /\n"


def article_html(slug: str, title: str, lead: str, body: list[str], date: str, section: str = "Thời sự") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{title} - Cổng thông tin điện tử tỉnh</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T08:00:00+07:00">
<meta property="article:section" content="{section}">
</head><body>
<nav><a href="/">Trang chủ</a> <a href="/tin-tuc/">Tin tức</a></nav>
<main><article>
<h1>{title}</h1>
<p class="sapo">{lead}</p>
{paragraphs}
</article></main>
<footer>Cổng thông tin điện tử tỉnh</footer>
</body></html>"""


ARTICLES = {
    "khai-mac-ky-hop": (
        "Khai mạc kỳ họp thứ mười hai Hội đồng nhân dân tỉnh",
        "Sáng nay, Hội đồng nhân dân tỉnh khai mạc kỳ họp thường lệ cuối năm.",
        ["Kỳ họp xem xét báo cáo kinh tế - xã hội và dự toán ngân sách năm tới.",
         "Các đại biểu thảo luận về đầu tư công và cải cách thủ tục hành chính."],
        "2025-07-15",
    ),
    "tuyen-sinh-lop-10": (
        "Công bố chỉ tiêu tuyển sinh lớp 10 năm học mới",
        "Sở Giáo dục và Đào tạo công bố chỉ tiêu tuyển sinh lớp 10 công lập.",
        ["Năm nay toàn tỉnh tuyển hơn mười hai nghìn học sinh vào lớp 10.",
         "Thí sinh đăng ký nguyện vọng trực tuyến trên cổng dịch vụ công."],
        "2025-03-14",
    ),
    "phong-chong-han-man": (
        "Nông dân chủ động phòng chống hạn mặn cho lúa đông xuân",
        "Các huyện ven biển tích nước ngọt, điều chỉnh lịch xuống giống.",
        ["Ngành nông nghiệp khuyến cáo theo dõi độ mặn trước khi lấy nước vào ruộng.",
         "Hệ thống cống ngăn mặn được vận hành theo con nước."],
        "2025-02-27",
    ),
    "loi-tam-thoi": (
        "Hướng dẫn nộp hồ sơ đất đai qua dịch vụ công trực tuyến",
        "Người dân có thể nộp hồ sơ đất đai mà không cần đến trụ sở.",
        ["Hồ sơ được tiếp nhận và trả kết quả qua cổng dịch vụ công của tỉnh."],
        "2025-05-20",
    ),
    "qua-tai": (
        "Lễ hội cầu ngư thu hút hàng nghìn du khách",
        "Lễ hội văn hóa truyền thống của ngư dân ven biển diễn ra trong ba ngày.",
        ["Nhiều hoạt động văn hóa, thể thao được tổ chức bên bờ biển."],
        "2025-04-18",
    ),
    "cham": (
        "Bài trên máy chủ chậm",
        "Trang này trả lời quá lâu.",
        ["Không bao giờ tới kịp."],
        "2025-01-01",
    ),
    "bai-da-chuyen": (
        "Khánh thành nhà máy nước sạch phục vụ ba xã",
        "Nhà máy cung cấp nước sạch cho hơn năm nghìn hộ dân.",
        ["Công suất nhà máy đạt mười nghìn mét khối mỗi ngày."],
        "2025-08-25",
    ),
    "thong-xe-cau": (
        "Thông xe cầu Hòa Phong trước Tết",
        "Cây cầu nối đôi bờ sông, rút ngắn đường đi của người dân hai huyện.",
        ["Công trình hoàn thành sớm hai tháng so với kế hoạch."],
        "2024-01-10",
    ),
}
FEED_SLUGS = ["khai-mac-ky-hop", "tuyen-sinh-lop-10", "phong-chong-han-man"]
# How each good article tells a crawler it has not changed.
VALIDATORS = {"khai-mac-ky-hop": "etag", "tuyen-sinh-lop-10": "last-modified", "phong-chong-han-man": "both"}
MISBEHAVING = [
    "/tin-tuc/loi-tam-thoi.html",
    "/tin-tuc/qua-tai.html",
    "/tin-tuc/cham.html",
    "/chuyen/1",
    "/vong/a",
    "/chuyen/hong",
    "/qua-lon.html",
    "/qua-lon-chunked.html",
    "/loi/trang-hong.html",
    "/noi-bo/bi-mat.html",
    "/khong-co.html",
]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class PortalServer:
    """`with PortalServer() as portal:`; `portal.url("/rss.xml")`, `portal.requests_for(path)`."""

    def __init__(self, port: int = 0, slow_seconds: float = 3.0, huge_bytes: int = 300_000) -> None:
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes  # the default is over the 200 KB limit crawl tests set
        self.pages: dict[str, str] = {
            f"/tin-tuc/{slug}.html": article_html(slug, *ARTICLES[slug]) for slug in ARTICLES
        }
        self.modified: dict[str, float] = {path: 1_750_000_000.0 for path in self.pages}
        self.seen: list[Seen] = []
        self.chaos: tuple[int, dict[str, str], bytes] = (200, {}, b"")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda request, address: None  # a crawler hanging up on a slow page is expected
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "PortalServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_for(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]

    def change(self, slug: str, title: str) -> None:
        """Publish a new version of an article: new ETag, new Last-Modified."""
        path = f"/tin-tuc/{slug}.html"
        self.pages[path] = article_html(slug, title, *ARTICLES[slug][1:])
        self.modified[path] += 3600

    # -- responses --------------------------------------------------------------

    def _routes(self) -> dict[str, Callable[[BaseHTTPRequestHandler, int], None]]:
        return {
            "/robots.txt": lambda h, n: self._send(h, 200, ROBOTS, "text/plain; charset=utf-8"),
            "/rss.xml": lambda h, n: self._send(h, 200, self._rss(), "application/rss+xml; charset=utf-8"),
            "/atom.xml": lambda h, n: self._send(h, 200, self._atom(), "application/atom+xml"),
            "/sitemap.xml": lambda h, n: self._send(h, 200, self._sitemap_index(), "application/xml"),
            "/sitemap-tin-tuc.xml": lambda h, n: self._send(h, 200, self._sitemap(self._all_pages()), "text/xml"),
            "/sitemap-cu.xml.gz": lambda h, n: self._send(
                h, 200, gzip.compress(self._sitemap(["/tin-tuc/thong-xe-cau.html"]).encode()), "application/x-gzip"
            ),
            "/tin-tuc/loi-tam-thoi.html": self._fails_once,
            "/tin-tuc/qua-tai.html": self._rate_limited,
            "/tin-tuc/cham.html": self._slow,
            "/chuyen/1": lambda h, n: self._redirect(h, 301, "/chuyen/2"),
            "/chuyen/2": lambda h, n: self._redirect(h, 302, self.url("/chuyen/3")),
            "/chuyen/3": lambda h, n: self._redirect(h, 307, "/tin-tuc/bai-da-chuyen.html"),
            "/chuyen/hong": lambda h, n: self._redirect(h, 302, "http://["),
            "/vong/a": lambda h, n: self._redirect(h, 302, "/vong/b"),
            "/vong/b": lambda h, n: self._redirect(h, 302, "/vong/a"),
            "/qua-lon.html": lambda h, n: self._send(h, 200, self._huge(), "text/html; charset=utf-8"),
            "/qua-lon-chunked.html": self._huge_chunked,
            "/loi/trang-hong.html": lambda h, n: self._send(h, 200, "<html><body><div></div></body></html>", "text/html"),
            "/hon-loan": lambda h, n: self._send(h, self.chaos[0], self.chaos[2], "", self.chaos[1]),
            "/noi-bo/bi-mat.html": lambda h, n: self._send(h, 200, article_html("x", "Bí mật", "x", ["x"], "2025-01-01"), "text/html"),
        }

    def _all_pages(self) -> list[str]:
        return [f"/tin-tuc/{slug}.html" for slug in FEED_SLUGS] + MISBEHAVING

    def _rss(self) -> str:
        items = []
        for i, slug in enumerate(FEED_SLUGS):
            link = f"/tin-tuc/{slug}.html" if i == 0 else self.url(f"/tin-tuc/{slug}.html")  # one relative link
            items.append(f"<item><title>{ARTICLES[slug][0]}</title><link>{link}</link></item>")
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin tức</title>'
            f"<link>{self.base}/</link>{''.join(items)}</channel></rss>"
        )

    def _atom(self) -> str:
        entries = "".join(
            f'<entry><title>{ARTICLES[s][0]}</title><link href="{self.url(f"/tin-tuc/{s}.html")}"/>'
            f"<id>{s}</id><updated>2025-07-15T08:00:00Z</updated></entry>"
            for s in FEED_SLUGS
        )
        return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin</title>{entries}</feed>'

    def _sitemap_index(self) -> str:
        maps = "".join(f"<sitemap><loc>{self.url(p)}</loc></sitemap>" for p in ("/sitemap-tin-tuc.xml", "/sitemap-cu.xml.gz"))
        return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'

    def _sitemap(self, paths: list[str]) -> str:
        urls = "".join(f"<url><loc>{self.url(p)}</loc></url>" for p in paths)
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def _huge(self) -> str:
        filler = "<p>Nội dung rất dài của một trang quá lớn.</p>\n" * (self.huge_bytes // 55)
        return f"<html><body><article><h1>Trang quá lớn</h1>{filler}</article></body></html>"

    def _article(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        html = self.pages[path]
        slug = path.rsplit("/", 1)[1].removesuffix(".html")
        kind = VALIDATORS.get(slug, "none")
        etag = '"' + hashlib.sha1(html.encode()).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(self.modified[path], usegmt=True)
        headers = {}
        if kind in ("etag", "both"):
            headers["ETag"] = etag
        if kind in ("last-modified", "both"):
            headers["Last-Modified"] = modified
        if_none_match = handler.headers.get("If-None-Match")
        since = handler.headers.get("If-Modified-Since")
        if "ETag" in headers and if_none_match is not None:
            unchanged = if_none_match == etag  # If-None-Match wins over If-Modified-Since (RFC 9110)
        elif "Last-Modified" in headers and since is not None:
            parsed = email.utils.parsedate_to_datetime(since).timestamp()
            unchanged = self.modified[path] <= parsed
        else:
            unchanged = False
        if unchanged:
            self._send(handler, 304, "", "", headers)
        else:
            self._send(handler, 200, html, "text/html; charset=utf-8", headers)

    def _fails_once(self, handler: BaseHTTPRequestHandler, count: int) -> None:
        if count == 1:
            self._send(handler, 500, "<h1>Lỗi máy chủ</h1>", "text/html")
        else:
            self._article(handler, handler.path)

    def _rate_limited(self, handler: BaseHTTPRequestHandler, count: int) -> None:
        earlier = self.requests_for(handler.path)
        # Strict like a real limiter: a retry sooner than Retry-After is refused again.
        if count == 1 or earlier[-1].at - earlier[-2].at < 0.9:
            self._send(handler, 429, "Quá nhiều yêu cầu", "text/plain", {"Retry-After": "1"})
        else:
            self._article(handler, handler.path)

    def _slow(self, handler: BaseHTTPRequestHandler, count: int) -> None:
        if not self._stop.wait(self.slow_seconds):
            self._article(handler, handler.path)

    def _huge_chunked(self, handler: BaseHTTPRequestHandler, count: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        data = self._huge().encode()
        try:
            for start in range(0, len(data), 16384):
                piece = data[start : start + 16384]
                handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:  # the crawler hung up once it had enough: that is the point
            pass

    @staticmethod
    def _redirect(handler: BaseHTTPRequestHandler, status: int, location: str) -> None:
        PortalServer._send(handler, status, "", "text/html", {"Location": location})

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: str | bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if status != 304:
            try:
                handler.wfile.write(data)
            except OSError:
                pass

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with server._lock:
                    server.seen.append(Seen(self.path, dict(self.headers)))
                    count = sum(s.path == self.path for s in server.seen)
                route = server._routes().get(self.path)
                if route is not None:
                    route(self, count)
                elif self.path in server.pages:
                    server._article(self, self.path)
                else:
                    server._send(self, 404, "Không tìm thấy", "text/plain; charset=utf-8")

            def log_message(self, format: str, *args) -> None:  # quiet in tests
                pass

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Bantin's crawl-test portal on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--slow-seconds", type=float, default=30.0, help="how long /tin-tuc/cham.html takes")
    parser.add_argument("--huge-bytes", type=int, default=11_000_000, help="size of /qua-lon*.html")
    args = parser.parse_args()
    with PortalServer(args.port, args.slow_seconds, args.huge_bytes) as portal:
        print(f"Cổng thử nghiệm: {portal.base}/  (Ctrl+C để dừng)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
