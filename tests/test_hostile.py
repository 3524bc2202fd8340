"""Hostile input: every source parser, the crawl parsers and the query path, on random input.

The property everywhere: no exception other than the documented "this is not an
article" one, and what comes out can be stored and served (NFC, encodable as
UTF-8). Inputs include NUL and other control characters, lone surrogates (where
a caller can pass them: Python strings, JSON escapes), huge lines and deeply
nested markup. Example counts come from the Hypothesis profile (tests/conftest.py):
1,000 per test by default, several tests per target.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from index.build import build
from index.crawl.crawler import Crawl, NotModified
from index.crawl.fetch import Fetcher
from index.crawl.settings import CrawlSettings
from index.crawl.listings import ListingError, gunzip, kind_of, read_feed, read_sitemap
from index.crawl.robots import RobotsRules
from index.crawl.validators import ValidatorCache
from index.sources import SkippedSource, SourceError, read_sources
from index.sources.decode import decode_bytes
from index.sources.html_page import parse_html
from index.sources.jsonl import iter_jsonl
from index.sources.portal_text import parse_portal_text
from search.article import Article
from search.engine import MAX_PAGE, MAX_PER_PAGE, Filters, SearchEngine
from search.query.parse import MAX_QUERY_CHARS, parse_query
from search.storage.generations import IndexStore
from search.language.text import nfc
from tests.portal_server import PortalServer
from tests.test_crawl import FAST
from tests.test_search import write_articles
from web import create_app
from web.pages.params import search_args

# Every code point, lone surrogates and NUL included.
ANY_CHAR = st.characters(exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR)
# Characters that make parsers work: markup, quotes, separators, Vietnamese, controls.
TRICKY = st.sampled_from(
    list('<>&;"\'/=-:.,!?\\()[]{}#*%\n\r\t \x00\x0b\x1b\u00a0\u2028\ufeff\ufffd\ud800\udfff')
    + list("đĐàáảãạăâêôơưỳ\u0301\u0323")
)
TRICKY_TEXT = st.text(TRICKY | st.characters(max_codepoint=0x2FF))


@st.composite
def huge_line(draw) -> str:
    """One line of up to ~100,000 characters: a short random piece repeated."""
    piece = draw(st.text(TRICKY | st.characters(codec="utf-8"), min_size=1, max_size=8))
    return piece * (draw(st.sampled_from([1_000, 10_000, 100_000]) | st.integers(1, 100)) // len(piece) + 1)


@st.composite
def nested_html(draw) -> str:
    """Markup nested thousands deep, with or without closing tags."""
    tag = draw(st.sampled_from(["div", "p", "span", "article", "table", "li", "b", "section"]))
    depth = draw(st.sampled_from([2, 30, 255, 256, 257, 1_000, 3_000]))  # around libxml2's depth limit of 256
    inner = draw(st.text(TRICKY | st.characters(codec="utf-8"), max_size=30))
    closing = f"</{tag}>" * depth if draw(st.booleans()) else ""
    return f"<html><body>{f'<{tag}>' * depth}<h1>{inner}</h1><p>{inner}</p>{closing}</body></html>"


def assert_servable(article: Article) -> None:
    """What the index and the reader need of every article: NFC text that UTF-8 can encode."""
    for value in (article.id, article.title, article.lead, article.caption, article.author, article.category,
                  article.url, article.source, *article.body):
        assert value == nfc(value)
        value.encode("utf-8")
    assert article.title or article.body
    article.content_hash()


# --- portal text --------------------------------------------------------------------


PORTAL_LINES = st.lists(
    TRICKY_TEXT
    | st.sampled_from(["PublishingPortal - Block_BanTin_ViewData", "Tăng cỡ chữ Giảm cỡ chữ", "28/05/2021",
                       "Thứ sáu, 28/5/2021 10:35", "31/02/2021", "Tin, ảnh: Hương Lan", "Kết thúc./."]),
    max_size=15,
).map("\n".join)


def check_portal(text: str) -> None:
    try:
        article = parse_portal_text(text, article_id="x")
    except SourceError as exc:
        assert exc.reason
        return
    assert article.title
    assert_servable(article)


@given(st.one_of(ANY_TEXT, PORTAL_LINES))
@example("\ud800")  # found by this test: a lone surrogate reached the title, which UTF-8 cannot store
def test_portal_text_any_text(text: str) -> None:
    check_portal(text)


@given(st.lists(huge_line() | TRICKY_TEXT, max_size=4).map("\n".join))
def test_portal_text_huge_lines(text: str) -> None:
    check_portal(text)


# --- HTML ---------------------------------------------------------------------------


HTML_BITS = st.lists(
    st.sampled_from(["<p>", "</p>", "<h1>", "<title>", "</title>", "<figcaption>", "<nav>", "<br>", "<li>", "<!--",
                     "<![CDATA[", "&#x0;", "&#xd800;", "&nbsp;", "<script>", "<meta charset=utf-16>",
                     '<link rel="canonical" href="http://[">', '<p class="sapo">', "<?xml?>", "<svg><foreignObject>"])
    | TRICKY_TEXT,
    max_size=30,
).map("".join)


def check_html(html: str, article_id: str | None, url: str) -> None:
    try:
        article = parse_html(html, article_id=article_id, url=url)
    except SourceError as exc:
        assert exc.reason
        return
    assert_servable(article)


@given(st.one_of(ANY_TEXT, HTML_BITS), st.sampled_from([None, "x"]), st.sampled_from(["", "http://[", "https://x.gov.vn/a.html"]))
def test_html_any_text(html: str, article_id: str | None, url: str) -> None:
    check_html(html, article_id, url)


# A quarter of the profile's count: trafilatura takes up to half a second on a page nested
# a thousand deep, or with a 100,000-character paragraph.
QUARTER = settings(max_examples=max(settings().max_examples // 4, 1))


@QUARTER
@given(nested_html())
def test_html_deep_nesting(html: str) -> None:
    check_html(html, "x", "")


@QUARTER
@given(huge_line().map(lambda line: f"<html><body><h1>Tiêu đề</h1><p>{line}</p></body></html>"))
def test_html_huge_lines(html: str) -> None:
    check_html(html, "x", "")


# --- JSON Lines ---------------------------------------------------------------------


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3), max_leaves=8
)
FIELDS = ["id", "title", "body", "date", "category", "source", "url", "lead", "caption", "author"]
RECORDS = st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES | st.sampled_from(["2021-05-28", "2021-05-28T10:00:00", "\ud800"]))
LINES = st.one_of(
    RECORDS.map(lambda r: json.dumps(r)),  # ASCII escapes: "\ud800" arrives as an escape
    RECORDS.map(lambda r: json.dumps(r, ensure_ascii=False)),  # raw characters, raw lone surrogates too
    st.sampled_from([10, 999, 1_000, 1_001, 100_000]).map(lambda n: "[" * n + "]" * (n % 7)),  # past the recursion limit
    st.integers(4_300, 6_000).map(lambda n: '{"id": ' + "9" * n + "}"),  # past int's digit limit
    TRICKY_TEXT,
)


def check_jsonl(text: str) -> None:
    for item in iter_jsonl(text, path="x.jsonl"):
        if isinstance(item, Article):
            assert_servable(item)
        else:
            assert isinstance(item, SkippedSource) and item.reason


@given(st.lists(LINES, max_size=6).map("\n".join))
@example('{"id": "\\ud800"}')  # found by this test: hashing the id raised before the surrogate check ran
@example('{"id": "0", "title": "\ud800"}')  # found by this test: a raw surrogate skipped the check
def test_jsonl_hostile_records(text: str) -> None:
    check_jsonl(text)


@given(ANY_TEXT)
def test_jsonl_any_text(text: str) -> None:
    check_jsonl(text)


# --- bytes to text ------------------------------------------------------------------


BYTES = st.one_of(
    st.binary(max_size=4_000),
    st.tuples(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b""]), st.binary(max_size=2_000)).map(b"".join),
    ANY_TEXT.map(lambda t: t.encode("utf-16-le", "surrogatepass")),  # BOM-less UTF-16, lone surrogates included
    ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),  # "UTF-8" carrying encoded surrogates
    TRICKY_TEXT.map(lambda t: t.encode("cp1258", "ignore")),
)


@given(BYTES)
def test_decode_bytes(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except SourceError as exc:
        assert exc.reason
        return
    assert text == nfc(text) and text.strip()
    text.encode("utf-8")


@given(st.lists(st.tuples(st.sampled_from([".txt", ".html", ".jsonl", ".htm"]), BYTES), min_size=1, max_size=4))
def test_read_sources_on_hostile_files(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for n, (suffix, data) in enumerate(files):
            Path(folder, f"f{n}{suffix}").write_bytes(data)
        for item in read_sources([folder]):
            if isinstance(item, Article):
                assert_servable(item)
            else:
                assert isinstance(item, SkippedSource) and item.reason


# --- crawl: feeds, sitemaps, robots.txt, remembered validators -----------------------


XML_BITS = st.lists(
    st.sampled_from(['<?xml version="1.0"?>', "<rss>", "<channel>", "<item>", "<link>", "</link>", "</item>", "<feed>",
                     '<link href="', '"/>', "<entry>", "<urlset>", "<sitemapindex>", "<url>", "<loc>", "</loc>",
                     "<sitemap>", '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>', "&b;",
                     "http://x.gov.vn/a", "/tuong-doi", "javascript:alert(1)", "<![CDATA[", "]]>", "\x00"])
    | TRICKY_TEXT,
    max_size=25,
).map("".join)
XML_BYTES = st.one_of(st.binary(max_size=2_000), XML_BITS.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      XML_BITS.map(lambda t: gzip.compress(t.encode("utf-8", "surrogatepass"))))


@given(XML_BYTES)
@example(b"<:")  # found by this test: the recovered root's tag is no valid name, and etree.QName raised
def test_listing_parsers(body: bytes) -> None:
    try:
        data = gunzip(body, 100_000)
        kind = kind_of(data)
        listing = read_feed(data, "http://x.gov.vn/rss.xml", "application/rss+xml") if kind == "feed" else read_sitemap(data)
    except ListingError as exc:
        assert exc.reason
        return
    for link in listing.pages + listing.sitemaps:
        assert link.startswith(("http://", "https://"))


@given(st.one_of(st.binary(max_size=2_000), st.lists(
    st.sampled_from(["User-agent: *", "User-agent: Bantin", "Disallow: /", "Allow: /tin-tuc/", "Disallow: /*?in=$",
                     "Crawl-delay: 1e309", "Crawl-delay: -5", "Crawl-delay: nan", "Sitemap: x"]) | TRICKY_TEXT,
    max_size=12).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))),
    st.text(TRICKY, max_size=20))
@example(b"User-agent: *", "%\ud800")  # found by this test: Protego raised UnicodeEncodeError
def test_robots_rules(body: bytes, path: str) -> None:
    rules = RobotsRules.from_response(200, body, "HTTP 200", "Bantin")
    assert isinstance(rules.allowed("https://x.gov.vn/" + path), bool)
    assert 1.0 <= rules.delay(CrawlSettings(delay=1.0)) <= CrawlSettings().max_crawl_delay


@given(st.one_of(ANY_TEXT, JSON_VALUES.map(json.dumps),
                 st.dictionaries(ANY_TEXT, st.dictionaries(
                     st.sampled_from(["etag", "last_modified", "kind", "id", "hash", "pages", "sitemaps"]),
                     JSON_VALUES | st.sampled_from(["page", "listing"]))).map(json.dumps)))
def test_validator_cache_survives_any_file(content: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "crawl.json")
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
        cache = ValidatorCache(path)
        for entry in cache.entries.values():  # what a 304 would make the crawler use
            links = entry.get("pages", []) + entry.get("sitemaps", []) if entry["kind"] == "listing" else [entry["id"]]
            assert all(isinstance(link, str) for link in links)
        for url in list(cache.entries)[:3]:
            for value in cache.validators(url, "listing") + cache.validators(url, "page", {}):
                assert value is None or (value.isascii() and value.isprintable())


# --- the query path -----------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    root = tmp_path_factory.mktemp("hostile")
    store = IndexStore(root / "ix")
    build([str(write_articles(root / "a.jsonl"))], store, jobs=1)
    engine = SearchEngine(store)
    engine.warm(wait=True)
    return engine


QUERY_TEXT = st.one_of(ANY_TEXT, TRICKY_TEXT, st.lists(
    st.sampled_from(['"', "-", '-"', "quy", "chế", "che", "dân", "tham nhũng", "lớp", "10", "*", "AND", "(", "đ"]) | TRICKY_TEXT,
    max_size=12).map(" ".join), huge_line())
DATES = st.none() | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))


@given(
    QUERY_TEXT,
    st.integers(-(2**70), 2**70),
    st.integers(-(2**70), 2**70),
    st.sampled_from(["relevance", "date"]) | ANY_TEXT,
    st.builds(Filters, category=st.none() | ANY_TEXT | st.sampled_from(["Giáo dục", "Thời sự"]), date_from=DATES, date_to=DATES),
    st.booleans(),
)
@example("\ud800", 1, 10, "relevance", Filters(), False)  # found by this test: the query echoed back held it
def test_engine_search_never_raises(engine: SearchEngine, text, page, per_page, sort, filters, prefix) -> None:
    result = engine.search(text, page=page, per_page=per_page, sort=sort, filters=filters, prefix=prefix)
    assert 1 <= result.page <= MAX_PAGE and 1 <= result.per_page <= MAX_PER_PAGE
    assert len(result.results) <= result.per_page and result.total >= 0
    assert len(result.query) <= MAX_QUERY_CHARS
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")


@given(QUERY_TEXT, st.booleans())
def test_parse_query_never_raises(text: str, prefix: bool) -> None:
    parsed = parse_query(text, prefix=prefix)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    for part in parsed.plain + parsed.phrases + parsed.excluded:
        assert part.strip() == part and part


PARAM_NAMES = st.sampled_from(["q", "page", "per_page", "sort", "from", "to", "category", "prefix"]) | st.text(max_size=5)
PARAM_VALUES = st.one_of(ANY_TEXT, st.integers().map(str), st.sampled_from(["9" * 5000, "-1", "1e3", "0x10", "2024-02-30",
                                                                            "2024-01-01", "99999-01-01", "date", "1", "true"]))


@given(st.dictionaries(PARAM_NAMES, PARAM_VALUES))
def test_search_params_then_search(engine: SearchEngine, args: dict[str, str]) -> None:
    kwargs, error = search_args(args)
    if error:
        assert not kwargs and isinstance(error, str)
        return
    engine.search(**kwargs)


@pytest.fixture(scope="module")
def client(engine: SearchEngine):
    # Thousands of requests from one client: the rate limit (tested on its own) is off.
    app = create_app({"TESTING": True, "INDEX_DIR": str(engine.store.root), "RATELIMIT_ENABLED": False})
    return app.test_client()


@given(st.lists(st.tuples(PARAM_NAMES, PARAM_VALUES), max_size=6))
def test_api_search_any_query_string(client, pairs: list[tuple[str, str]]) -> None:
    query = urllib.parse.urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs])
    response = client.get(f"/api/search?{query}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    assert response.is_json


# --- crawl: any answer a server can give -------------------------------------------


@pytest.fixture(scope="module")
def portal():
    with PortalServer() as server:
        yield server


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
# Only ever somewhere on this machine: a relative path, or a malformed URL. Never another host.
LOCATIONS = st.one_of(
    HEADER_TEXT.map(lambda t: "/" + t.lstrip("/\\")),
    st.sampled_from(["http://[", "//[::1", "", " ", "ftp://x", "javascript:alert(1)", "http://127.0.0.1:1/", "/hon-loan"]),
)
HEADERS = st.fixed_dictionaries({}, optional={
    "Location": LOCATIONS,
    "Content-Type": st.sampled_from(["text/html", "text/html; charset=", "text/html; charset=cp1258",
                                     "text/html; charset=utf-16", "application/rss+xml; charset=nope", "x/y; charset=\x01"])
    | HEADER_TEXT,
    "Retry-After": st.sampled_from(["0", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999"]) | HEADER_TEXT,
    "ETag": HEADER_TEXT,
    "Last-Modified": HEADER_TEXT,
    "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "identity", "x"]),
    "Transfer-Encoding": st.sampled_from(["chunked", "x"]),
})
LOCAL_LINK = st.sampled_from(["/tin-tuc/khai-mac-ky-hop.html", "/hon-loan", "http://127.0.0.1:1/a", "", "http://["])
BODIES = st.one_of(
    st.binary(max_size=3_000),
    HTML_BITS.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(LOCAL_LINK, max_size=4).map(
        lambda links: ("<rss><channel>" + "".join(f"<item><link>{u}</link></item>" for u in links) + "</channel></rss>").encode()),
    st.lists(LOCAL_LINK, max_size=4).map(
        lambda links: ("<urlset>" + "".join(f"<url><loc>{u}</loc></url>" for u in links) + "</urlset>").encode()),
    st.binary(max_size=500).map(lambda b: b"\x1f\x8b\x08\x00" + b),  # a gzip header and then anything
)


@QUARTER
@given(st.sampled_from([200, 200, 203, 204, 206, 301, 302, 303, 304, 307, 308, 400, 403, 404, 410, 429, 500, 503, 599]),
       HEADERS, BODIES)
def test_crawler_survives_any_response(portal: PortalServer, status: int, headers: dict[str, str], body: bytes) -> None:
    portal.chaos = (status, headers, body)
    # a Retry-After of hours would be honoured up to max_retry_after: keep that short here
    fetcher = Fetcher(dataclasses.replace(FAST, retries=1, read_timeout=0.2, max_retry_after=0.1))
    try:
        items = Crawl(fetcher, ValidatorCache(Path(tempfile.gettempdir()) / "bantin-no-such-dir" / "crawl.json")).run(
            [portal.url("/hon-loan")]
        )
    finally:
        fetcher.close()
    for item in items[portal.url("/hon-loan")]:
        if isinstance(item, Article):
            assert_servable(item)
        else:
            assert isinstance(item, (SkippedSource, NotModified)) and (isinstance(item, NotModified) or item.reason)
