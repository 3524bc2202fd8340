"""/podcast.xml: the newest articles whose audio is ready, as a podcast any app can subscribe to.

RSS 2.0 with Apple's podcast (itunes:) tags. Only articles with finished audio
are listed (the feed never starts a synthesis: `bantin audio warm` makes the
audio of the newest articles), looked for among the newest FEED_SIZE x LOOKAHEAD
articles so that one request reads a bounded number of files. URLs are absolute:
BASE_URL (e.g. `https://tin.example.gov.vn`, for a site behind a TLS proxy) or
the address the request came to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from search.article import Article
from speech.cache import AudioEntry
from speech.errors import SpeechConfigError
from web.listening.service import audio_service
from web.state import engine

blueprint = Blueprint("podcast", __name__)

FEED_SIZE = 50
LOOKAHEAD = 4
DESCRIPTION_CHARS = 400
# Articles carry a day, not a time: they are dated at midnight where they are published.
VIETNAM = dt.timezone(dt.timedelta(hours=7))
# Podcast apps poll feeds every hour or so; ten minutes keeps a proxy from asking for each.
FEED_CACHE = "public, max-age=600"


@dataclass(frozen=True)
class Episode:
    article: Article
    entry: AudioEntry

    @property
    def published(self) -> str | None:
        if self.article.date is None:
            return None
        return format_datetime(dt.datetime.combine(self.article.date, dt.time(), tzinfo=VIETNAM))

    @property
    def duration(self) -> str:
        """H:MM:SS, the itunes:duration form every app reads."""
        seconds = round(self.entry.duration)
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    @property
    def summary(self) -> str:
        text = self.article.lead or next(iter(self.article.body), "")
        if len(text) <= DESCRIPTION_CHARS:
            return text
        return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def absolute(path: str) -> str:
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + path


def ready_episodes(category: str | None) -> list[Episode]:
    service = audio_service()
    episodes = []
    for article in engine().latest(FEED_SIZE * LOOKAHEAD, category):
        entry = service.ready(article)
        if entry is not None:
            episodes.append(Episode(article, entry))
            if len(episodes) == FEED_SIZE:
                break
    return episodes


@blueprint.errorhandler(SpeechConfigError)
def _audio_off(error: SpeechConfigError):
    return render_template("error.html", code=503, title="Chưa nghe được bài viết", text=str(error)), 503


@blueprint.get("/podcast.xml")
def feed() -> Response:
    category = (request.args.get("category") or "").strip() or None
    if category and not engine().has_category(category):
        abort(404)
    episodes = ready_episodes(category)
    # Built when its newest audio was made, not at each request: the same feed is the
    # same bytes, so its ETag lets podcast apps and proxies revalidate with a 304.
    made = max((episode.entry.created for episode in episodes), default=None)
    body = render_template(
        "audio/podcast.xml",
        category=category,
        episodes=episodes,
        absolute=absolute,
        self_url=absolute(url_for("podcast.feed", category=category)),
        built=format_datetime(dt.datetime.fromtimestamp(made, dt.timezone.utc), usegmt=True) if made else None,
    )
    response = Response(body, mimetype="application/rss+xml")
    response.headers["Cache-Control"] = FEED_CACHE
    response.add_etag()
    return response.make_conditional(request)
