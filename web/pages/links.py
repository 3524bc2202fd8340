"""Where an article lives on this site, for the API: its reader page, its audio and its JSON.

A client given these links need not know the route layout, nor where the site is
mounted: url_for builds them from the app's own routes, root-relative with the
prefix the site is served under (SCRIPT_NAME). The audio routes belong to
listening/, which pages/ may not import; they are named here by endpoint, a
string, and create_app always registers them (they answer 503 with the reason
when speech is not usable, so the link stays right).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from web.plumbing.article_ids import ARTICLE_ID

# Key in the API's answer -> endpoint of the route it names.
ENDPOINTS = {
    "reader": "reader.article",
    "audio": "audio.mp3",
    "audio_timings": "audio.timings",
    "api": "api.article",
}


# Stands for the id in addresses built once per request: an id like ARTICLE_ID
# (URL-safe characters only) is written as url_for would write it.
_ID = "0ARTICLE-ID0"


def article_links(article_id: str) -> dict[str, str]:
    """The site's own addresses of one article (call inside a request)."""
    return {key: url_for(endpoint, article_id=article_id) for key, endpoint in ENDPOINTS.items()}


def links_maker() -> Callable[[str], dict[str, str]]:
    """`article_links` for the many hits of one request: url_for runs four times
    per request, not four times per hit (a page of 100 hits cost milliseconds)."""
    templates = article_links(_ID)

    def links(article_id: str) -> dict[str, str]:
        if not ARTICLE_ID.fullmatch(article_id):
            return article_links(article_id)
        return {key: template.replace(_ID, article_id) for key, template in templates.items()}

    return links
