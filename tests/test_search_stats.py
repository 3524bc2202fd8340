"""Counting what citizens search for: grouping, zero results, suggestions followed, privacy, retention, failures."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import sqlite3
from pathlib import Path

import pytest

from web.plumbing.search_stats import FILE, SearchStats, StatsUnavailable, csv_text, query_key


def stats_of(app) -> SearchStats:
    stats = app.extensions["bantin.search_stats"]
    assert stats.flush()
    return stats


def today_report(app):
    today = dt.date.today()
    return stats_of(app).report(today, today)


def test_a_query_is_counted_once_per_search_and_grouped_with_its_accented_form(app, client) -> None:
    for path in ("/search?q=ngân hàng", "/search?q=Ngan   HANG", "/api/search?q=ngan hang", "/search?q=ngân hàng&page=2"):
        assert client.get(path).status_code == 200
    report = today_report(app)
    assert [(row.query, row.searches, row.empty) for row in report.top] == [("ngân hàng", 3, 0)]
    assert report.top[0].hits > 0
    assert report.searches == 3


def test_grouping_follows_the_restoration_not_the_letters() -> None:
    assert query_key("Uy Ban  Nhan Dan", "Ủy ban nhân dân") == "ủy ban nhân dân"
    # A slip corrected is a different query: counted as typed.
    assert query_key("ngan hnag", "ngân hàng") == "ngan hnag"
    # Typed with diacritics: as typed, whatever was suggested.
    assert query_key("thu tượng", "thủ tướng") == "thu tượng"
    assert query_key("x" * 5000, None) == "x" * 200


def test_nothing_found_and_suggestions_followed(app, client) -> None:
    assert client.get("/search?q=xyzzy qwerty").status_code == 200
    page = client.get("/search?q=ngan hnag").get_data(as_text=True)
    link = re.search(r'<p class="suggestion">[^<]*<a href="([^"]+)"', page)
    assert link, "the page offers a suggestion"
    assert client.get(html.unescape(link.group(1))).status_code == 200
    report = today_report(app)
    assert [(row.query, row.empty, row.searches) for row in report.empty] == [("xyzzy qwerty", 1, 1)]
    slipped = next(row for row in report.followed if row.query == "ngan hnag")
    assert (slipped.suggested, slipped.suggestion, slipped.followed) == (1, "ngân hàng", 1)
    # The suggestion's own search is counted as a search of its own.
    assert any(row.query == "ngân hàng" and row.searches == 1 for row in report.top)


def test_the_file_holds_no_address_cookie_agent_or_time(app, client, instance) -> None:
    secrets = {"203.0.113.77", "198.51.100.9", "tracking-cookie-4242", "SecretAgent/9.1", "Mozilla-Bantin-UA"}
    client.set_cookie("tracker", "tracking-cookie-4242")
    for query in ("ngân hàng", "học sinh", "xyzzy", "ngan hnag", "giao duc") * 4:
        response = client.get(
            f"/search?q={query}",
            headers={"User-Agent": "SecretAgent/9.1 Mozilla-Bantin-UA", "X-Forwarded-For": "198.51.100.9"},
            environ_base={"REMOTE_ADDR": "203.0.113.77"},
        )
        assert response.status_code == 200
    stats_of(app)
    path = instance / FILE
    stored = b"".join(p.read_bytes() for p in path.parent.glob(FILE + "*"))
    assert not [s for s in secrets if s.encode() in stored]
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(searches)")]
        rows = connection.execute("SELECT * FROM searches").fetchall()
    assert columns == ["day", "query", "searches", "empty", "hits", "suggested", "suggestion", "followed"]
    assert {row[1] for row in rows} == {"ngân hàng", "học sinh", "xyzzy", "ngan hnag", "giáo dục"}
    assert {row[0] for row in rows} == {dt.date.today().isoformat()}  # the day, nothing finer
    assert not [v for row in rows for v in row if any(s in str(v) for s in secrets)]


def test_counts_older_than_the_retention_are_purged(tmp_path) -> None:
    day = [dt.date(2026, 1, 1)]
    path = tmp_path / FILE
    old = SearchStats(path, retention_days=90, today=lambda: day[0])
    old.record("tin cũ", 3)
    assert old.flush()
    day[0] = dt.date(2026, 3, 31)  # the 90th day from 1 January: still kept
    kept = SearchStats(path, retention_days=90, today=lambda: day[0])
    kept.record("tin mới", 1)
    assert kept.flush()
    everything = (dt.date(2025, 1, 1), dt.date(2027, 1, 1))
    assert {row.query for row in kept.report(*everything).top} == {"tin cũ", "tin mới"}
    day[0] = dt.date(2026, 4, 1)
    later = SearchStats(path, retention_days=90, today=lambda: day[0])
    later.record("tin mới", 1)
    assert later.flush()
    assert {(row.query, row.searches) for row in later.report(*everything).top} == {("tin mới", 2)}


def test_a_store_that_cannot_be_written_drops_counts_not_searches(make_app, instance, caplog) -> None:
    (instance / FILE).mkdir(parents=True)  # a folder where the file should be: SQLite cannot open it
    app = make_app()
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="bantin.search_stats"):
        for query in ("ngân hàng", "xyzzy", "học sinh"):
            assert client.get(f"/search?q={query}").status_code == 200
            assert client.get(f"/api/search?q={query}").status_code == 200
        assert stats_of(app).flush()
    assert any("lượt đếm tìm kiếm" in r.getMessage() and FILE in r.getMessage() for r in caplog.records)
    with pytest.raises(StatsUnavailable, match=FILE):
        today_report(app)


def test_counting_can_be_turned_off(make_app, instance) -> None:
    app = make_app(SEARCH_STATS=False)
    assert app.test_client().get("/search?q=ngân hàng").status_code == 200
    assert app.extensions["bantin.search_stats"] is None
    assert not (instance / FILE).exists()


def test_csv_rows_cannot_become_spreadsheet_formulas() -> None:
    text = csv_text(iter([("2026-12-07", "=HYPERLINK(\"x\")", 2, 2, 0, 0, None, 0), ("2026-12-07", "ngân hàng", 1, 0, 5, 0, None, 0)]))
    assert text.startswith("\ufeffngày,truy vấn,")
    lines = text.splitlines()
    assert lines[1].startswith("2026-12-07,\"'=HYPERLINK(")
    assert lines[2] == "2026-12-07,ngân hàng,1,0,5,0,,0"


def test_reading_a_store_not_yet_written(tmp_path: Path) -> None:
    stats = SearchStats(tmp_path / FILE)
    report = stats.report(dt.date(2026, 1, 1), dt.date(2026, 1, 7))
    assert (report.searches, report.top, report.empty, report.followed) == (0, [], [], [])
