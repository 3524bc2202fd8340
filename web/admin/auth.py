"""Who is signed in: a server-side session (web/admin/sessions.py) named by the cookie.

Flask's signed cookie carries only the session id and the time of sign-in; the
server decides whether that session still stands. A cookie that does not verify
(tampered with, or older than its signature allows) and a session the server
refuses are both told apart from "never signed in", so the audit log can record them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata

from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired

from web.admin.accounts import Accounts
from web.admin.sessions import SessionStore, Verdict

TAMPERED = "cookie phiên bị sửa hoặc không hợp lệ"
EXPIRED = "cookie phiên đã hết hạn"


def accounts() -> Accounts:
    return current_app.extensions["bantin.accounts"]


def sessions() -> SessionStore:
    return current_app.extensions["bantin.sessions"]


def _fingerprint(name: str) -> str:
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{name}\0{accounts().hashes.get(name, '')}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def has_control_characters(*texts: str) -> bool:
    """A NUL or other control character has no place in a name or password; werkzeug's
    check would accept a right password with a NUL appended."""
    return any(unicodedata.category(ch) == "Cc" for text in texts for ch in text)


def sign_in(name: str) -> None:
    session.clear()  # nothing from before sign-in survives it
    session.permanent = True
    session["user"] = name
    session["sid"] = sessions().create(name, _fingerprint(name))
    session["since"] = int(dt.datetime.now(dt.timezone.utc).timestamp())


def sign_out() -> None:
    session_id = session.get("sid")
    if isinstance(session_id, str):
        sessions().end(session_id)
    session.clear()


def check_session() -> Verdict:
    """The signed-in account, or why this request's session is refused ("" when there was none)."""
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        return Verdict(None, _cookie_fault())
    verdict = sessions().check(session_id, {name: _fingerprint(name) for name in accounts().hashes})
    if verdict.refusal:
        session.clear()  # the browser drops the dead cookie
    return verdict


def signed_in_user() -> str | None:
    return check_session().user


def _cookie_fault() -> str:
    """Why a session cookie that was sent gave no session: "" if none was sent."""
    app = current_app._get_current_object()
    value = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
    if not value:
        return ""
    serializer = app.session_interface.get_signing_serializer(app)
    if serializer is None:
        return TAMPERED
    try:
        serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except SignatureExpired:
        return EXPIRED
    except BadSignature:
        return TAMPERED
    return ""  # a valid cookie without a session: a CSRF token from the sign-in page


class AdminSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, expiring when the session's absolute lifetime ends rather
    than a full lifetime after the latest change: a copied cookie does not outlive it."""

    def get_expiration_time(self, app, session) -> dt.datetime | None:
        since = session.get("since")
        if session.permanent and isinstance(since, int):
            return dt.datetime.fromtimestamp(since, dt.timezone.utc) + app.permanent_session_lifetime
        return super().get_expiration_time(app, session)


def user_key(name: str) -> str:
    """A rate-limit key for a typed user name that never shows the name itself: a
    password typed into the name field must not reach the limiter's log."""
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else secret
    return "user-" + hmac.new(key, name.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:16]
