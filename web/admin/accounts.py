"""Staff accounts: names and password hashes from configuration, never passwords.

Hashes are werkzeug.security's (scrypt by default: memory-hard, in the standard
library through OpenSSL, and already a dependency of Flask), made with
`bantin admin hash-password`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

SINGLE_USER = "admin"
# What werkzeug.security can check; anything else in the configuration is a mistake
# (most likely a password pasted where its hash belongs).
HASH_METHODS = ("scrypt:", "pbkdf2:")
MAX_NAME = 64
MAX_PASSWORD = 1024


class AccountsMisconfigured(Exception):
    """ADMIN_USERS is not a mapping of names to password hashes."""


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """A hash of nothing anyone knows: an unknown name costs the same check as a known one."""
    return generate_password_hash(secrets.token_urlsafe(16))


def looks_like_hash(value: str) -> bool:
    return value.startswith(HASH_METHODS) and value.count("$") == 2


@dataclass(frozen=True)
class Accounts:
    hashes: Mapping[str, str]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Accounts":
        """ADMIN_USERS ({"name": "<hash>"}, or its JSON text), plus ADMIN_PASSWORD_HASH for "admin"."""
        users = config.get("ADMIN_USERS") or {}
        if isinstance(users, str):
            try:
                users = json.loads(users)
            except ValueError:
                raise AccountsMisconfigured('ADMIN_USERS phải là JSON dạng {"tên": "mã băm"}') from None
        if not isinstance(users, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in users.items()
        ):
            raise AccountsMisconfigured('ADMIN_USERS phải là {"tên": "mã băm"}, cả hai đều là chuỗi')
        hashes = dict(users)
        single = config.get("ADMIN_PASSWORD_HASH")
        if single:
            hashes.setdefault(SINGLE_USER, str(single))
        return cls(hashes)

    def __bool__(self) -> bool:
        return bool(self.hashes)

    def unusable(self) -> list[str]:
        """Names whose configured value is not a password hash (their sign-in always fails)."""
        return sorted(name for name, value in self.hashes.items() if not looks_like_hash(value))

    def verify(self, name: str, password: str) -> bool:
        stored = self.hashes.get(name)
        if stored is None or not looks_like_hash(stored) or len(password) > MAX_PASSWORD:
            check_password_hash(_decoy_hash(), password[:MAX_PASSWORD])
            return False
        return check_password_hash(stored, password)
