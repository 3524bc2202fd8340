"""Where a preference form sends the reader back to: this site only (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

HOME = "/"


def local_path(target: str | None, *, refuse_prefix: str = "/preferences") -> str:
    """`target` if it is a path on this site, else "/".

    Browsers read `//host`, `/\\host` and `\\\\host` as other sites, and drop tabs
    and newlines before parsing, so any of those (and any scheme or host) is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return HOME
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith(refuse_prefix):
        return HOME
    return target
