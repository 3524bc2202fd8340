"""JSON API: /api/search, /api/articles/<id>, /healthz, and their description at
/api/openapi.json. Errors are JSON too (see web.plumbing.errors)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, jsonify, request

from search.storage.generations import IndexMissing
from web.pages.links import article_links, links_maker
from web.pages.params import search_args
from web.plumbing import metrics, search_stats
from web.state import engine

blueprint = Blueprint("api", __name__)

# The document changes only with a new release: clients may keep it an hour, then revalidate.
OPENAPI_MAX_AGE = 3600


@blueprint.get("/api/search")
def search():
    args, error = search_args(request.args)
    if error:
        return jsonify(error=error), 400
    with metrics.searching():
        page = engine().search(**args)
    search_stats.count(page)
    data = page.to_dict()
    links = links_maker()
    for hit in data["results"]:
        hit["links"] = links(hit["id"])
    return jsonify(data)


@blueprint.get("/api/articles/<article_id>")
def article(article_id: str):
    found = engine().article(article_id)
    if found is None:
        return jsonify(error=f"không có bài viết “{article_id}”"), 404
    return jsonify({**found.to_dict(), "links": article_links(found.id)})


@blueprint.get("/healthz")
def healthz():
    try:
        current = engine()
        return jsonify(status="ok", generation=current.generation.name, documents=current.doc_count())
    except IndexMissing as exc:
        return jsonify(status="no-index", error=str(exc)), 503


@cache
def openapi_document() -> dict[str, Any]:
    """The API's description as written in openapi.json, read once per process."""
    return json.loads(files(__package__).joinpath("openapi.json").read_text(encoding="utf-8"))


@cache
def _openapi_body(script_root: str) -> bytes:
    # Paths in the document are from the site's root: a site mounted under a
    # prefix names it as its server, so a client's calls carry it too.
    document = {**openapi_document(), "servers": [{"url": script_root or "/"}]}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


@blueprint.get("/api/openapi.json")
def openapi() -> Response:
    response = Response(_openapi_body(request.script_root), mimetype="application/json")
    response.cache_control.public = True
    response.cache_control.max_age = OPENAPI_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)
