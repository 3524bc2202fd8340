"""Who did what in the admin area: an append-only JSON Lines file in the instance folder.

One line per event (sign-in, sign-out, a job started, a job's result, a refusal),
written with a single append so lines from several processes never interleave.
Nothing secret goes in: no password, no cookie, and a source URL loses any
user:password.

Refusals (too many sign-ins, a bad form token, a dead session, a second job) come
from outside and may come in floods: each process writes at most
REFUSALS_PER_MINUTE of them a minute, counts the rest, and writes that count as
one line with its next refusal of a later minute: a flood costs a few lines, not
the disk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TAIL_BYTES = 256 * 1024
REFUSALS_PER_MINUTE = 20
SUPPRESSED = "refusals-suppressed"


def shown_source(source: str) -> str:
    """`source` with any credentials in a URL removed."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return source
    if parts.scheme and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return source


class AuditLog:
    def __init__(
        self, path: Path, refusals_per_minute: int = REFUSALS_PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.path = path
        self.clock = clock
        self.refusals_per_minute = refusals_per_minute
        self._lock = threading.Lock()
        self._minute = 0
        self._written = 0
        self._suppressed = 0

    def refusal(self, user: str, action: str, reason: str, client: str | None) -> None:
        """Record a refused request, within this process's budget of lines a minute."""
        minute = int(self.clock() // 60)
        with self._lock:
            if minute != self._minute:
                suppressed, self._suppressed = self._suppressed, 0
                self._minute, self._written = minute, 0
                if suppressed:
                    self.append("?", SUPPRESSED, f"{suppressed} lần từ chối khác không ghi từng dòng")
            if self._written >= self.refusals_per_minute:
                self._suppressed += 1
                return
            self._written += 1
        self.append(user, action, reason, client=client)

    def append(self, user: str, action: str, result: str = "", sources: Iterable[str] = (), **extra: Any) -> dict:
        entry = {
            "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "user": user,
            "action": action,
            "sources": [shown_source(s) for s in sources],
            "result": result,
            **extra,
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return entry

    def recent(self, count: int = 20) -> list[dict]:
        """The last `count` events, newest first; only the file's tail is read."""
        try:
            with open(self.path, "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, size - TAIL_BYTES))
                tail = handle.read()
        except FileNotFoundError:
            return []
        lines = tail.splitlines()
        if size > TAIL_BYTES and lines:
            lines = lines[1:]  # the first may be cut in the middle
        entries = []
        for raw in reversed(lines):
            try:
                entries.append(json.loads(raw))
            except ValueError:
                continue
            if len(entries) == count:
                break
        return entries
