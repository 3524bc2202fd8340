"""Who is signed in: a name in Flask's signed session cookie, bound to that account's hash.

The session carries a fingerprint of the account's password hash, so changing a
password (or removing the account) signs out every session made with the old one;
Flask checks the cookie's age against PERMANENT_SESSION_LIFETIME on every request.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, session

from web.admin.accounts import Accounts


def accounts() -> Accounts:
    return current_app.extensions["bantin.accounts"]


def _fingerprint(name: str) -> str:
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{name}\0{accounts().hashes.get(name, '')}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def sign_in(name: str) -> None:
    session.clear()  # nothing from before sign-in survives it
    session.permanent = True
    session["user"] = name
    session["fp"] = _fingerprint(name)


def sign_out() -> None:
    session.clear()


def signed_in_user() -> str | None:
    name = session.get("user")
    if not isinstance(name, str) or name not in accounts().hashes:
        return None
    if not hmac.compare_digest(str(session.get("fp", "")), _fingerprint(name)):
        return None
    return name


def user_key(name: str) -> str:
    """A rate-limit key for a typed user name that never shows the name itself: a
    password typed into the name field must not reach the limiter's log."""
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else secret
    return "user-" + hmac.new(key, name.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:16]
