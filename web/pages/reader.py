"""The article reader: one article, large text, a way back to the results."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from web.pages.params import carried
from web.state import engine

blueprint = Blueprint("reader", __name__)


@blueprint.get("/articles/<article_id>")
def article(article_id: str):
    found = engine().article(article_id)
    if found is None:
        abort(404)
    # The results link carries its search (q, filters, page) so the breadcrumb can
    # lead back to exactly that results page; url_for rebuilds it on this site only.
    search = carried(request.args)
    return render_template("article.html", article=found, search=search, query=search.get("q", ""))
