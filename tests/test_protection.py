"""Hostile or greedy clients: rate limits, long queries, page sizes, ids that try to be paths, logs."""

from __future__ import annotations

import http.client
import logging
import re
from urllib.parse import urlsplit

import pytest
from flask import Blueprint
from werkzeug.security import generate_password_hash

from tests.browser.site import live_server
from web.plumbing import limits

ARTICLE = "2024-03-15-tuyen-sinh-lop-10"
PASSWORD = "mật-khẩu-rất-bí-mật-42"


# --- rate limits -------------------------------------------------------------


def test_search_is_limited_per_client(make_app) -> None:
    client = make_app(SEARCH_RATE_LIMIT="3 per minute").test_client()
    assert [client.get(url).status_code for url in ("/search?q=tinh", "/api/search?q=tinh", "/search?q=y+te")] == [
        200
    ] * 3

    page = client.get("/search?q=tinh")
    assert page.status_code == 429 and page.mimetype == "text/html"
    seconds = int(page.headers["Retry-After"])
    assert 0 < seconds <= 60
    text = page.get_data(as_text=True)
    assert '<html lang="vi"' in text and "Quá nhiều yêu cầu" in text
    assert abs(int(re.search(r"Xin đợi (\d+) giây", text).group(1)) - seconds) <= 1

    api = client.get("/api/search?q=tinh")
    assert api.status_code == 429 and api.get_json()["retry_after"] > 0
    assert api.get_json()["error"].startswith("quá nhiều yêu cầu")

    other = client.get("/search?q=tinh", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200  # another client has its own budget
    assert client.get(f"/articles/{ARTICLE}").status_code == 200  # reading is not searching


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(make_app) -> None:
    spoofed = {"X-Forwarded-For": "198.51.100.1"}
    direct = make_app(SEARCH_RATE_LIMIT="1 per minute").test_client()
    assert direct.get("/api/search?q=tinh").status_code == 200
    assert direct.get("/api/search?q=tinh", headers=spoofed).status_code == 429  # a header does not make a new client

    proxied = make_app(SEARCH_RATE_LIMIT="1 per minute", TRUSTED_PROXIES=1).test_client()
    assert proxied.get("/api/search?q=tinh", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    assert proxied.get("/api/search?q=tinh", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    assert proxied.get("/api/search?q=tinh", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429


def test_limits_can_be_turned_off(make_app) -> None:
    client = make_app(SEARCH_RATE_LIMIT="1 per minute", RATELIMIT_ENABLED=False).test_client()
    assert {client.get("/api/search?q=tinh").status_code for _ in range(5)} == {200}
    unlimited = make_app(SEARCH_RATE_LIMIT="").test_client()
    assert {unlimited.get("/api/search?q=tinh").status_code for _ in range(5)} == {200}


def _fake_audio_routes() -> Blueprint:
    """Routes shaped like the audio routes, in a blueprint this module does not know about."""
    audio = Blueprint("fake_audio", __name__)
    audio.add_url_rule("/articles/<article_id>/audio.mp3", "mp3", lambda article_id: b"ID3")
    audio.add_url_rule("/articles/<article_id>/audio.json", "timings", lambda article_id: {"sentences": []})
    audio.add_url_rule("/podcast.xml", "podcast", lambda: "<rss/>")
    return audio


def test_audio_routes_are_limited_wherever_they_are_written(make_app) -> None:
    app = make_app(AUDIO_RATE_LIMIT="3 per minute")
    app.register_blueprint(_fake_audio_routes())
    limits.protect(app)
    limits.protect(app)  # idempotent: a second call adds no second limit
    assert app.extensions["bantin.limited"]["fake_audio.mp3"] == ["audio"]
    client = app.test_client()
    urls = [f"/articles/{ARTICLE}/audio.mp3", f"/articles/{ARTICLE}/audio.json", "/podcast.xml"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    refused = client.get(f"/articles/{ARTICLE}/audio.mp3", headers={"Range": "bytes=0-99"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert client.get(f"/articles/{ARTICLE}/audio.json").get_json()["error"].startswith("quá nhiều yêu cầu")
    assert client.get("/search?q=tinh").status_code == 200  # a budget of its own


def test_every_audio_route_of_the_real_site_is_limited(make_app) -> None:
    """Once the audio routes are in the factory, each one must carry the audio limit."""
    app = make_app()
    for endpoint in limits.audio_endpoints(app):
        assert "audio" in app.extensions["bantin.limited"].get(endpoint, []), endpoint


# --- query length and page size ---------------------------------------------------


def test_a_ten_thousand_character_query_is_a_page(make_app) -> None:
    client = make_app().test_client()
    query = ("tuyển sinh lớp 10 " * 600)[:10_000]
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Từ cần tìm dài quá 500 ký tự nên chỉ 500 ký tự đầu được dùng." in text
    echoed = re.search(r'<input id="q" name="q" type="search" maxlength="500" value="([^"]*)"', text).group(1)
    assert 0 < len(echoed) <= 500
    assert len(text) < 120_000  # the query is not repeated into every result link
    api = client.get("/api/search", query_string={"q": query})
    assert api.status_code == 200 and len(api.get_json()["query"]) <= 500


@pytest.mark.parametrize(
    ("value", "expected"), [("100000", 100), ("-5", 1), ("0", 1), ("abc", 10), ("9" * 5000, 10), ("7", 7)]
)
def test_per_page_is_capped(make_app, value: str, expected: int) -> None:
    response = make_app().test_client().get(f"/api/search?q=tinh&per_page={value}")
    assert response.status_code == 200 and response.get_json()["per_page"] == expected


def test_page_number_is_capped(make_app) -> None:
    client = make_app().test_client()
    assert client.get(f"/api/search?q=tinh&page={10**40}").get_json()["page"] == 1000
    assert client.get(f"/search?q=tinh&page={10**40}").status_code == 200


# --- ids that try to be paths ------------------------------------------------------

HOSTILE_IDS = [
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..",
    ".hidden",
    "a%00b",
    "%00",
    "..%5C..%5Cwindows",
    "bai%20co%20dau%20cach",
    "b%C3%A0i",
    "a" * 5000,
]


@pytest.mark.parametrize("article_id", HOSTILE_IDS, ids=lambda s: s[:24])
def test_hostile_ids_are_not_found_and_never_looked_up(make_app, monkeypatch, article_id: str) -> None:
    app = make_app()
    engine = app.extensions["bantin.engine"]
    asked = []
    monkeypatch.setattr(engine, "article", lambda value: asked.append(value))
    client = app.test_client()
    page = client.get(f"/articles/{article_id}")
    assert page.status_code == 404 and "Không tìm thấy trang" in page.get_data(as_text=True)
    api = client.get(f"/api/articles/{article_id}")
    assert api.status_code == 404 and "error" in api.get_json()
    assert asked == []


def test_real_ids_still_open(make_app) -> None:
    client = make_app().test_client()
    assert client.get(f"/articles/{ARTICLE}").status_code == 200
    assert client.get("/api/articles/bai-co-ma-html").status_code == 200
    assert client.get("/articles/khong-co-bai-nay").status_code == 404


def test_hostile_paths_through_waitress(site_index) -> None:
    """The same through the real server, with raw paths no client library tidies up."""
    paths = [f"/articles/{i}" for i in HOSTILE_IDS] + [
        "/articles/../../../../etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/articles/" + "b" * 60_000,
    ]
    with live_server(site_index) as url:
        address = urlsplit(url)
        for path in paths:
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            connection.putrequest("GET", path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status in (400, 404, 414, 431), (path[:60], response.status)
            assert b"root:" not in body and b"[project]" not in body


# --- nothing secret in logs -------------------------------------------------------------


def test_logs_hold_no_password_query_cookie_or_key(make_app, caplog) -> None:
    app = make_app(
        ADMIN_USERS={"lan": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")},
        ADMIN_LOGIN_LIMIT="1 per minute",
    )
    client = app.test_client()
    secrets_seen: list[str] = [PASSWORD, "xuongrongbimat", "riêngtư", app.secret_key]
    with caplog.at_level(logging.DEBUG):
        login_page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        secrets_seen.append(token)
        # A password typed into the name field, twice: the second is refused by the limit.
        for _ in range(2):
            client.post("/admin/login", data={"csrf_token": token, "username": PASSWORD, "password": PASSWORD})
        signed_in = client.post(
            "/admin/login",
            data={"csrf_token": token, "username": "lan", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.9"},
        )
        assert signed_in.status_code == 303
        secrets_seen.append(client.get_cookie("bantin_admin", path="/admin").value)
        client.get("/search?q=xuongrongbimat+ri%C3%AAngt%C6%B0")
        client.get("/api/search?q=xuongrongbimat")
        client.get("/admin/")
    messages = [record.getMessage() for record in caplog.records]
    assert any("/admin/login 401" in m for m in messages) and any("/search 200" in m for m in messages)
    assert any("exceeded" in m for m in messages)  # the limiter's own line is in there too
    for secret in secrets_seen:
        assert not [m for m in messages if secret in m], secret


def test_a_hostile_path_is_one_short_log_line(make_app, caplog) -> None:
    client = make_app().test_client()
    with caplog.at_level(logging.INFO, logger="bantin.web"):
        client.get("/articles/a%0aGET%20/admin/%20200%201.0ms%2010B")
        client.get("/articles/" + "c" * 5000)
    forged, long = [record.getMessage() for record in caplog.records if record.name == "bantin.web"]
    assert "\n" not in forged and forged.startswith("GET /articles/a\\x0aGET /admin/ 200") and " 404 " in forged
    assert len(long) < 300 and "…" in long
