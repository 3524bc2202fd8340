"""Crawling a portal: feeds, sitemaps and pages from a local server that misbehaves on purpose.

Assertions are about what the server saw (requests, headers) and what the
report and index hold, never about how long anything took.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.build import build, update
from index.crawl.fetch import Fetcher, FetchError, HostPacer
from index.crawl.settings import USER_AGENT, CrawlSettings
from index.crawl.robots import RobotsRules
from index.crawl.validators import CACHE_FILE
from search.engine import SearchEngine
from search.storage.generations import IndexStore
from tests.factories import write_jsonl
from tests.portal_server import FEED_SLUGS, PortalServer
from web.cli import main

# No pause between requests, short timeouts, a small size limit: the server's pages are sized for these.
FAST = CrawlSettings(
    delay=0, connect_timeout=2, read_timeout=0.5, total_timeout=10, max_bytes=200_000, retries=2, backoff=0
)


@pytest.fixture
def portal():
    with PortalServer(slow_seconds=2) as server:
        yield server


def reasons(report) -> dict[str, str]:
    return {s.path: s.reason for s in report.skipped}


def test_sitemap_index_crawl_indexes_good_pages_and_reports_each_bad_one(portal: PortalServer, tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    report = build([portal.url("/sitemap.xml")], store, jobs=1, crawl=FAST)

    engine = SearchEngine(store)
    titles = {engine.article(i).title for i in store.current().manifest()}
    assert titles == {
        "Khai mạc kỳ họp thứ mười hai Hội đồng nhân dân tỉnh",
        "Công bố chỉ tiêu tuyển sinh lớp 10 năm học mới",
        "Nông dân chủ động phòng chống hạn mặn cho lúa đông xuân",
        "Hướng dẫn nộp hồ sơ đất đai qua dịch vụ công trực tuyến",  # HTTP 500, then OK on the retry
        "Lễ hội cầu ngư thu hút hàng nghìn du khách",  # 429 with Retry-After, then OK
        "Khánh thành nhà máy nước sạch phục vụ ba xã",  # at the end of three redirects
        "Thông xe cầu Hòa Phong trước Tết",  # from the gzipped sitemap of the index
    }
    assert report.indexed == report.total == 7
    assert engine.search("tuyen sinh lop 10").results[0].url == portal.url("/tin-tuc/tuyen-sinh-lop-10.html")

    why = reasons(report)
    assert set(why) == {
        portal.url(p)
        for p in ("/tin-tuc/cham.html", "/vong/a", "/chuyen/hong", "/qua-lon.html", "/qua-lon-chunked.html",
                  "/loi/trang-hong.html", "/noi-bo/bi-mat.html", "/khong-co.html")
    }
    assert why[portal.url("/tin-tuc/cham.html")] == "máy chủ không trả lời trong 0.5 giây (đã thử 3 lần)"
    assert why[portal.url("/vong/a")].startswith("chuyển hướng vòng tròn: ")
    assert why[portal.url("/chuyen/hong")] == "máy chủ chuyển hướng đến một địa chỉ không hợp lệ"
    assert why[portal.url("/qua-lon.html")] == "trang quá lớn: 322 KB, giới hạn 200 KB"  # refused from its Content-Length
    assert why[portal.url("/qua-lon-chunked.html")] == "trang quá lớn: hơn 200 KB"
    assert why[portal.url("/loi/trang-hong.html")].startswith("không đọc được bài")
    assert why[portal.url("/noi-bo/bi-mat.html")].startswith("robots.txt của 127.0.0.1")
    assert why[portal.url("/khong-co.html")] == "máy chủ trả lỗi HTTP 404"

    # what the server saw
    assert len(portal.requests_for("/robots.txt")) == 1
    assert portal.requests_for("/noi-bo/bi-mat.html") == []
    assert len(portal.requests_for("/tin-tuc/loi-tam-thoi.html")) == 2
    assert len(portal.requests_for("/tin-tuc/qua-tai.html")) == 2  # the server refuses a retry that comes too soon
    assert len(portal.requests_for("/tin-tuc/cham.html")) == 3  # retried on the read timeout
    assert len(portal.requests_for("/vong/a")) == 1 and len(portal.requests_for("/vong/b")) == 1
    assert [len(portal.requests_for(f"/chuyen/{n}")) for n in (1, 2, 3)] == [1, 1, 1]
    assert {s.headers["User-Agent"] for s in portal.seen} == {USER_AGENT}
    assert USER_AGENT.startswith("Bantin/")


def test_rss_and_atom_feeds_give_the_same_articles(portal: PortalServer, tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    first = update([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)  # no index yet: a build
    assert (first.kind, first.indexed, first.skipped) == ("build", 3, [])
    # the feed's one relative link was resolved against the feed's URL
    assert len(portal.requests_for(f"/tin-tuc/{FEED_SLUGS[0]}.html")) == 1

    (tmp_path / "ix" / CACHE_FILE).unlink()  # forget the validators: the Atom feed's pages are fetched in full
    second = update([portal.url("/atom.xml")], store, jobs=1, crawl=FAST)
    assert (second.indexed, second.unchanged, second.generation) == (0, 3, first.generation)


def test_second_update_asks_with_validators_and_keeps_unchanged_pages(portal: PortalServer, tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    extra = write_jsonl(tmp_path / "extra.jsonl", 2)
    build([portal.url("/rss.xml"), str(extra)], store, jobs=1, crawl=FAST)
    assert store.current().open().doc_count() == 5
    cache = json.loads((tmp_path / "ix" / CACHE_FILE).read_text(encoding="utf-8"))
    assert {e["kind"] for e in cache.values()} == {"page"}  # the feed itself sent no validators

    again = update([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)
    assert (again.indexed, again.unchanged, again.generation) == (0, 3, "gen-000001")
    etag_page, date_page, both_page = (portal.requests_for(f"/tin-tuc/{s}.html")[-1].headers for s in FEED_SLUGS)
    assert etag_page["If-None-Match"].startswith('"') and "If-Modified-Since" not in etag_page
    assert date_page["If-Modified-Since"].endswith("GMT") and "If-None-Match" not in date_page
    assert "If-None-Match" in both_page and "If-Modified-Since" in both_page

    portal.change("tuyen-sinh-lop-10", "Điều chỉnh chỉ tiêu tuyển sinh lớp 10")
    changed = update([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)
    assert (changed.indexed, changed.unchanged) == (1, 2)
    assert SearchEngine(store).search("Điều chỉnh chỉ tiêu").total == 1

    # pages answered 304 are present, not missing: only the JSONL articles go
    pruned = update([portal.url("/rss.xml")], store, delete_missing=True, jobs=1, crawl=FAST)
    assert (pruned.unchanged, pruned.deleted, pruned.total) == (3, 2, 3)
    assert all(len(portal.requests_for(f"/tin-tuc/{s}.html")) == 4 for s in FEED_SLUGS)


def test_validators_are_not_sent_for_articles_the_index_does_not_hold(portal: PortalServer, tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    build([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)
    build([str(write_jsonl(tmp_path / "other.jsonl", 3))], store, jobs=1)  # a rebuild without the portal

    report = update([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)
    assert report.indexed == 3  # fetched in full, not "304 but not indexed"
    assert not any("If-None-Match" in portal.requests_for(f"/tin-tuc/{s}.html")[-1].headers for s in FEED_SLUGS)


def test_a_damaged_validator_file_means_full_fetches(portal: PortalServer, tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "ix")
    build([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)
    (tmp_path / "ix" / CACHE_FILE).write_text('{"http://x": {"etag": "\\r\\nX-Evil: 1"}, ', encoding="utf-8")

    report = update([portal.url("/rss.xml")], store, jobs=1, crawl=FAST)
    assert (report.unchanged, report.skipped) == (3, [])  # same content, found by hash
    assert json.loads((tmp_path / "ix" / CACHE_FILE).read_text(encoding="utf-8"))  # rewritten whole


def test_cli_mixes_urls_and_files_and_lists_failed_urls(portal: PortalServer, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", 2)
    result = CliRunner().invoke(
        main,
        ["index", "update", portal.url("/rss.xml"), str(src), portal.url("/khong-co.html"), portal.url("/noi-bo/bi-mat.html"),
         "--crawl-delay", "0", "--index-dir", str(tmp_path / "ix")],
    )
    assert result.exit_code == 0, result.output
    assert "Chỉ mục gen-000001: 5 bài." in result.output
    assert f"{portal.url('/khong-co.html')}: máy chủ trả lỗi HTTP 404" in result.output
    assert f"{portal.url('/noi-bo/bi-mat.html')}: robots.txt" in result.output


def test_redirects_past_the_limit_are_refused(portal: PortalServer) -> None:
    fetcher = Fetcher(dataclasses.replace(FAST, max_redirects=2))
    with pytest.raises(FetchError, match=r"chuyển hướng quá 2 lần \(đến .*/tin-tuc/bai-da-chuyen.html\)"):
        fetcher.get(portal.url("/chuyen/1"))
    assert len(portal.requests_for("/tin-tuc/bai-da-chuyen.html")) == 0
    assert Fetcher(FAST).get(portal.url("/chuyen/1")).final_url == portal.url("/tin-tuc/bai-da-chuyen.html")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_to_one_host_are_spaced_and_other_hosts_do_not_wait() -> None:
    clock = FakeClock()
    pacer = HostPacer(clock=clock, sleep=clock.sleep)
    pacer.wait("a.gov.vn", 1.0)
    pacer.wait("b.gov.vn", 1.0)
    assert clock.slept == []
    clock.now += 0.25
    pacer.wait("a.gov.vn", 1.0)
    assert clock.slept == [0.75]
    clock.now += 5
    pacer.wait("a.gov.vn", 1.0)
    assert clock.slept == [0.75]


def test_robots_longest_match_wildcards_and_crawl_delay() -> None:
    body = b"User-agent: *\nDisallow: /\nAllow: /tin-tuc/\nDisallow: /*?print=\nCrawl-delay: 7\n"
    rules = RobotsRules.from_response(200, body, "HTTP 200", "Bantin")
    assert rules.allowed("https://x.gov.vn/tin-tuc/a.html")
    assert not rules.allowed("https://x.gov.vn/tin-tuc/a.html?print=1")
    assert not rules.allowed("https://x.gov.vn/admin")
    assert rules.delay(CrawlSettings(delay=1)) == 7
    assert rules.delay(CrawlSettings(delay=1, max_crawl_delay=3)) == 3


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (503, False), (None, False)])
def test_robots_unavailable_allows_and_unreachable_forbids(status: int | None, allowed: bool) -> None:
    """RFC 9309: a 4xx robots.txt means no rules; a 5xx or no answer means stay away."""
    rules = RobotsRules.from_response(status, b"", "HTTP 503", "Bantin")
    assert rules.allowed("https://x.gov.vn/tin-tuc/a.html") is allowed


def test_an_undecodable_url_argument_is_reported_and_the_report_is_stored(tmp_path: Path) -> None:
    """A terminal that cannot decode a URL's bytes hands Python lone surrogates."""
    src = write_jsonl(tmp_path / "a.jsonl", 2)
    result = CliRunner().invoke(
        main, ["index", "build", "http://127.0.0.1:9/\udcff", str(src), "--index-dir", str(tmp_path / "ix")]
    )
    assert result.exit_code == 0, result.output
    skipped = IndexStore(tmp_path / "ix").current().meta()["report"]["skipped"]
    assert skipped == [{"path": "http://127.0.0.1:9/\ufffd", "reason": "địa chỉ không hợp lệ: có ký tự không mã hóa được"}]
