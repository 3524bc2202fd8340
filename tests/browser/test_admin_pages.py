"""The admin pages in Chromium: axe-core in every theme and text size, keyboard sign-in,
the dashboard following a running job through its JSON without a reload, and the
synonyms and search statistics pages used by keyboard alone."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock
from werkzeug.security import generate_password_hash

from index.build import BuildReport
from index.reports import save_last_report
from index.sources.errors import SkippedSource
from index.vectors_state import LOCK_FILE, RunState
from search.storage.generations import IndexStore
from tests.browser.conftest import Visitor
from tests.browser.pages import LARGEST_FONT, THEMES
from tests.browser.site import build_site_index, live_server
from tests.browser.test_accessibility import findings
from web.admin.audit import AuditLog
from web.plumbing.search_stats import FILE, SearchStats

pytestmark = pytest.mark.browser

PASSWORD = "mật khẩu thử trình duyệt"


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory) -> Iterator[tuple[str, object]]:
    root = tmp_path_factory.mktemp("admin-site")
    store = build_site_index(root)
    report = BuildReport(kind="update", generation=store.current().name, indexed=3, unchanged=29, total=32, elapsed=4.2)
    report.skipped = [
        SkippedSource("nguon/hong.html", "binary file (not text)"),
        SkippedSource("nguon/bai.jsonl:7", "invalid JSON"),
    ]
    save_last_report(store, report)
    instance = root / "instance"
    audit = AuditLog(instance / "admin" / "audit.jsonl")
    audit.append("lan", "sign-in", "thành công", client="127.0.0.1")
    audit.append("lan", "job-start", "đã khởi chạy", ["/srv/tin-tuc"], kind="update")
    counts = SearchStats(instance / FILE)
    for text, hits, suggestion in [("ngân hàng", 5, None)] * 3 + [("quận 9", 0, None)] * 2 + [
        ("ngan hnag", 13, "ngân hàng"),
        ("Trung tâm Hành chính công tỉnh Bình An, bộ phận một cửa, thủ tục cấp đổi giấy phép lái xe", 0, None),
    ]:
        counts.record(text, hits, suggestion)
    assert counts.flush()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BANTIN_DATA_DIR", str(instance))
        config = {
            "ADMIN_USERS": {"lan": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")},
            "SOURCES": ["/srv/tin-tuc", "/srv/thong-bao"],
            # Every test here signs in wrongly once; the limits have tests of their own.
            "ADMIN_LOGIN_LIMIT": "100 per minute",
            "ADMIN_LOGIN_USER_LIMIT": "100 per minute",
        }
        with live_server(store.root, config=config) as url:
            yield url, instance


def running_job(instance, **changes) -> None:
    """A job state as a worker writes it; started just now, so the page counts it as running."""
    state = {
        "id": "thu",
        "kind": "update",
        "user": "lan",
        "sources": ["/srv/tin-tuc"],
        "status": "running",
        "phase": "Cập nhật",
        "done": 120,
        "total": 400,
        "pid": None,
        "report": None,
        "error": None,
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "finished": None,
    }
    state.update(changes)
    (instance / "admin").mkdir(parents=True, exist_ok=True)
    (instance / "admin" / "job.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def make_staff(browser, admin_site):
    """Visitors of the admin site (options as for a browser context); errors checked after."""
    made: list[Visitor] = []

    def make(**options) -> Visitor:
        made.append(Visitor(browser, admin_site[0], **options))
        made[-1].missing.add("/admin/login")  # a wrong password answers 401, which the browser logs
        return made[-1]

    yield make
    for visitor in made:
        visitor.close()
    assert [e for visitor in made for e in visitor.errors] == [], (
        "the page logged errors (CSP violation or script error)"
    )


@pytest.fixture
def staff(make_staff) -> Visitor:
    return make_staff()


def sign_in_with_keyboard(page, password: str = PASSWORD) -> None:
    page.goto("/admin/")
    assert page.url.endswith("/admin/login?next=/admin/")
    page.focus("#username")
    page.keyboard.type("lan")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_sign_in_and_out(staff) -> None:
    page = staff.page
    sign_in_with_keyboard(page, password="sai")
    assert page.get_by_role("alert").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    sign_in_with_keyboard(page)
    assert page.url.endswith("/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Quản trị chỉ mục"
    page.get_by_role("button", name="Đăng xuất").press("Enter")
    page.wait_for_url("**/admin/login?signed_out=1")
    page.goto("/admin/")
    assert "/admin/login" in page.url


@contextmanager
def vectors_running(index: Path) -> Iterator[RunState]:
    """The article vectors half computed in the background, as another process's run shows them."""
    store = IndexStore(index)
    with FileLock(str(index / LOCK_FILE)):
        run = RunState(store)
        run.generation(store.current().name, 32)
        run.start(20, "")
        run.state.update(done=8, with_vectors=20, rate=0.07, eta_s=180.0)
        run.finish()
        yield run


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("font", [0, LARGEST_FONT], ids=["100%", "250%"])
def test_admin_pages_pass_axe(staff, admin_site, theme: str, font: int) -> None:
    _, instance = admin_site
    running_job(instance)
    staff.prefer(font=font, theme=theme, spacing="wide" if font else "normal")
    page = staff.page
    problems = {}
    page.goto("/admin/login")
    problems["login"] = findings(page)
    sign_in_with_keyboard(page, password="sai")
    problems["login-error"] = findings(page)
    with vectors_running(instance.parent / "index"):
        sign_in_with_keyboard(page)
        assert page.locator("#tien-do").is_visible() and "Đang chạy: Cập nhật do lan" in page.inner_text(".job-message")
        assert page.locator("table caption", has_text="Nguồn bị bỏ qua (2)").is_visible()
        assert "còn khoảng 3 phút" in page.inner_text(".vectors-message")
        assert page.locator("#tien-do-vector").is_visible()
        problems["dashboard"] = findings(page)
    # The page is no wider than the window, even at 250% text.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    staff.missing.add("/admin/dong-nghia")  # a refused save answers 422, which the browser logs
    page.goto("/admin/dong-nghia")
    problems["synonyms"] = findings(page)
    page.fill("#noi-dung-tep", "quận 9 = thành phố Thủ Đức\nhỏng")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu tệp đồng nghĩa").click()
    assert "dòng 2: cần ít nhất hai cách viết" in page.get_by_role("alert").inner_text()
    problems["synonyms-refused"] = findings(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.goto("/admin/tim-kiem")
    assert page.locator("table caption", has_text="Truy vấn không có kết quả").is_visible()
    problems["searches"] = findings(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert {name: found for name, found in problems.items() if found} == {}


def test_dashboard_follows_the_vectors_without_reloading(staff, admin_site) -> None:
    _, instance = admin_site
    page = staff.page
    with vectors_running(instance.parent / "index") as run:
        sign_in_with_keyboard(page)
        page.evaluate("() => { window.__notReloaded = true; }")
        run.state.update(done=14, with_vectors=26, eta_s=60.0)
        run.finish()
        page.wait_for_function("() => document.querySelector('#tien-do-vector').value === 26", timeout=15_000)
        assert "26/32" in page.inner_text(".vectors-message") and "còn khoảng 1 phút" in page.inner_text(".vectors-message")
        assert page.inner_text(".vectors-done") == ""  # a changing time left is not read out
        run.end("stopped")
    # The run is over (its lock released): the end is announced once, and polling stops.
    page.wait_for_function("() => document.querySelector('.vectors-done').textContent !== ''", timeout=15_000)
    assert page.inner_text(".vectors-done") == page.inner_text(".vectors-message")
    assert page.evaluate("() => window.__notReloaded") is True


def test_dashboard_follows_the_job_without_reloading(staff, admin_site) -> None:
    _, instance = admin_site
    running_job(instance)
    page = staff.page
    sign_in_with_keyboard(page)
    page.evaluate("() => { window.__notReloaded = true; }")
    running_job(instance, done=300, phase="Đang ghi và chuyển sang chỉ mục mới")
    page.wait_for_function("() => document.querySelector('#tien-do').value === 300", timeout=10_000)
    assert page.inner_text(".job-count") == "300/400 bài (75%)"
    running_job(
        instance,
        status="done",
        done=400,
        phase="Đã xong",
        finished=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        report={"indexed": 3, "unchanged": 397, "deleted": 0, "total": 400, "generation": "gen-000009", "skipped": []},
    )
    page.wait_for_function(
        "() => document.querySelector('.job-message').textContent.startsWith('Đã xong')", timeout=10_000
    )
    assert "3 bài mới hoặc đã đổi" in page.inner_text("[role=status].job-message")
    assert page.locator(".job-refresh a").inner_text() == "Tải lại trang để xem báo cáo"
    assert not page.locator("#tien-do").is_visible()
    assert page.evaluate("() => window.__notReloaded") is True
    with page.expect_navigation():
        page.get_by_role("link", name="Tải lại trang để xem báo cáo").click()
    assert page.evaluate("() => window.__notReloaded") is None  # a fresh page
    assert not page.locator("#tien-do").is_visible() and not page.locator(".job-refresh").is_visible()


def test_without_javascript_the_refresh_link_reloads(make_staff, admin_site) -> None:
    _, instance = admin_site
    running_job(instance)
    page = make_staff(java_script_enabled=False).page
    sign_in_with_keyboard(page)
    first = page.url
    assert page.locator("#tien-do").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Xem trạng thái mới nhất").click()
    assert page.url != first and page.url.endswith("#cap-nhat")


def test_synonyms_by_keyboard_alone(staff) -> None:
    staff.missing.add("/admin/dong-nghia")  # the refused save below answers 422
    page = staff.page
    sign_in_with_keyboard(page)
    page.get_by_role("link", name="Sửa từ đồng nghĩa").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Từ đồng nghĩa"
    # Every field is named by its label, and Tab goes from one to the next.
    page.get_by_label("Cách người dân tìm").focus()
    page.keyboard.type("chích ngừa")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "cach-viet-khac"
    page.keyboard.type("tiêm chủng")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Đã thêm “chích ngừa = tiêm chủng”" in page.locator(".admin-messages[role=status]").inner_text()
    box = page.get_by_label("Nội dung tệp đồng nghĩa")
    assert "chích ngừa = tiêm chủng" in box.input_value()

    # A refused save: the errors are announced, the text typed stays, focus is back in the box.
    box.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nhỏng")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Lưu tệp đồng nghĩa"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "cần ít nhất hai cách viết" in page.get_by_role("alert").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "noi-dung-tep"
    assert box.get_attribute("aria-invalid") == "true" and box.input_value().endswith("\nhỏng")
    page.goto("/search?q=chich+ngua")  # the pair added above already finds, with no rebuild
    assert page.locator("ol.results li.result").count() == 1


def test_a_failed_search_fixed_from_the_statistics_by_keyboard(staff) -> None:
    page = staff.page
    sign_in_with_keyboard(page)
    page.get_by_role("navigation", name="Khu quản trị").get_by_role("link", name="Thống kê tìm kiếm").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Thống kê tìm kiếm"
    assert page.get_by_role("link", name="Thống kê tìm kiếm").get_attribute("aria-current") == "page"
    page.get_by_label("Cách gọi khác của “quận 9”").focus()
    page.keyboard.type("thành phố Thủ Đức")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Thêm"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("?")[0].endswith("/admin/tim-kiem")
    assert "Đã thêm “quận 9 = thành phố Thủ Đức”" in page.locator(".admin-messages[role=status]").inner_text()
