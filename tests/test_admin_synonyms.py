"""The synonyms page of the admin area (/admin/dong-nghia) through Flask's test client, on
the site's index: an edit or a one-step add changes what the next search finds, no rebuild."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from tests.test_admin import PASSWORD, audit_lines, csrf_token, sign_in

PAGE = "/admin/dong-nghia"
ADD = "/admin/dong-nghia/them"
# "chích ngừa" (said in the south) finds nothing in the site's articles, which write "tiêm chủng".
PAIR = "chích ngừa = tiêm chủng"


@pytest.fixture
def make_app(make_app):
    """The shared factory (the site's index) with an account."""
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

    def make(**config):
        return make_app(**{"ADMIN_USERS": {"lan": hashed}, **config})

    return make


@pytest.fixture
def staff(client):
    sign_in(client)
    return client


def found(client, query: str) -> int:
    return client.get("/api/search", query_string={"q": query}).get_json()["total"]


def textarea(page: str) -> str:
    """What the textarea holds, as the browser reads it (one newline after the tag is dropped)."""
    raw = re.search(r"<textarea[^>]*>\n(.*?)</textarea>", page, re.S).group(1)
    return html.unescape(raw)


def save(client, content: str, **extra):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "content": content, **extra})


def add(client, query: str, also: str, **extra):
    return client.post(ADD, data={"csrf_token": csrf_token(client, PAGE), "query": query, "also": also, **extra})


def test_the_page_is_for_staff_only(client, instance) -> None:
    (instance / "synonyms.txt").write_text("quận 9 = thành phố Thủ Đức\nhỏng\n", encoding="utf-8")
    refused = client.get(PAGE)
    assert refused.status_code == 303 and refused.headers["Location"] == f"/admin/login?next={PAGE}"
    sign_in(client)
    page = client.get(PAGE).get_data(as_text=True)
    assert '<html lang="vi"' in page and "<h1>Từ đồng nghĩa</h1>" in page
    assert f'<code class="file-path">{instance / "synonyms.txt"}</code>' in page
    assert "<dd>1 tên</dd>" in page and "Sở TN&amp;MT = Sở Tài nguyên và Môi trường" in page  # the example
    assert f"{instance / 'synonyms.txt'}, dòng 2: cần ít nhất hai cách viết" in page
    assert '<label for="noi-dung-tep">Nội dung tệp đồng nghĩa</label>' in page
    assert textarea(page) == "quận 9 = thành phố Thủ Đức\nhỏng\n"
    assert f'href="{PAGE}"' in client.get("/admin/").get_data(as_text=True)  # the dashboard leads here


def test_a_good_save_is_written_recorded_and_searched_at_once(staff, instance) -> None:
    assert found(staff, "chích ngừa") == 0
    saved = save(staff, f"# Tên miền Nam\r\n{PAIR}")
    assert saved.status_code == 303 and saved.headers["Location"] == PAGE
    assert (instance / "synonyms.txt").read_text(encoding="utf-8") == f"# Tên miền Nam\n{PAIR}\n"
    assert found(staff, "chích ngừa") == 1  # the next search, no rebuild
    assert "Đã lưu tệp đồng nghĩa: 1 dòng đang dùng." in staff.get(PAGE).get_data(as_text=True)
    last = audit_lines(instance)[-1]
    assert (last["user"], last["action"], last["result"]) == ("lan", "synonyms-save", "1 dòng")
    assert "Lưu tệp đồng nghĩa" in staff.get("/admin/").get_data(as_text=True)


def test_a_bad_save_keeps_the_file_and_what_was_typed(staff, instance) -> None:
    save(staff, PAIR)
    before = (instance / "synonyms.txt").read_bytes()
    typed = "  quận 9 = thành phố Thủ Đức\r\nhỏng <b>\r\n\r\nTP = tp"
    refused = save(staff, typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "<title>Chưa lưu: Từ đồng nghĩa – Bản tin</title>" in page and 'role="alert"' in page
    path = instance / "synonyms.txt"
    assert f"{path}, dòng 2: cần ít nhất hai cách viết" in page and f"{path}, dòng 4: các cách viết chỉ khác" in page
    assert textarea(page).replace("\r\n", "\n") == typed.replace("\r\n", "\n")  # as the browser sent it
    assert 'aria-invalid="true"' in page
    assert path.read_bytes() == before
    assert found(staff, "chích ngừa") == 1  # the last good set still serves
    assert [e["action"] for e in audit_lines(instance)][-1] == "synonyms-save"  # only the good one


def test_one_step_add_makes_a_failed_search_find(staff, instance) -> None:
    assert found(staff, "chích ngừa") == 0
    added = add(staff, "  chích  ngừa ", "tiêm chủng", next="/admin/thong-ke?trang=2")
    assert added.status_code == 303 and added.headers["Location"] == "/admin/thong-ke?trang=2"
    assert found(staff, "chích ngừa") == 1 and found(staff, "chich ngua") == 1
    assert (instance / "synonyms.txt").read_text(encoding="utf-8") == f"{PAIR}\n"
    last = audit_lines(instance)[-1]
    assert (last["action"], last["result"]) == ("synonym-add", PAIR)
    assert f"Đã thêm “{PAIR}”. Tìm kiếm dùng ngay" in staff.get(PAGE).get_data(as_text=True)


def test_add_goes_back_only_to_an_admin_page(staff) -> None:
    for target in ("https://evil.example/admin/", "//evil.example/admin/", "/search?q=x", "/admin/login", None):
        extra = {"next": target} if target else {}
        response = add(staff, "mã vùng", f"đầu số {len(target or '')}", **extra)
        assert response.status_code == 303 and response.headers["Location"] == PAGE, target


def test_a_duplicate_pair_is_refused_with_its_reason(staff, instance) -> None:
    add(staff, "chích ngừa", "tiêm chủng")
    refused = add(staff, "Chich ngua", "tiem chung", next="/admin/thong-ke")
    assert refused.status_code == 303 and refused.headers["Location"] == "/admin/thong-ke"
    message = f"Chưa thêm “Chich ngua = tiem chung”: {instance / 'synonyms.txt'}, dòng 2: dòng này trùng với dòng 1"
    assert message in staff.get(PAGE).get_data(as_text=True)
    assert (instance / "synonyms.txt").read_text(encoding="utf-8") == f"{PAIR}\n"
    assert [e["action"] for e in audit_lines(instance)].count("synonym-add") == 1
    # From the page itself, the two fields come back filled, to be mended.
    empty = add(staff, "quận 9", "")
    assert empty.headers["Location"] == f"{PAGE}?query=quận+9&also=#them-cap".replace("ậ", "%E1%BA%AD")
    page = staff.get(empty.headers["Location"]).get_data(as_text=True)
    assert "không cách viết nào để trống" in page and 'name="query" type="text" value="quận 9"' in page


def test_forms_without_a_token_are_refused(staff, instance) -> None:
    for url, data in ((PAGE, {"content": PAIR}), (ADD, {"query": "chích ngừa", "also": "tiêm chủng"})):
        for bad in ({}, {"csrf_token": "sai"}):
            assert staff.post(url, data={**data, **bad}).status_code == 400
    assert not (instance / "synonyms.txt").exists()


def test_a_file_that_cannot_be_written_loses_nothing(staff, instance) -> None:
    """A folder where the file belongs fails the write even for root, whom a read-only folder (below) does not stop."""
    (instance / "synonyms.txt").mkdir()
    refused = save(staff, PAIR)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f"không ghi được tệp {instance / 'synonyms.txt'}: đường dẫn này là một thư mục" in page
    assert textarea(page) == PAIR


def test_a_read_only_instance_folder_is_said_plainly(staff, instance) -> None:
    save(staff, PAIR)
    instance.chmod(0o500)
    try:
        if os.access(instance, os.W_OK):
            pytest.skip("root (with CAP_DAC_OVERRIDE) writes into a read-only folder anyway")
        refused = save(staff, f"{PAIR}\nquận 9 = thành phố Thủ Đức")
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert "không có quyền ghi vào thư mục" in page and "quận 9 = thành phố Thủ Đức" in textarea(page)
        add(staff, "quận 9", "thành phố Thủ Đức")
        assert "không có quyền ghi vào thư mục" in staff.get(PAGE).get_data(as_text=True)
    finally:
        instance.chmod(0o700)
    assert (instance / "synonyms.txt").read_text(encoding="utf-8") == f"{PAIR}\n"
    assert found(staff, "chích ngừa") == 1


def test_an_unreadable_file_is_said_before_it_is_replaced(staff, instance: Path) -> None:
    (instance / "synonyms.txt").write_bytes(b"\xff\xfe h\xf4ng")
    page = staff.get(PAGE).get_data(as_text=True)
    assert "Không đọc được tệp đồng nghĩa" in page and "sẽ thay toàn bộ tệp" in page
    assert textarea(page) == ""
