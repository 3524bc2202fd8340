"""JSON API: /api/search, /api/articles/<id>, /healthz. Errors are JSON too (see web.errors)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from search.storage.generations import IndexMissing
from web.pages.params import search_args
from web.plumbing import metrics, search_stats
from web.state import engine

blueprint = Blueprint("api", __name__)


@blueprint.get("/api/search")
def search():
    args, error = search_args(request.args)
    if error:
        return jsonify(error=error), 400
    with metrics.searching():
        page = engine().search(**args)
    search_stats.count(page)
    return jsonify(page.to_dict())


@blueprint.get("/api/articles/<article_id>")
def article(article_id: str):
    found = engine().article(article_id)
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
