"""Error pages in Vietnamese: HTML for people, JSON for the API. Never a bare 500.

Flask itself logs the traceback of an unhandled exception before the 500
handler runs, so the handlers here only choose what the visitor sees.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.storage.generations import IndexMissing

PAGES = {
    400: ("Yêu cầu không hợp lệ", "Địa chỉ hoặc dữ liệu gửi lên không đúng dạng."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không có hoặc đã được chuyển đi."),
    405: ("Thao tác không được hỗ trợ", "Trang này không nhận kiểu yêu cầu vừa gửi."),
    413: ("Dữ liệu quá lớn", "Dữ liệu gửi lên vượt quá giới hạn cho phép."),
    429: ("Quá nhiều yêu cầu", "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Xin đợi một lát rồi thử lại."),
    500: ("Đã có lỗi", "Máy chủ gặp lỗi khi xử lý yêu cầu. Xin thử lại sau ít phút."),
}
API = {
    400: "yêu cầu không hợp lệ",
    404: "không có địa chỉ này",
    405: "phương thức không được hỗ trợ ở địa chỉ này",
    413: "dữ liệu gửi lên quá lớn",
    429: "quá nhiều yêu cầu; hãy thử lại sau",
    500: "lỗi máy chủ; xin thử lại sau",
}
API_PREFIXES = ("/api/", "/healthz")


def is_api() -> bool:
    """Whether this request wants its errors as JSON: the API, and any `.json` address."""
    return request.path.startswith(API_PREFIXES) or request.path.endswith(".json")


def _http_error(error: HTTPException):
    code = error.code or 500
    if code < 400:
        return error
    if is_api():
        return jsonify(error=API.get(code, f"lỗi {code}")), code
    title, text = PAGES.get(code, (f"Lỗi {code}", "Yêu cầu không thực hiện được."))
    return render_template("error.html", code=code, title=title, text=text), code


def _index_missing(error: IndexMissing):
    if is_api():
        return jsonify(error=str(error)), 503
    return render_template("no_index.html"), 503


def register(app: Flask) -> None:
    # InternalServerError is an HTTPException: unhandled exceptions arrive here as one.
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexMissing, _index_missing)
