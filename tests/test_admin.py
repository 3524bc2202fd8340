"""The admin area through Flask's test client, on small real indexes; jobs run as real processes."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import signal
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from werkzeug.security import check_password_hash, generate_password_hash

from index.build import build
from index.reports import load_last_report
from index.vectors import fill
from search.meaning import SWITCH, VECTORS, load
from search.storage.generations import IndexStore
from tests.factories import write_jsonl
from web import create_app
from web.admin.jobs import DIED
from web.cli import main

PASSWORD = "mật khẩu đúng 2026"
COOKIE = "bantin_admin"


@pytest.fixture(scope="module")
def password_hash() -> str:
    # Few pbkdf2 rounds keep the many sign-ins here fast; the check is the same code path.
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("admin-index")
    build([str(write_jsonl(root / "articles.jsonl", 4))], IndexStore(root / "index"), jobs=1)
    return root / "index"


@pytest.fixture
def make_app(make_app, small_index, password_hash):
    """The shared factory on an index of the admin's own (its jobs rebuild it), with an account."""

    def make(**config):
        return make_app(**{"INDEX_DIR": str(small_index), "ADMIN_USERS": {"lan": password_hash}, **config})

    return make


def csrf_token(client, path: str = "/admin/login") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, name: str = "lan", password: str = PASSWORD, **environ):
    token = csrf_token(client)
    return client.post(
        "/admin/login",
        data={"csrf_token": token, "username": name, "password": password},
        environ_base=environ,
    )


def audit_lines(instance: Path) -> list[dict]:
    path = instance / "admin" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


# --- signing in and out --------------------------------------------------------


def test_sign_in_and_out(client, instance) -> None:
    assert client.get("/admin/").headers["Location"] == "/admin/login?next=/admin/"
    page = client.get("/admin/login?next=/admin/").get_data(as_text=True)
    assert '<html lang="vi"' in page and 'autocomplete="current-password"' in page

    wrong = sign_in(client, password="sai mật khẩu")
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu." in wrong.get_data(as_text=True)
    assert client.get("/admin/").status_code == 303

    right = client.post(
        "/admin/login",
        data={"csrf_token": csrf_token(client), "username": "lan", "password": PASSWORD, "next": "/admin/#cap-nhat"},
    )
    assert right.status_code == 303 and right.headers["Location"] == "/admin/#cap-nhat"
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Đang đăng nhập: <strong>lan</strong>" in dashboard and "Chỉ mục đang dùng" in dashboard
    # No saved report yet: the one in the live generation's meta is shown.
    assert "<dt>Loại</dt><dd>Lập lại toàn bộ</dd>" in dashboard and "<dt>Số bài</dt><dd>4</dd>" in dashboard

    out = client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert out.status_code == 303 and "signed_out=1" in out.headers["Location"]
    assert client.get("/admin/").status_code == 303
    assert [(e["user"], e["action"]) for e in audit_lines(instance)] == [
        ("lan", "sign-in-failed"),
        ("lan", "sign-in"),
        ("lan", "sign-out"),
    ]


def test_sign_in_goes_only_to_admin_pages(client) -> None:
    token = csrf_token(client)
    for target in ("https://evil.example/", "//evil.example/admin", "/search?q=x", "/admin/login"):
        response = client.post(
            "/admin/login", data={"csrf_token": token, "username": "lan", "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == "/admin/", target
        client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
        token = csrf_token(client)


def test_session_cookie_flags(client) -> None:
    response = sign_in(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "expires", "path"} <= flags
    assert "SameSite=Lax" in cookie and "Path=/admin" in cookie
    # Public pages give a reader no session at all.
    for url in ("/", "/search?q=tinh", "/articles/bai-00001"):
        assert client.application.test_client().get(url).headers.getlist("Set-Cookie") == []


def test_session_cookie_can_be_made_plain_http_for_trials(make_app) -> None:
    client = make_app(SESSION_COOKIE_SECURE=False).test_client()
    cookie = next(c for c in sign_in(client).headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}="))
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_a_changed_password_ends_old_sessions(make_app, client) -> None:
    sign_in(client)
    session_cookie = client.get_cookie(COOKIE, path="/admin").value
    assert client.get("/admin/").status_code == 200
    key = client.application.secret_key
    same = make_app(SECRET_KEY=key).test_client()  # another worker, or a restart
    same.set_cookie(COOKIE, session_cookie, path="/admin")
    assert same.get("/admin/").status_code == 200
    changed = make_app(
        SECRET_KEY=key, ADMIN_USERS={"lan": generate_password_hash("một mật khẩu mới khác")}
    ).test_client()
    changed.set_cookie(COOKIE, session_cookie, path="/admin")
    assert changed.get("/admin/").status_code == 303
    # The session is over on the server, not only under the new configuration.
    assert same.get("/admin/").status_code == 303


def session_cookie(client) -> str:
    return client.get_cookie(COOKIE, path="/admin").value


def replay(app, cookie: str):
    """A client that has only a copy of `cookie`, as an attacker would."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie, path="/admin")
    return client


def test_a_cookie_replayed_after_sign_out_is_refused(app, client, instance) -> None:
    sign_in(client)
    token = csrf_token(client, "/admin/")
    copied = session_cookie(client)  # with the form token in it
    assert replay(app, copied).get("/admin/").status_code == 200  # the copy works while signed in
    client.post("/admin/logout", data={"csrf_token": token})

    stolen = replay(app, copied)
    page = stolen.get("/admin/")
    assert page.status_code == 303 and page.headers["Location"].startswith("/admin/login")
    state = replay(app, copied).get("/admin/job.json")
    assert state.status_code == 401 and state.get_json() == {"error": "cần đăng nhập quản trị"}
    job = replay(app, copied).post("/admin/jobs", data={"csrf_token": token, "kind": "build"})
    assert job.status_code == 303 and job.headers["Location"].startswith("/admin/login")
    assert not (instance / "admin" / "job.json").exists()  # nothing ran
    assert (instance / "admin" / "sessions.sqlite3").stat().st_mode & 0o777 == 0o600
    refused = [e for e in audit_lines(instance) if e["action"] == "session-refused"]
    assert len(refused) == 3 and {e["user"] for e in refused} == {"lan"}
    assert all(e["client"] == "127.0.0.1" and "đã đăng xuất" in e["result"] for e in refused)
    # The refusal also drops the dead cookie from the browser.
    assert any(c.startswith(f"{COOKIE}=;") for c in page.headers.getlist("Set-Cookie"))


def test_pages_do_not_renew_the_cookie(client) -> None:
    sign_in(client)
    client.get("/admin/")  # its first form adds a token to the session: written once
    for url in ("/admin/", "/admin/job.json", "/admin/"):
        assert client.get(url).headers.getlist("Set-Cookie") == [], url


def test_a_session_ends_eight_hours_after_sign_in_however_busy(app, client) -> None:
    now = [1_000_000.0]
    app.extensions["bantin.sessions"].clock = lambda: now[0]
    sign_in(client)
    for _ in range(8 * 3):  # a request every 20 minutes keeps it from idling out
        assert client.get("/admin/").status_code == 200
        now[0] += 20 * 60
    assert client.get("/admin/").status_code == 200  # exactly 8 hours
    now[0] += 1
    assert client.get("/admin/").status_code == 303


def test_a_session_ends_after_half_an_hour_unused(app, client, instance) -> None:
    now = [1_000_000.0]
    app.extensions["bantin.sessions"].clock = lambda: now[0]
    sign_in(client)
    now[0] += 29 * 60
    assert client.get("/admin/").status_code == 200
    now[0] += 31 * 60
    assert client.get("/admin/").status_code == 303
    assert "lâu không dùng" in audit_lines(instance)[-1]["result"]


def test_the_cookie_expires_with_the_session(client) -> None:
    response = sign_in(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}="))
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    left = time.mktime(time.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT")) - time.mktime(time.gmtime())
    assert 8 * 3600 - 60 < left <= 8 * 3600
    # A change to the session later (a message shown once) keeps the same end.
    token = csrf_token(client, "/admin/")
    time.sleep(1.1)
    later = client.post("/admin/jobs", data={"csrf_token": token, "kind": "update"})  # no sources: a message
    renewed = [c for c in later.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert renewed and re.search(r"Expires=([^;]+)", renewed[0]).group(1) == expires


@pytest.mark.parametrize("name,password", [("lan", PASSWORD + "\x00"), ("lan\x00", PASSWORD), ("lan", "\x07" + PASSWORD)])
def test_control_characters_never_sign_in(client, instance, name, password) -> None:
    response = sign_in(client, name=name, password=password)
    assert response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 303
    assert audit_lines(instance)[-1]["action"] == "sign-in-failed"


def test_every_kind_of_refusal_is_written_down_once(make_app, instance) -> None:
    app = make_app(ADMIN_LOGIN_LIMIT="2 per minute", SOURCES=["/nowhere"])
    client = app.test_client()
    # A dead session (replayed after sign-out).
    sign_in(client)
    copied = session_cookie(client)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    replay(app, copied).get("/admin/")
    # A cookie whose signature does not match, and one older than its signature allows.
    replay(app, copied[:-3] + "abc").get("/admin/")
    old = make_app(PERMANENT_SESSION_LIFETIME=1).test_client()
    sign_in(old)
    expired = session_cookie(old)
    time.sleep(2.1)
    replay(old.application, expired).get("/admin/")
    # A form without its token.
    client.post("/admin/login", data={"username": "lan", "password": PASSWORD})
    # Too many failed sign-ins.
    for _ in range(3):
        sign_in(client, password="sai")
    # A second job while one runs (one just starting: its worker has no pid yet).
    (instance / "admin" / "job.json").write_text(
        json.dumps({"id": "x", "kind": "update", "user": "lan", "status": "starting", "pid": None,
                    "started": dt.datetime.now().astimezone().isoformat(timespec="seconds")}),
        encoding="utf-8",
    )
    sign_in(client, REMOTE_ADDR="10.9.9.9")
    client.post("/admin/jobs", data={"csrf_token": csrf_token(client, "/admin/"), "kind": "build"},
                environ_base={"REMOTE_ADDR": "10.9.9.9"})

    refusals = [e for e in audit_lines(instance) if e["action"].endswith("-refused")]
    kinds = [(e["action"], e["result"]) for e in refusals]
    assert [a for a, _ in kinds].count("session-refused") == 3, kinds
    reasons = " | ".join(r for _, r in kinds)
    for words in ("đã đăng xuất", "bị sửa", "hết hạn"):
        assert reasons.count(words) == 1, (words, kinds)
    assert [a for a, _ in kinds].count("form-refused") == 1
    assert [a for a, _ in kinds].count("sign-in-refused") == 1
    assert [a for a, _ in kinds].count("job-refused") == 1
    assert all(e["client"] and e["time"] for e in refusals)


def test_a_flood_of_refusals_is_counted_not_written(tmp_path) -> None:
    from web.admin.audit import AuditLog

    now = [0.0]
    log = AuditLog(tmp_path / "audit.jsonl", refusals_per_minute=3, clock=lambda: now[0])
    for _ in range(1000):
        log.refusal("?", "form-refused", "thiếu mã biểu mẫu", "10.0.0.1")
    assert len(log.recent(100)) == 3
    now[0] += 60
    log.refusal("?", "form-refused", "thiếu mã biểu mẫu", "10.0.0.1")
    newest = log.recent(2)
    assert newest[1]["action"] == "refusals-suppressed" and newest[1]["result"].startswith("997 ")
    assert newest[0]["action"] == "form-refused"


def test_unknown_name_is_not_written_down(client, instance) -> None:
    assert sign_in(client, name=PASSWORD, password=PASSWORD).status_code == 401
    assert audit_lines(instance)[-1]["user"] == "?"
    assert PASSWORD not in (instance / "admin" / "audit.jsonl").read_text(encoding="utf-8")


# --- CSRF --------------------------------------------------------------------


def test_forms_without_a_token_are_refused(client, instance) -> None:
    response = client.post("/admin/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400 and "Biểu mẫu đã hết hạn hoặc không hợp lệ" in response.get_data(as_text=True)
    sign_in(client)
    for bad in ({}, {"csrf_token": "sai"}):
        refused = client.post("/admin/jobs", data={"kind": "update", **bad})
        assert refused.status_code == 400
    assert not (instance / "admin" / "job.json").exists()
    assert client.post("/admin/logout", data={}).status_code == 400
    assert client.get("/admin/").status_code == 200  # still signed in


def test_public_forms_need_no_token(client) -> None:
    assert client.post("/preferences", data={"font": "up"}).status_code == 303
    assert client.get("/api/search?q=tinh").status_code == 200


# --- every admin route refuses strangers ----------------------------------------


def test_every_admin_route_refuses_strangers(app) -> None:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin") and r.endpoint != "admin.login"]
    assert {r.endpoint for r in rules} >= {"admin.dashboard", "admin.start_job", "admin.job_state", "admin.logout"}
    for rule in rules:
        url = rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            client = app.test_client()
            token = csrf_token(client)
            data = {"csrf_token": token, "kind": "update"} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            if url.endswith(".json"):
                assert response.status_code == 401 and response.get_json() == {"error": "cần đăng nhập quản trị"}, url
            else:
                assert response.status_code == 303, (method, url)
                assert response.headers["Location"].startswith("/admin/login?next="), (method, url)
            if method == "POST":
                assert app.test_client().post(url, data={"kind": "update"}).status_code == 400  # and no token: CSRF


# --- sign-in rate limits ---------------------------------------------------------


def test_failed_sign_ins_are_limited_per_address(make_app) -> None:
    client = make_app(ADMIN_LOGIN_LIMIT="3 per minute").test_client()
    assert [sign_in(client, password="sai").status_code for _ in range(3)] == [401, 401, 401]
    refused = sign_in(client)  # even the right password, until the window passes
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in refused.get_data(as_text=True)
    assert sign_in(client, REMOTE_ADDR="10.1.2.3").status_code == 303  # another address


def test_failed_sign_ins_are_limited_per_name(make_app) -> None:
    client = make_app(ADMIN_LOGIN_LIMIT="100 per minute", ADMIN_LOGIN_USER_LIMIT="2 per hour").test_client()
    for address in ("10.0.0.1", "10.0.0.2"):
        assert sign_in(client, password="sai", REMOTE_ADDR=address).status_code == 401
    assert sign_in(client, REMOTE_ADDR="10.0.0.3").status_code == 429
    assert sign_in(client, name="khac", password="sai", REMOTE_ADDR="10.0.0.3").status_code == 401


def test_successful_sign_ins_are_not_counted(make_app) -> None:
    client = make_app(ADMIN_LOGIN_LIMIT="2 per minute").test_client()
    assert [sign_in(client).status_code for _ in range(4)] == [303] * 4


# --- accounts and the secret key -------------------------------------------------


def test_accounts_from_the_environment(instance, small_index, password_hash, monkeypatch) -> None:
    monkeypatch.setenv("BANTIN_ADMIN_USERS", json.dumps({"minh": password_hash}))
    monkeypatch.setenv("BANTIN_ADMIN_PASSWORD_HASH", password_hash)
    client = create_app({"INDEX_DIR": str(small_index)}).test_client()
    assert sign_in(client, name="minh").status_code == 303
    assert sign_in(client, name="admin").status_code == 303
    assert sign_in(client, name="lan").status_code == 401


def test_a_password_where_a_hash_belongs_is_refused_and_named(make_app, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="bantin.admin"):
        client = make_app(ADMIN_USERS={"lan": PASSWORD}).test_client()
    assert "'lan'" in caplog.text and PASSWORD not in caplog.text
    assert sign_in(client).status_code == 401


def test_no_account_means_no_sign_in(instance, small_index) -> None:
    client = create_app({"INDEX_DIR": str(small_index)}).test_client()
    assert "Chưa có tài khoản quản trị nào được cấu hình" in client.get("/admin/login").get_data(as_text=True)
    assert not (instance / "secret_key").exists()  # nothing written when there is no account


def test_secret_key_is_made_once_and_private(make_app, instance) -> None:
    first = make_app().secret_key
    path = instance / "secret_key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert make_app().secret_key == first and len(first) >= 32
    assert make_app(SECRET_KEY="cấu hình riêng " * 3).secret_key == "cấu hình riêng " * 3


def test_hash_password_command() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["admin", "hash-password"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    hashed = re.search(r"^scrypt:\S+$", result.stdout, re.M).group(0)
    assert check_password_hash(hashed, PASSWORD) and PASSWORD not in result.output
    short = runner.invoke(main, ["admin", "hash-password"], input="ngan\nngan\n")
    assert short.exit_code != 0 and "ít nhất 10 ký tự" in short.output


# --- background jobs ---------------------------------------------------------------


def wait_for_job(client, timeout: float = 90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get("/admin/job.json").get_json()
        if not job["running"]:
            return job
        time.sleep(0.3)
    raise AssertionError("the job did not finish")


@pytest.fixture
def own_index(tmp_path) -> Path:
    """An index this test may change."""
    build([str(write_jsonl(tmp_path / "first.jsonl", 3))], IndexStore(tmp_path / "index"), jobs=1)
    return tmp_path / "index"


def test_update_job_from_configured_sources(make_app, own_index, tmp_path, instance) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    write_jsonl(sources / "new.jsonl", 2, start=100)
    (sources / "hong.html").write_bytes(b"\x00\x01 not an article")
    app = make_app(INDEX_DIR=str(own_index), SOURCES=[str(sources)])
    client = app.test_client()
    sign_in(client)
    before = IndexStore(own_index).current().name

    token = csrf_token(client, "/admin/")
    started = client.post("/admin/jobs", data={"csrf_token": token, "kind": "update"})
    assert started.status_code == 303
    again = client.post("/admin/jobs", data={"csrf_token": token, "kind": "build"}, follow_redirects=True)
    refusal = again.get_data(as_text=True)
    assert "Chưa bắt đầu được: Cập nhật do lan bắt đầu lúc " in refusal  # one job at a time
    assert re.search(r"lúc \d\d:\d\d:\d\d ngày \d\d/\d\d/\d{4} đang chạy", refusal)  # not an ISO stamp
    running = client.get("/admin/").get_data(as_text=True)
    assert "Đang chạy: Cập nhật do lan" in running or "Đã xong" in running

    job = wait_for_job(client)
    assert job["status"] == "done", job["message"]
    assert "2 bài mới hoặc đã đổi" in job["message"] and "1 nguồn bị bỏ qua" in job["message"]
    assert IndexStore(own_index).current().name != before
    page = client.get("/admin/").get_data(as_text=True)
    assert re.search(r"<td><code>[^<]*/hong\.html</code></td><td>[^<]+</td>", page)  # skipped, and why
    assert "<dd>5</dd>" in page  # the live index now has 3 + 2 articles
    events = [(e["user"], e["action"], e.get("kind")) for e in audit_lines(instance)]
    assert events[-3:] == [("lan", "job-start", "update"), ("lan", "job-refused", None), ("lan", "job-end", "update")]
    assert audit_lines(instance)[-1]["sources"] == [str(sources)]


def test_rebuild_from_sources_without_articles_keeps_the_index(make_app, own_index, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    client = make_app(INDEX_DIR=str(own_index), SOURCES=[str(empty)]).test_client()
    sign_in(client)
    before = IndexStore(own_index).current().name
    client.post("/admin/jobs", data={"csrf_token": csrf_token(client, "/admin/"), "kind": "build"})
    job = wait_for_job(client)
    assert job["status"] == "failed" and "không có bài nào" in job["message"]
    assert IndexStore(own_index).current().name == before


def test_a_killed_job_is_reported(make_app, own_index, tmp_path, instance) -> None:
    app = make_app(INDEX_DIR=str(own_index), SOURCES=[str(tmp_path)])
    jobs = app.extensions["bantin.jobs"]
    job_id = jobs.start("update", [str(tmp_path)], "lan")["id"]
    # This job's worker: an earlier test's may still be exiting on a loaded machine.
    worker = next(
        p
        for p in psutil.Process().children()
        if p.status() != psutil.STATUS_ZOMBIE and job_id in p.cmdline()
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # The thread watching the worker records its death a moment later (seconds, on a loaded box).
    deadline = time.monotonic() + 30
    while jobs.current()["error"] is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert jobs.current()["error"] == DIED
    assert audit_lines(instance)[-1]["action"] == "job-end" and "dừng bất thường" in audit_lines(instance)[-1]["result"]


def test_the_command_line_saves_its_report_for_the_dashboard(own_index, tmp_path) -> None:
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["index", "update", str(tmp_path / "first.jsonl"), str(tmp_path / "bad.jsonl"), "--index-dir", str(own_index)],
    )
    assert result.exit_code == 0, result.output
    report = load_last_report(IndexStore(own_index))
    assert report["kind"] == "update" and report["unchanged"] == 3 and report["finished_at"]
    assert [item["path"].endswith("bad.jsonl:1") for item in report["skipped"]] == [True]


def test_no_sources_configured(client) -> None:
    sign_in(client)
    page = client.post(
        "/admin/jobs", data={"csrf_token": csrf_token(client, "/admin/"), "kind": "update"}, follow_redirects=True
    )
    assert "Chưa cấu hình nguồn bài viết (SOURCES)" in page.get_data(as_text=True)
    assert (
        client.post("/admin/jobs", data={"csrf_token": csrf_token(client, "/admin/"), "kind": "xoa"}).status_code == 400
    )


def test_a_job_gives_the_new_articles_their_vectors(make_app, own_index, tmp_path, monkeypatch) -> None:
    """After the index it built is live, the job embeds only what it added (search/meaning/)."""
    monkeypatch.setenv(SWITCH, "1")
    fill(IndexStore(own_index))
    sources = tmp_path / "sources"
    sources.mkdir()
    write_jsonl(sources / "new.jsonl", 2, start=100)
    client = make_app(INDEX_DIR=str(own_index), SOURCES=[str(sources)]).test_client()
    sign_in(client)
    client.post("/admin/jobs", data={"csrf_token": csrf_token(client, "/admin/"), "kind": "update"})
    job = wait_for_job(client)
    assert job["status"] == "done", job["message"]
    assert "vector ngữ nghĩa: 2 bài vừa tính, 3 bài dùng lại" in job["message"]
    found = load(IndexStore(own_index).current().path / VECTORS)
    assert found is not None and int(found.present.sum()) == 5
