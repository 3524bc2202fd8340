"""The home page, the results page and the OpenSearch description: finding an article."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from search.engine import MAX_PAGE
from search.query.parse import MAX_QUERY_CHARS
from web.pages.pagination import page_numbers
from web.pages.params import carried, query_too_long, search_args
from web.plumbing import metrics, search_stats
from web.state import engine

blueprint = Blueprint("search", __name__)

# The form's own names for the parameters, for error messages a reader understands.
LABELS = {"from": "Từ ngày", "to": "Đến ngày", "sort": "Sắp xếp"}


@blueprint.app_context_processor
def search_box_limits() -> dict[str, int]:
    """Every page's search box stops where the engine stops reading."""
    return {"max_query_chars": MAX_QUERY_CHARS}


@blueprint.get("/")
def home():
    return render_template("home.html")


@blueprint.get("/search")
def results():
    args, error = search_args(request.args, LABELS)
    # A filter that cannot be read is dropped (and said so), not the whole search.
    active = carried(request.args, ("q",)) if error else carried(request.args)
    if error:
        args, _ = search_args(active)
    query = active.get("q", "")
    page = None
    if query:
        with metrics.searching():
            page = engine().search(**args)
        search_stats.count(page, followed_for=request.args.get("suggested_for"))
    categories = []
    if page is not None:
        categories = [facet.value for facet in page.facets.get("category", [])]
        chosen = active.get("category")
        if chosen and chosen not in categories:
            categories.append(chosen)
    params = {key: value for key, value in active.items() if key != "page"}
    return render_template(
        "search.html",
        query=query,
        page=page,
        error=error,
        too_long=query_too_long(request.args),
        form=request.args,
        params=params,
        # An article keeps the results page it came from, for its breadcrumb.
        article_params=dict(params, page=str(page.page)) if page and page.page > 1 else params,
        filtered=any(key in active for key in ("category", "from", "to")),
        categories=categories,
        numbers=page_numbers(page.page, min(page.pages, MAX_PAGE)) if page and page.total else [],
    )


@blueprint.get("/opensearch.xml")
def opensearch() -> Response:
    body = render_template("opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")
