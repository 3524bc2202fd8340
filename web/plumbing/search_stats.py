"""What citizens search for, counted for the staff: the query, its hits, "did you mean", the day.

Nothing else is kept: no address, no cookie, no user agent, no time finer than
the day, so the file says what was searched, never who searched or when
exactly. A query is kept normalized (NFC, lowercase, spaces collapsed, cut at
MAX_QUERY_CHARS); one typed without diacritics is counted with its accented
form when "did you mean" read it as that form, so `uy ban nhan dan` and
`ủy ban nhân dân` are one row.

Counting never touches a search: `record` puts the event on a bounded queue and
returns; one writer thread per process (started after the fork of
`bantin serve --workers N`) sums up to FLUSH_S seconds of events and writes them in
one transaction into SQLite in the instance folder (WAL, shared by the workers).
A full queue or a store that cannot be written drops counts, said in the log at
most once a minute, and the search answers as ever. A worker stopped at once
loses at most its last second of counts. Rows older than the retention are
purged by the writer, at its start and once an hour.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from search.language.text import fold, has_diacritics, nfc
from search.results.page import SearchPage

log = logging.getLogger("bantin.search_stats")

FILE = "search-stats.sqlite3"
DEFAULTS = {"SEARCH_STATS": True, "SEARCH_STATS_RETENTION_DAYS": 90}
MAX_QUERY_CHARS = 200
QUEUE_SIZE = 10_000
FLUSH_S = 1.0
PURGE_EVERY_S = 3600.0
COMPLAIN_EVERY_S = 60.0
BUSY_TIMEOUT_S = 5.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    day TEXT NOT NULL,
    query TEXT NOT NULL,
    searches INTEGER NOT NULL DEFAULT 0,
    empty INTEGER NOT NULL DEFAULT 0,
    hits INTEGER NOT NULL DEFAULT 0,
    suggested INTEGER NOT NULL DEFAULT 0,
    suggestion TEXT,
    followed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, query)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS searches_by_query ON searches (query, day);
"""
UPSERT = """
INSERT INTO searches (day, query, searches, empty, hits, suggested, suggestion, followed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (day, query) DO UPDATE SET
    searches = searches + excluded.searches,
    empty = empty + excluded.empty,
    hits = CASE WHEN excluded.searches > 0 THEN excluded.hits ELSE hits END,
    suggested = suggested + excluded.suggested,
    suggestion = coalesce(excluded.suggestion, suggestion),
    followed = followed + excluded.followed
"""
_SPACES = re.compile(r"\s+")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def normalized(text: str) -> str:
    return _SPACES.sub(" ", _UNPRINTABLE.sub(" ", nfc(text))).strip().lower()[:MAX_QUERY_CHARS].strip()


def query_key(text: str, suggestion: str | None) -> str:
    """The row a query is counted in: its accented form when it was typed plain and
    the suggestion only put the diacritics back."""
    typed = normalized(text)
    if suggestion and not has_diacritics(typed):
        reading = normalized(suggestion)
        if fold(reading) == fold(typed):
            return reading
    return typed


class StatsUnavailable(RuntimeError):
    """The counts cannot be read; the message says where and why, in Vietnamese."""


@dataclass
class Count:
    """One query's counts on one day (a followed suggestion alone has searches == 0)."""

    searches: int = 0
    empty: int = 0
    hits: int = 0
    suggested: int = 0
    suggestion: str | None = None
    followed: int = 0

    def add(self, other: Count) -> None:
        if other.searches:
            self.hits = other.hits
        self.searches += other.searches
        self.empty += other.empty
        self.suggested += other.suggested
        self.suggestion = other.suggestion or self.suggestion
        self.followed += other.followed


@dataclass(frozen=True)
class Row:
    """A query's counts over a period, as the admin page and the CSV show them."""

    query: str
    searches: int
    empty: int
    hits: int
    suggested: int
    suggestion: str | None
    followed: int


@dataclass(frozen=True)
class Report:
    first: dt.date
    last: dt.date
    searches: int
    top: list[Row]
    empty: list[Row]
    followed: list[Row]


class SearchStats:
    def __init__(
        self, path: Path, retention_days: int = 90, today: Callable[[], dt.date] = dt.date.today
    ) -> None:
        self.path = path
        self.retention_days = retention_days
        self.today = today
        self._queue: queue.Queue[tuple[str, str, Count]] = queue.Queue(QUEUE_SIZE)
        self._owner = -1  # the process whose writer thread runs
        self._start_lock = threading.Lock()
        self._dropped = 0
        self._complained = -float("inf")

    # --- the request side: never waits, never raises ------------------------------

    def record(self, text: str, hits: int, suggestion: str | None = None) -> None:
        """Count one search (its first page): what was typed, its hits, the suggestion shown."""
        key = query_key(text, suggestion)
        if key:
            self._put(key, Count(searches=1, empty=int(hits == 0), hits=hits,
                                 suggested=int(suggestion is not None), suggestion=suggestion and normalized(suggestion)))

    def record_followed(self, original: str, suggestion: str) -> None:
        """Count a "did you mean" followed: `suggestion` was offered for `original` and clicked."""
        key = query_key(original, suggestion)
        if key:
            self._put(key, Count(followed=1))

    def _put(self, key: str, count: Count) -> None:
        if self._owner != os.getpid():
            self._start_writer()
        try:
            self._queue.put_nowait((self.today().isoformat(), key, count))
        except queue.Full:
            self._drop(1, "hàng đợi đầy")

    def _start_writer(self) -> None:
        with self._start_lock:
            if self._owner == os.getpid():
                return
            # After a fork the parent's queue may hold a lock taken by a thread that
            # no longer exists here: each process starts with its own.
            self._queue = queue.Queue(QUEUE_SIZE)
            self._owner = os.getpid()
            threading.Thread(target=self._write_forever, name="bantin-search-stats", daemon=True).start()

    def _drop(self, count: int, reason: str) -> None:
        self._dropped += count
        now = time.monotonic()
        if now - self._complained >= COMPLAIN_EVERY_S:
            self._complained = now
            log.warning("bỏ %d lượt đếm tìm kiếm (%s): tìm kiếm vẫn chạy bình thường", self._dropped, reason)
            self._dropped = 0

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until every count recorded so far is written or dropped (for tests and shutdown)."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    # --- the writer thread ---------------------------------------------------------

    def _write_forever(self) -> None:
        purged = -float("inf")
        while True:
            batch: dict[tuple[str, str], Count] = {}
            taken = self._take(batch)
            if time.monotonic() - purged >= PURGE_EVERY_S:
                purged = time.monotonic()
                self._try(self._purge, "không xoá được số liệu cũ")
            if batch:
                self._try(lambda: self._write(batch), "không ghi được", dropped=taken)
            for _ in range(taken):
                self._queue.task_done()

    def _take(self, batch: dict[tuple[str, str], Count]) -> int:
        """Sum the events of up to FLUSH_S seconds into `batch`; how many were taken."""
        taken, deadline = 0, None
        while True:
            try:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                day, key, count = self._queue.get(timeout=wait)
            except queue.Empty:
                return taken
            taken += 1
            batch.setdefault((day, key), Count()).add(count)
            deadline = deadline or time.monotonic() + FLUSH_S

    def _try(self, work: Callable[[], None], what: str, dropped: int = 0) -> None:
        try:
            work()
        except (sqlite3.Error, OSError) as exc:
            if dropped:
                self._drop(dropped, f"{what} {self.path}: {exc}")
            else:
                log.warning("thống kê tìm kiếm: %s %s: %s", what, self.path, exc)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
        return connection

    def _write(self, batch: dict[tuple[str, str], Count]) -> None:
        with closing(self._connect()) as connection, connection:
            connection.executemany(
                UPSERT,
                [(day, key, c.searches, c.empty, c.hits, c.suggested, c.suggestion, c.followed)
                 for (day, key), c in batch.items()],
            )

    def _purge(self) -> None:
        oldest = (self.today() - dt.timedelta(days=self.retention_days - 1)).isoformat()
        with closing(self._connect()) as connection, connection:
            gone = connection.execute("DELETE FROM searches WHERE day < ?", (oldest,)).rowcount
        if gone:
            log.info("thống kê tìm kiếm: xoá %d dòng trước ngày %s (giữ %d ngày)", gone, oldest, self.retention_days)

    # --- the staff's side ---------------------------------------------------------------

    def _read(self, sql: str, args: tuple) -> list[tuple]:
        if not self.path.exists():
            return []
        try:
            with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as connection:
                return connection.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise StatsUnavailable(f"không đọc được số liệu tìm kiếm ở {self.path}: {exc}") from exc
        except sqlite3.Error as exc:
            raise StatsUnavailable(f"không đọc được số liệu tìm kiếm ở {self.path}: {exc}") from exc

    def _rows(self, first: dt.date, last: dt.date, having: str, order: str, limit: int) -> list[Row]:
        sql = f"""
            SELECT query, SUM(searches), SUM(empty),
                   (SELECT hits FROM searches AS latest WHERE latest.query = s.query
                    AND latest.day BETWEEN ?1 AND ?2 AND latest.searches > 0 ORDER BY day DESC LIMIT 1),
                   SUM(suggested), MAX(suggestion), SUM(followed)
            FROM searches AS s WHERE day BETWEEN ?1 AND ?2
            GROUP BY query HAVING {having} ORDER BY {order}, query LIMIT ?3
        """
        found = self._read(sql, (first.isoformat(), last.isoformat(), limit))
        return [Row(q, s, e, h or 0, g, suggestion, f) for q, s, e, h, g, suggestion, f in found]

    def report(self, first: dt.date, last: dt.date, limit: int = 50) -> Report:
        """The period's most frequent queries, those that found nothing, and the suggestions followed."""
        total = self._read("SELECT SUM(searches) FROM searches WHERE day BETWEEN ? AND ?",
                           (first.isoformat(), last.isoformat()))
        return Report(
            first=first,
            last=last,
            searches=(total[0][0] or 0) if total else 0,
            top=self._rows(first, last, "SUM(searches) > 0", "SUM(searches) DESC", limit),
            empty=self._rows(first, last, "SUM(empty) > 0", "SUM(empty) DESC", limit),
            followed=self._rows(first, last, "SUM(suggested) > 0", "SUM(followed) DESC, SUM(suggested) DESC", limit),
        )

    def days(self, first: dt.date, last: dt.date) -> Iterator[tuple]:
        """Every row of the period, day by day, for the CSV."""
        yield from self._read(
            "SELECT day, query, searches, empty, hits, suggested, suggestion, followed FROM searches"
            " WHERE day BETWEEN ? AND ? ORDER BY day, searches DESC, query",
            (first.isoformat(), last.isoformat()),
        )


CSV_HEADER = ("ngày", "truy vấn", "số lượt tìm", "số lượt không thấy gì", "số kết quả (lần cuối)",
              "số lần gợi ý", "gợi ý", "số lần theo gợi ý")


def _cell(value: object) -> object:
    """A citizen's query must not be a formula when the file is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(rows: Iterator[tuple]) -> str:
    """The rows as CSV, with a byte-order mark so that spreadsheets read the Vietnamese as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def register(app: Flask) -> None:
    app.extensions["bantin.search_stats"] = (
        SearchStats(Path(app.instance_path) / FILE, int(app.config["SEARCH_STATS_RETENTION_DAYS"]))
        if app.config["SEARCH_STATS"]
        else None
    )


def counter() -> SearchStats | None:
    """The app's counts, None when the setting turns counting off."""
    return current_app.extensions.get("bantin.search_stats")


def count(page: SearchPage, followed_for: str | None = None) -> None:
    """Count a search the site answered: its first page only (the next pages are the same
    search), and the suggestion that led to it, when the link said so."""
    stats = counter()
    if stats is None or page.page != 1:
        return
    stats.record(page.query, page.total, page.suggestion)
    if followed_for:
        stats.record_followed(followed_for, page.query)
