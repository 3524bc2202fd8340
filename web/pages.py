"""HTML pages: home, search results, the article reader."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from search.store import IndexMissing
from web.params import search_args
from web.state import engine

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home():
    return render_template("home.html")


@blueprint.get("/search")
def search():
    query = request.args.get("q", "")
    args, error = search_args(request.args)
    if error:
        args, _ = search_args({"q": query})
    try:
        page = engine().search(**args) if query.strip() else None
    except IndexMissing:
        return render_template("no_index.html"), 503
    return render_template("search.html", query=query, page=page, error=error)


@blueprint.get("/articles/<article_id>")
def article(article_id: str):
    try:
        found = engine().article(article_id)
    except IndexMissing:
        return render_template("no_index.html"), 503
    if found is None:
        abort(404)
    return render_template("article.html", article=found, query=request.args.get("q", ""))
