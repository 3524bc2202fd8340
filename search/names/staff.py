"""The staff's own names file (instance/synonyms.txt): read again when it changes.

Staff add local names the shipped dictionary cannot know (`Sở TN&MT = Sở Tài
nguyên và Môi trường`, a district's old and new name). A search looks at the
file's stamp at most once every CHECK_INTERVAL_S seconds (one stat), and reads
the file again only when the stamp changed, so an edit takes effect within
seconds, with no rebuild. A line that is malformed is refused, with the file,
the line and the reason, in the log and in `bantin index stats`, and the other
lines still apply; a file that cannot be read at all keeps the last good set
serving: a typo or a half-copied file must not take every staff name out of search.

Staff also write the file from the admin area (`save`, `add`). A write is checked
whole first and refused, file untouched, if any line would be refused; it
replaces the file atomically under a lock next to it (two staff in two worker
processes never lose each other's lines), and this process reads it again at
its next search; the other workers see the new stamp within CHECK_INTERVAL_S.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from search.durable import replace_atomically, write_failure
from search.language.text import nfc
from search.names.dictionary import Name, read_names
from search.paths import data_dir

SYNONYMS_FILE = "synonyms.txt"
MAX_FILE_BYTES = 512 * 1024
CHECK_INTERVAL_S = 2.0
LOCK_TIMEOUT_S = 10.0
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

    def content(self) -> str:
        """The file's text as it is now ("" when there is none), for staff to edit;
        OSError or UnicodeDecodeError when it cannot be read."""
        if self.path is None or not self.path.exists():
            return ""
        return self.path.read_text(encoding="utf-8-sig")

    def save(self, content: str) -> list[str]:
        """Write `content` as the whole file, or nothing: the refused lines (file, line,
        reason) or why the file could not be written, empty when saved.

        Any refused line refuses the whole save: what staff typed is what serves,
        never a part of it chosen silently; meanwhile the last good set serves on.
        """
        with _locked(self.path) as refused:
            return refused or self._write(content)

    def add(self, forms: Sequence[str]) -> list[str]:
        """Append the line `forms[0] = forms[1] = ...` to the file as it is now: why it was
        refused (the new line's own faults, as `save` words them), empty when added.

        Lines already refused in the file are kept as they are and do not refuse the
        new one: whoever adds a pair from a failed search should not have to mend
        someone else's typo first, and those lines serve no less than before.
        """
        forms = [" ".join(form.split()) for form in forms]
        if len(forms) < 2 or not all(forms):
            return [f"{self.path}: cần hai cách viết, không cách viết nào để trống"]
        if any("=" in form for form in forms) or forms[0].startswith("#"):
            return [f"{self.path}: một cách viết không được chứa dấu “=” hay bắt đầu bằng “#”"]
        with _locked(self.path) as refused:
            if refused:
                return refused
            try:
                current = self.content()
            except (OSError, UnicodeDecodeError) as exc:
                return [f"{self.path}: không đọc được tệp ({exc}); chưa thêm gì để khỏi mất nội dung cũ"]
            if current and not current.endswith("\n"):
                current += "\n"
            content = current + " = ".join(forms) + "\n"
            before = set(read_names(current, str(self.path))[1])
            return self._write(content, tolerated=before)

    def _write(self, content: str, tolerated: Collection[str] = ()) -> list[str]:
        """Check and write `content`, holding the file lock; refused unless every error is `tolerated`."""
        text = nfc(content).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if text and not text.endswith("\n"):
            text += "\n"
        data = text.encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            return [f"{self.path}: nội dung quá lớn (tối đa {MAX_FILE_BYTES // 1024} KB); chưa lưu"]
        errors = [e for e in read_names(text, str(self.path))[1] if e not in tolerated]
        if errors:
            return errors
        try:
            replace_atomically(self.path, data, keep_mode=True)
        except OSError as exc:
            return [_write_error(self.path, exc)]
        with self._lock:  # this process reads the new file at its next search
            self._checked = -float("inf")
            self._stamp = None
        return []


@contextmanager
def _locked(path: Path | None) -> Iterator[list[str]]:
    """Hold the lock next to the file for a read-modify-write; gives why it could not be taken."""
    if path is None:
        yield ["không ghi được tệp đồng nghĩa: chưa có đường dẫn tới tệp"]
        return
    lock = FileLock(path.with_name(path.name + ".lock"), timeout=LOCK_TIMEOUT_S)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        yield [f"{path}: một người khác đang ghi tệp này; hãy thử lại sau ít giây"]
        return
    except OSError as exc:
        yield [_write_error(path, exc)]
        return
    try:
        yield []
    finally:
        lock.release()


def _write_error(path: Path, exc: OSError) -> str:
    return f"không ghi được tệp {path}: {write_failure(exc)}; tìm kiếm vẫn dùng bản đang có"
