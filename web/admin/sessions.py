"""Admin sessions the server knows: a session is valid only while its row is here.

A signed cookie alone cannot be taken back: a copy made before sign-out would
still verify. So the cookie carries a random session id, and this SQLite file in
the instance folder (shared by every worker process of `bantin serve --workers N`)
holds a hash of it with the account, a fingerprint of the account's password
hash, the time of sign-in and of the last request. Sign-out deletes the row;
a changed password no longer matches the fingerprint; a session ends 8 hours
after sign-in however busy it is (ASVS 4.0 V3.3.1 and V3.3.2) and after an idle
spell. Only the hash of the id is stored, so a copy of this file signs nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

# Touching the row on every request of a polling dashboard would write several
# times a minute; the idle clock is at most this many seconds behind.
SEEN_RESOLUTION_S = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
)
"""

# Why a session is refused, as the audit log records it.
UNKNOWN = "phiên không còn hiệu lực (đã đăng xuất hoặc bị thu hồi)"
TOO_OLD = "phiên quá thời hạn tối đa kể từ khi đăng nhập"
IDLE = "phiên hết hạn vì lâu không dùng"
PASSWORD_CHANGED = "mật khẩu đã đổi sau khi đăng nhập"


@dataclass(frozen=True)
class Verdict:
    user: str | None
    refusal: str = ""


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


class SessionStore:
    def __init__(
        self, path: Path, lifetime_s: float, idle_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path
        self.clock = clock
        self._ready = False
        self.lifetime_s = lifetime_s
        self.idle_s = idle_s

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:  # once per process: the file, its mode and its table
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch(mode=0o600)
            with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
                db.execute(SCHEMA)
            self._ready = True
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            yield db

    def create(self, user: str, fingerprint: str) -> str:
        """A new session for `user`; the id returned goes into the cookie and nowhere else."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE created < ? OR seen < ?", (now - self.lifetime_s, now - self.idle_s))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", (_hash(session_id), user, fingerprint, now, now)
            )
        return session_id

    def check(self, session_id: str, fingerprint_of: dict[str, str]) -> Verdict:
        """Who this session belongs to, or why it is refused (and then it is ended).

        `fingerprint_of` maps each account to its password hash's fingerprint now."""
        now = self.clock()
        with self._db() as db:
            row = db.execute(
                "SELECT user, fingerprint, created, seen FROM sessions WHERE id_hash = ?", (_hash(session_id),)
            ).fetchone()
            if row is None:
                return Verdict(None, UNKNOWN)
            user, fingerprint, created, seen = row
            refusal = ""
            if now - created > self.lifetime_s:
                refusal = TOO_OLD
            elif now - seen > self.idle_s:
                refusal = IDLE
            elif fingerprint_of.get(user) != fingerprint:
                refusal = PASSWORD_CHANGED
            if refusal:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))
                return Verdict(None, refusal)
            if now - seen > SEEN_RESOLUTION_S:
                db.execute("UPDATE sessions SET seen = ? WHERE id_hash = ?", (now, _hash(session_id)))
        return Verdict(user)

    def end(self, session_id: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))
