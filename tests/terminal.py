"""Running `bantin` on a real pseudo-terminal, where progress bars are drawn."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import sys
import termios
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def bantin_on_terminal(*args: str, env: dict[str, str] | None = None, columns: int = 80) -> tuple[int, str]:
    """Exit code and everything `bantin ARGS` wrote to its terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        os.environ.update(env or {})
        os.chdir(REPO)
        os.execv(sys.executable, [sys.executable, "-c", "from web.cli import main; main()", *args])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")
