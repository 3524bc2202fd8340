"""The key that signs the staff's session cookie: configured, or made once and kept.

An operator may set SECRET_KEY (bantin.cfg or BANTIN_SECRET_KEY); otherwise the
first start writes a random key to the instance folder, readable by its owner
only, so sessions survive restarts and every process of one site shares it.
The key is never logged or shown.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE = "secret_key"


def instance_secret(instance: Path) -> str:
    """The key in `instance`/secret_key, created (mode 0600) if there is none yet.

    The key is written to a private temporary file and linked into place, so two
    processes starting at once agree on one key and neither reads a half-written one.
    """
    path = instance / SECRET_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    tmp = instance / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process was first: use its key
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} chứa khóa bí mật quá ngắn; hãy xóa tệp để Bantin tạo khóa mới")
    return key
