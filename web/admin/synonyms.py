"""The staff's synonyms file in the browser: read and edit it whole, or add one pair in one step.

The one-step add is what turns a search that found nothing into one that finds:
a page listing such queries posts `query` (what a citizen typed), `also` (how
the articles write it) and `next` (where to come back) to `admin.add_synonym`.
Both writes take effect at the next search, with no rebuild (search/names/staff.py).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask.wrappers import Response

from search.names.staff import StaffSynonyms
from web.admin.views import audit, blueprint
from web.pages.return_path import local_path
from web.state import engine

APPLIES_AT_ONCE = "Tìm kiếm dùng ngay, không cần lập lại chỉ mục."


def staff_synonyms() -> StaffSynonyms:
    return engine().synonyms


def _page(content: str, refused: list[str], status: int = 200, unreadable: str = "") -> tuple[str, int]:
    synonyms = staff_synonyms()
    count = len(synonyms.names())  # first: it reads the file again if it changed, and its errors
    page = render_template(
        "admin/synonyms.html",
        path=synonyms.path,
        content=content,
        refused=refused,
        # The file's own faults, shown while no save was refused (those come first).
        file_errors=[] if refused else synonyms.errors,
        count=count,
        unreadable=unreadable,
        query=request.args.get("query", ""),
        also=request.args.get("also", ""),
    )
    return page, status


@blueprint.get("/dong-nghia")
def synonyms() -> tuple[str, int]:
    try:
        return _page(staff_synonyms().content(), [])
    except (OSError, UnicodeDecodeError) as exc:
        return _page("", [], unreadable=str(exc))


@blueprint.post("/dong-nghia")
def save_synonyms() -> Response | tuple[str, int]:
    content = request.form.get("content", "")
    refused = staff_synonyms().save(content)
    if refused:
        # What was typed comes back as typed, to be mended; the file is unchanged.
        return _page(content, refused, 422)
    lines = len(staff_synonyms().names())  # read again at once: the lines now in use
    audit().append(g.staff, "synonyms-save", f"{lines} dòng", client=request.remote_addr)
    flash(f"Đã lưu tệp đồng nghĩa: {lines} dòng đang dùng. {APPLIES_AT_ONCE}", "notice")
    return redirect(url_for("admin.synonyms"), 303)


@blueprint.post("/dong-nghia/them")
def add_synonym() -> Response:
    query = " ".join(request.form.get("query", "").split())
    also = " ".join(request.form.get("also", "").split())
    line = f"{query} = {also}"
    refused = staff_synonyms().add([query, also])
    target = local_path(request.form.get("next"), refuse_prefix="/admin/login")
    back_here = not target.startswith("/admin/")
    if refused:
        flash(f"Chưa thêm “{line}”: {'; '.join(refused)}", "error")
        if back_here:  # the two fields filled again, to be mended
            return redirect(url_for("admin.synonyms", query=query, also=also, _anchor="them-cap"), 303)
    else:
        audit().append(g.staff, "synonym-add", line, client=request.remote_addr)
        flash(f"Đã thêm “{line}”. {APPLIES_AT_ONCE}", "notice")
    return redirect(url_for("admin.synonyms") if back_here else target, 303)
