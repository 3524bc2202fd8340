"""The admin area's pages: sign-in, the dashboard, starting a job, the job's and the
article vectors' state as JSON.

Every route but the sign-in page refuses a visitor who is not signed in (the
blueprint's guard, so a route added later is refused too): pages redirect to
the sign-in page, JSON answers 401.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.wrappers import Response

from index import vectors_state
from index.reports import load_last_report
from search.storage.generations import IndexMissing, IndexStore
from web.admin import auth
from web.admin.accounts import MAX_NAME
from web.admin.audit import AuditLog
from web.admin.jobs import ACTIVE, KINDS, JobRunning, Jobs, result_text
from web.plumbing.errors import is_api
from web.pages.return_path import local_path

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

OPEN_ENDPOINTS = {"admin.login"}
SKIPPED_SHOWN = 200
AUDIT_SHOWN = 30
ACTIONS = {
    "sign-in": "Đăng nhập",
    "sign-in-failed": "Đăng nhập sai",
    "sign-out": "Đăng xuất",
    "job-start": "Bắt đầu",
    "job-end": "Kết thúc",
    "sign-in-refused": "Từ chối đăng nhập",
    "form-refused": "Từ chối biểu mẫu",
    "session-refused": "Từ chối phiên",
    "job-refused": "Từ chối chạy việc",
    "refusals-suppressed": "Từ chối (gộp)",
    "synonyms-save": "Lưu tệp đồng nghĩa",
    "synonym-add": "Thêm từ đồng nghĩa",
}


def jobs() -> Jobs:
    return current_app.extensions["bantin.jobs"]


def audit() -> AuditLog:
    return current_app.extensions["bantin.audit"]


def configured_sources() -> list[str]:
    sources = current_app.config.get("SOURCES") or []
    return [sources] if isinstance(sources, str) else [str(s) for s in sources]


@blueprint.before_request
def require_staff():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    claimed = session.get("user")  # before a refused session is cleared
    verdict = auth.check_session()
    g.staff = verdict.user
    if g.staff:
        return None
    if verdict.refusal:
        audit().refusal(known_name(claimed), "session-refused", verdict.refusal, request.remote_addr)
    if is_api():
        return jsonify(error="cần đăng nhập quản trị"), 401
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")), 303)


def _next_page() -> str:
    target = local_path(request.values.get("next"), refuse_prefix="/admin/login")
    return target if target.startswith("/admin") else url_for("admin.dashboard")


def known_name(name: object) -> str:
    """`name` if it is an account's; "?" otherwise (it may be a password typed in the wrong field)."""
    return name if isinstance(name, str) and name in auth.accounts().hashes else "?"


@blueprint.after_request
def record_too_many_sign_ins(response: Response) -> Response:
    if request.endpoint == "admin.login" and response.status_code == 429:
        audit().refusal("?", "sign-in-refused", "quá nhiều lần đăng nhập sai", request.remote_addr)
    return response


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    configured = bool(auth.accounts())
    if request.method == "GET":
        if configured and auth.signed_in_user():
            return redirect(_next_page())
        return render_template("admin/login.html", configured=configured, signed_out="signed_out" in request.args)
    name = request.form.get("username", "").strip()[:MAX_NAME]
    password = request.form.get("password", "")
    refused = auth.has_control_characters(name, password)
    if not refused and auth.accounts().verify(name, password):
        auth.sign_in(name)
        audit().append(name, "sign-in", "thành công", client=request.remote_addr)
        return redirect(_next_page(), 303)
    known = known_name(name)
    reason = "tên hoặc mật khẩu có ký tự điều khiển" if refused else "sai tên hoặc mật khẩu"
    audit().append(known, "sign-in-failed", reason, client=request.remote_addr)
    error = "Sai tên đăng nhập hoặc mật khẩu." if configured else "Chưa có tài khoản quản trị nào."
    page = render_template("admin/login.html", configured=configured, error=error, username=name)
    return page, 401


@blueprint.post("/logout")
def logout():
    audit().append(g.staff, "sign-out", "thành công", client=request.remote_addr)
    auth.sign_out()
    return redirect(url_for("admin.login", signed_out=1), 303)


def index_stats() -> dict[str, Any] | None:
    store = IndexStore(current_app.config["INDEX_DIR"])
    try:
        generation = store.current()
        meta = generation.meta()
        return {
            "generation": generation.name,
            "articles": meta.get("articles", 0),
            "size_bytes": generation.size_bytes(),
            "built_at": meta.get("built_at"),
        }
    except (IndexMissing, OSError, ValueError):
        return None


def _clock(iso: str | None) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S ngày %d/%m/%Y")
    except (TypeError, ValueError):
        return "không rõ"


def job_view(state: dict[str, Any] | None) -> dict[str, Any]:
    """What the page and the polling script show of a job: the same words in both."""
    if not state:
        return {
            "running": False,
            "status": "none",
            "message": "Chưa có lần cập nhật nào chạy từ trang quản trị.",
            "done": 0,
            "total": 0,
            "progress": "",
        }
    kind = KINDS.get(state.get("kind", ""), "Việc")
    running = state.get("status") in ACTIVE
    done, total = int(state.get("done") or 0), int(state.get("total") or 0)
    if running:
        started, phase = _clock(state.get("started")), state.get("phase", "")
        message = f"Đang chạy: {kind} do {state.get('user')} bắt đầu lúc {started}. Bước hiện tại: {phase}."
    elif state.get("status") == "done":
        message = f"Đã xong: {kind} lúc {_clock(state.get('finished'))}: {result_text(state).removeprefix('xong: ')}."
    else:
        message = f"Thất bại: {kind} lúc {_clock(state.get('finished'))}, {result_text(state)}."
    progress = f"{done:,}/{total:,} bài ({done * 100 // total}%)".replace(",", ".") if total else ""
    return {
        "running": running,
        "status": state.get("status"),
        "message": message,
        "done": done,
        "total": total,
        "progress": progress,
        "id": state.get("id"),
    }


def vectors_view() -> dict[str, Any]:
    """The article vectors as the page and the polling script show them: the same words in both."""
    found = vectors_state.status(IndexStore(current_app.config["INDEX_DIR"]))
    articles, with_vectors = found["articles"], found["with_vectors"]
    return {
        "running": found["state"] == "running",
        # Also while the service is about to start a run: the page follows it from the start.
        "following": found["state"] in ("running", "waiting"),
        "state": found["state"],
        "message": vectors_state.describe(found),
        "done": with_vectors,
        "total": articles,
        "progress": f"{with_vectors:,}/{articles:,} bài".replace(",", ".") if articles else "",
    }


@blueprint.get("/")
def dashboard():
    report = load_last_report(IndexStore(current_app.config["INDEX_DIR"]))
    skipped = (report or {}).get("skipped") or []
    return render_template(
        "admin/dashboard.html",
        stats=index_stats(),
        job=job_view(jobs().current()),
        vectors=vectors_view(),
        sources=configured_sources(),
        report=report,
        skipped=skipped[:SKIPPED_SHOWN],
        skipped_more=max(0, len(skipped) - SKIPPED_SHOWN),
        events=audit().recent(AUDIT_SHOWN),
        # The page is often at /admin/#cap-nhat already: a link differing only in its
        # fragment would not reload it, so the query string changes each time.
        refresh_url=url_for("admin.dashboard", xem=time.time_ns() // 1_000_000, _anchor="cap-nhat"),
        actions=ACTIONS,
        kinds=KINDS,
        clock=_clock,
    )


@blueprint.post("/jobs")
def start_job():
    kind = request.form.get("kind", "")
    if kind not in KINDS:
        abort(400)
    sources = configured_sources()
    if not sources:
        flash("Chưa cấu hình nguồn bài viết (SOURCES) nên chưa chạy được.", "error")
    else:
        try:
            jobs().start(kind, sources, g.staff)
        except JobRunning as exc:
            running = exc.state
            what = KINDS.get(running.get("kind", ""), "Việc")
            busy = f"{what} do {running.get('user')} bắt đầu lúc {_clock(running.get('started'))} đang chạy"
            audit().refusal(g.staff, "job-refused", busy, request.remote_addr)
            flash(f"Chưa bắt đầu được: {busy}.", "error")
        else:
            flash(f"Đã bắt đầu: {KINDS[kind]} từ {len(sources)} nguồn.", "notice")
    return redirect(url_for("admin.dashboard") + "#cap-nhat", 303)


@blueprint.get("/job.json")
def job_state():
    return jsonify(job_view(jobs().current()))


@blueprint.get("/vectors.json")
def vectors_json():
    return jsonify(vectors_view())
