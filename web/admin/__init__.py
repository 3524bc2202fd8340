"""The staff's admin area (/admin): sign-in, index status, background jobs, audit log,
what citizens search for, synonyms.

`register` wires what the area needs into the app: the accounts, the key that
signs the session cookie, CSRF protection (Flask-WTF) on every POST form, the
rate limits on signing in, and the blueprint.

May import plumbing/, pages/ and listening/ of web/ (pages/ for the shared
preferences and return paths).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from flask import Flask, current_app, jsonify, render_template, request
from flask.wrappers import Response
from flask_wtf.csrf import CSRFError, CSRFProtect

from index.build import INDEXING_NICE
from web.pages import preferences
from web.admin import auth, searches, synonyms, views  # noqa: F401 (searches, synonyms: their routes join views.blueprint)
from web.admin.accounts import MAX_NAME, Accounts
from web.admin.audit import AuditLog
from web.admin.jobs import Jobs
from web.admin.sessions import SessionStore
from web.plumbing.errors import is_api
from web.plumbing.limits import limit_endpoints
from web.plumbing.secret import instance_secret

log = logging.getLogger("bantin.admin")

DEFAULTS = {
    "ADMIN_USERS": {},  # {"name": "<hash from `bantin admin hash-password`>"}
    "ADMIN_PASSWORD_HASH": None,  # one account named "admin"
    "SOURCES": [],  # what the dashboard's update and rebuild read: paths (or URLs)
    # Sign-in attempts that fail, counted per client address and per account name.
    "ADMIN_LOGIN_LIMIT": "5 per minute;30 per hour",
    "ADMIN_LOGIN_USER_LIMIT": "10 per hour",
    "ADMIN_JOB_NICE": INDEXING_NICE,
    "ADMIN_JOB_WORKERS": None,  # index.build's --jobs; None: one per core
    # Only the admin area has a session. Secure unless turned off for plain-HTTP trials.
    "SESSION_COOKIE_NAME": "bantin_admin",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_PATH": "/admin",
    # A session ends 8 hours after sign-in however busy (the cookie too), and after
    # 30 minutes without a request (ASVS 4.0 V3.3.2); sign-out ends it on the server.
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "ADMIN_SESSION_IDLE": 30 * 60,
    # The cookie is written when it changes, never again just because a page was seen.
    "SESSION_REFRESH_EACH_REQUEST": False,
    # A form's token lives as long as its session (itself at most 8 hours).
    "WTF_CSRF_TIME_LIMIT": None,
}


def _failed_sign_in(response: Response) -> bool:
    return response.status_code == 401


def _typed_user() -> str:
    return auth.user_key(request.form.get("username", "").strip()[:MAX_NAME])


def _csrf_failed(error: CSRFError):
    current_app.extensions["bantin.audit"].refusal(
        "?", "form-refused", f"mã chống giả mạo biểu mẫu (CSRF) sai hoặc thiếu: {error.description}", request.remote_addr
    )
    text = "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi gửi lại."
    if (
        current_app.config["SESSION_COOKIE_SECURE"]
        and not request.is_secure
        and "session token" in (error.description or "")
    ):
        text += (
            " Trình duyệt không gửi lại cookie phiên vì cookie này chỉ đi qua HTTPS;"
            " khi chạy thử qua HTTP, đặt SESSION_COOKIE_SECURE = False."
        )
    if is_api():
        return jsonify(error=text), 400
    return render_template("error.html", code=400, title="Biểu mẫu không hợp lệ", text=text), 400


def register(app: Flask) -> None:
    accounts = Accounts.from_config(app.config)
    for name in accounts.unusable():
        log.warning(
            "tài khoản quản trị %r: giá trị cấu hình không phải mã băm mật khẩu (dùng `bantin admin hash-password`)",
            name,
        )
    if not app.config.get("SECRET_KEY"):
        # With no account nobody can sign in: a key for this process only is enough,
        # and nothing is written to the instance folder.
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path)) if accounts else secrets.token_hex(32)
    folder = Path(app.instance_path) / "admin"
    audit = AuditLog(folder / "audit.jsonl")
    app.extensions["bantin.accounts"] = accounts
    app.extensions["bantin.audit"] = audit
    app.extensions["bantin.sessions"] = SessionStore(
        folder / "sessions.sqlite3",
        lifetime_s=app.permanent_session_lifetime.total_seconds(),
        idle_s=float(app.config["ADMIN_SESSION_IDLE"]),
    )
    app.session_interface = auth.AdminSessionInterface()
    app.extensions["bantin.jobs"] = Jobs(
        folder,
        app.config["INDEX_DIR"],
        audit,
        nice=int(app.config["ADMIN_JOB_NICE"]),
        workers=app.config["ADMIN_JOB_WORKERS"],
    )
    csrf = CSRFProtect(app)
    # The display buttons are on every public page: a token there would give every
    # reader a session cookie. A forged press changes only a text size or a theme.
    csrf.exempt(preferences.blueprint)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_blueprint(views.blueprint)
    limit_endpoints(
        app, ["admin.login"], app.config["ADMIN_LOGIN_LIMIT"], "sign-in", methods=["POST"], deduct_when=_failed_sign_in
    )
    limit_endpoints(
        app,
        ["admin.login"],
        app.config["ADMIN_LOGIN_USER_LIMIT"],
        "sign-in-user",
        key_func=_typed_user,
        methods=["POST"],
        deduct_when=_failed_sign_in,
    )
