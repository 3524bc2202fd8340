"""The staff's search statistics page and its CSV, on the site's index, through Flask's test client."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from werkzeug.security import generate_password_hash

from tests.test_admin import PASSWORD, sign_in


@pytest.fixture
def app(make_app):
    return make_app(ADMIN_USERS={"lan": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")})


@pytest.fixture
def staff(app):
    client = app.test_client()
    assert sign_in(client).status_code == 303
    return client


def searched(app, *paths: str) -> None:
    citizen = app.test_client()
    for path in paths:
        assert citizen.get(path).status_code == 200
    assert app.extensions["bantin.search_stats"].flush()


def section(page: str, heading: str) -> str:
    """The HTML of the section under `heading`, up to the next section."""
    start = page.index(heading)
    end = page.find("<section", start)
    return page[start : end if end > 0 else None]


def test_the_day_s_frequent_empty_and_suggested_queries(app, staff) -> None:
    searched(app, "/search?q=ngân hàng", "/search?q=ngan hang", "/api/search?q=học sinh", "/search?q=xyzzy qwerty",
             "/search?q=ngan hnag", "/search?q=ngân hàng&suggested_for=ngan hnag")
    page = staff.get("/admin/tim-kiem").get_data(as_text=True)
    assert 'lang="vi"' in page and "6 lượt tìm trong ngày" in page
    frequent = section(page, "Tìm nhiều nhất")
    assert re.search(r">ngân hàng</a></td><td[^>]*>3</td>", frequent)
    assert re.search(r">học sinh</a></td><td[^>]*>1</td>", frequent)
    empty = section(page, "Tìm mà không thấy gì")
    assert "xyzzy qwerty" in empty and "ngân hàng" not in empty
    assert 'action="/admin/dong-nghia/them"' in empty and 'name="query" value="xyzzy qwerty"' in empty
    suggested = section(page, "Có phải bạn muốn tìm")
    cells = r"<td[^>]*>ngan hnag</td><td[^>]*>ngân hàng</td><td[^>]*>1</td><td[^>]*>1</td>"
    assert re.search(cells, suggested)


def test_a_week_holds_its_days_and_no_others(app, staff) -> None:
    searched(app, "/search?q=ngân hàng")
    today = dt.date.today()
    this_week = staff.get(f"/admin/tim-kiem?ky=tuan&ngay={today.isoformat()}").get_data(as_text=True)
    assert "1 lượt tìm trong tuần" in this_week and ">ngân hàng</a>" in this_week
    earlier = staff.get(f"/admin/tim-kiem?ky=tuan&ngay={(today - dt.timedelta(days=7)).isoformat()}")
    text = earlier.get_data(as_text=True)
    assert "0 lượt tìm trong tuần" in text and ">ngân hàng</a>" not in text
    assert "Tuần sau →" in text  # and back to this week
    assert "Tuần sau →" not in this_week  # nothing is counted in the future


@pytest.mark.parametrize("query", ["ngay=hôm-qua", "ky=nam", "ngay=2026-02-30"])
def test_a_period_that_cannot_be_read_shows_today_and_says_why(staff, query) -> None:
    response = staff.get(f"/admin/tim-kiem?{query}")
    assert response.status_code == 200
    assert "không hợp lệ" in response.get_data(as_text=True)


def test_csv_export_of_the_period(app, staff) -> None:
    searched(app, "/search?q=ngân hàng", "/search?q=ngân hàng", "/search?q==cmd|calc")
    response = staff.get("/admin/tim-kiem.csv?ky=tuan")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["ngày", "truy vấn", "số lượt tìm"]
    by_query = {row[1]: row for row in rows[1:]}
    assert by_query["ngân hàng"][0] == dt.date.today().isoformat() and by_query["ngân hàng"][2] == "2"
    assert "'=cmd|calc" in by_query  # a spreadsheet shows it, never runs it


def test_the_pages_need_a_signed_in_staff(app) -> None:
    for path in ("/admin/tim-kiem", "/admin/tim-kiem.csv"):
        response = app.test_client().get(path)
        assert response.status_code == 303 and "/admin/login" in response.headers["Location"]


def test_with_counting_off_the_page_says_so(make_app) -> None:
    app = make_app(SEARCH_STATS=False, ADMIN_USERS={"lan": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")})
    client = app.test_client()
    sign_in(client)
    assert "SEARCH_STATS = False" in client.get("/admin/tim-kiem").get_data(as_text=True)


def _row_form(page: str, query: str) -> dict[str, str]:
    """The hidden fields of the add-a-name form on the row of `query`."""
    form = re.search(r'<form class="synonym-form"[^>]*>(?:(?!</form>).)*name="query" value="%s".*?</form>' % re.escape(query), page, re.S)
    assert form, f"no form for {query}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def test_a_search_that_found_nothing_is_fixed_from_its_row(app, staff, instance) -> None:
    citizen = app.test_client()
    assert citizen.get("/api/search?q=chích ngừa").get_json()["total"] == 0
    assert app.extensions["bantin.search_stats"].flush()
    fields = _row_form(staff.get("/admin/tim-kiem").get_data(as_text=True), "chích ngừa")
    assert fields["next"].startswith("/admin/tim-kiem")
    # The same spelling but for its marks is refused with the reason, on the page staff came from.
    refused = staff.post("/admin/dong-nghia/them", data={**fields, "also": "Chích Ngừa"}, follow_redirects=True)
    assert refused.request.path == "/admin/tim-kiem"
    assert "chỉ khác nhau ở dấu hay chữ hoa" in refused.get_data(as_text=True)
    assert citizen.get("/api/search?q=chích ngừa").get_json()["total"] == 0
    added = staff.post("/admin/dong-nghia/them", data={**fields, "also": "tiêm chủng"})
    assert added.status_code == 303 and added.headers["Location"] == fields["next"]
    assert "Đã thêm" in staff.get(added.headers["Location"]).get_data(as_text=True)
    assert citizen.get("/api/search?q=chích ngừa").get_json()["total"] > 0  # no rebuild
    assert "chích ngừa = tiêm chủng" in (instance / "synonyms.txt").read_text(encoding="utf-8")
