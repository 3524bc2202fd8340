"""The staff's own names file (instance/synonyms.txt): read again when it changes.

Staff add local names the shipped dictionary cannot know (`Sở TN&MT = Sở Tài
nguyên và Môi trường`, a district's old and new name). A search looks at the
file's stamp at most once every CHECK_INTERVAL_S seconds (one stat), and reads
the file again only when the stamp changed, so an edit takes effect within
seconds, with no rebuild. A line that is malformed is refused, with the file,
the line and the reason, in the log and in `bantin index stats`, and the other
lines still apply; a file that cannot be read at all keeps the last good set
serving: a typo or a half-copied file must not take every staff name out of search.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from search.names.dictionary import Name, read_names
from search.paths import data_dir

SYNONYMS_FILE = "synonyms.txt"
MAX_FILE_BYTES = 512 * 1024
CHECK_INTERVAL_S = 2.0
log = logging.getLogger(__name__)


def default_path() -> Path:
    return data_dir() / SYNONYMS_FILE


class StaffSynonyms:
    """The names of the staff file in use, and what is wrong with the file (if anything)."""

    def __init__(
        self, path: Path | None, interval_s: float = CHECK_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.path = path
        self.interval_s = interval_s
        self.clock = clock
        self._lock = threading.Lock()
        self._checked = -float("inf")
        self._stamp: tuple[int, int, int] | None = None
        self._names: tuple[Name, ...] = ()
        self.version = 0  # grows each time the set in use changes
        self.errors: list[str] = []  # the refused lines, or why the file could not be read

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path) if self.path else None
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size) if st else None

    def names(self) -> tuple[Name, ...]:
        """The names in use: the file's sound lines as they are now, or as they last were
        when the file could be read."""
        with self._lock:
            now = self.clock()
            if now - self._checked < self.interval_s:
                return self._names
            self._checked = now
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return self._names
            self._stamp = stamp
            if stamp is None:  # no file: no staff names, and nothing wrong
                self.errors = []
            names = self._read() if stamp is not None else ()
            if names is not None and names != self._names:
                self._names = names
                self.version += 1
            return self._names

    def _read(self) -> tuple[Name, ...] | None:
        """The file's sound lines, logging each refused one; None if it cannot be read."""
        try:
            if os.path.getsize(self.path) > MAX_FILE_BYTES:
                raise ValueError(f"tệp quá lớn (tối đa {MAX_FILE_BYTES // 1024} KB)")
            content = Path(self.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.errors = [f"{self.path}: không đọc được tệp ({exc}); vẫn dùng bản tốt gần nhất"]
            log.error("%s", self.errors[0])
            return None
        names, self.errors = read_names(content, str(self.path))
        for error in self.errors:
            log.error("bỏ qua một dòng của tệp đồng nghĩa: %s", error)
        return tuple(names)
