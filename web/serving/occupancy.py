"""Whether a service is running on a data folder, so that a restore never replaces it underneath.

`bantin serve` holds a shared lock on `<data folder>/serve.lock` for as long
as it runs (its worker processes inherit it; several services may share a
folder); a restore takes it exclusively, so it is refused while any service
runs, and a service cannot start while a restore is under way. The kernel
drops the lock with the last process holding it: a killed service leaves
nothing to clean up, unlike a pid file.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

LOCK_FILE = "serve.lock"


class Occupied(RuntimeError):
    """The folder is taken: by a service (for a restore) or by a restore (for a service)."""


@contextmanager
def _locked(data: Path, mode: int, refusal: str) -> Iterator[None]:
    data.mkdir(parents=True, exist_ok=True)
    with open(data / LOCK_FILE, "a+b") as handle:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Occupied(refusal) from None
        yield


def serving(data: Path) -> AbstractContextManager[None]:
    """Held by a running service."""
    return _locked(data, fcntl.LOCK_SH, f"{data} đang được khôi phục từ bản sao lưu: chờ xong rồi chạy lại")


def restoring(data: Path) -> AbstractContextManager[None]:
    """Held by a restore."""
    return _locked(
        data,
        fcntl.LOCK_EX,
        f"Bantin đang chạy trên {data}: dừng dịch vụ (systemctl stop bantin) rồi khôi phục; "
        "--force không bỏ qua điều này",
    )
