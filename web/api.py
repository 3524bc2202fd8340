"""JSON API: /api/search, /api/articles/<id>, /healthz. Errors are JSON too."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from search.store import IndexMissing
from web.state import engine

blueprint = Blueprint("api", __name__)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except ValueError:
        return default


@blueprint.get("/api/search")
def search():
    try:
        page = engine().search(
            request.args.get("q", ""), page=_int_arg("page", 1, 1, 1000), per_page=_int_arg("per_page", 10, 1, 100)
        )
    except IndexMissing as exc:
        return jsonify(error=str(exc)), 503
    return jsonify(page.to_dict())


@blueprint.get("/api/articles/<article_id>")
def article(article_id: str):
    try:
        found = engine().article(article_id)
    except IndexMissing as exc:
        return jsonify(error=str(exc)), 503
    if found is None:
        return jsonify(error=f"không có bài viết “{article_id}”"), 404
    return jsonify(found.to_dict())


@blueprint.get("/healthz")
def healthz():
    try:
        current = engine()
        return jsonify(status="ok", generation=current.generation.name, documents=current.doc_count())
    except IndexMissing as exc:
        return jsonify(status="no-index", error=str(exc)), 503
