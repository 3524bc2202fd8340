"""Who did what in the admin area: an append-only JSON Lines file in the instance folder.

One line per event (sign-in, sign-out, a job started, a job's result), written
with a single append so lines from several processes never interleave. Nothing
secret goes in: no password, no cookie, and a source URL loses any user:password.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TAIL_BYTES = 256 * 1024


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
    def __init__(self, path: Path) -> None:
        self.path = path

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
