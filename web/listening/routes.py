"""An article's audio over HTTP: the MP3 and its sentence timings.

GET /articles/<id>/audio.mp3[?download=1]
    Finished audio is the cached file: Range requests (206), a strong ETag
    (If-None-Match -> 304), `Cache-Control: public, no-cache`: the URL names the
    article, not the sound, so the same URL gives other bytes once the article
    or the voice changes; caches keep the file and revalidate it, which the
    content-addressed ETag makes a 304. `download=1` adds `Content-Disposition:
    attachment` with an ASCII file name made from the article id.
    Audio still being made is streamed as it is produced (200, `Cache-Control:
    no-store`, `Accept-Ranges: none`), so a reader hears the title at once. A
    Range request then: `bytes=0-`, what a browser's first media request sends,
    gets that stream at once; any other range waits up to RANGE_WAIT seconds for
    the finished file (206), else gets the stream from byte 0 (200: a server may
    ignore Range).

GET /articles/<id>/audio.json[?partial=1]
    The sentence timings, a list `[{"start", "end", "text", "part", "paragraph"}]`
    (seconds into the MP3; `part` is title/lead/caption/body, `paragraph` the body
    paragraph's index). `X-Audio-Complete: true` when it is the whole article
    (with an ETag), `false` when synthesis is still running. Without `partial`
    it waits up to TIMINGS_WAIT seconds for the whole list; with `partial=1` it
    answers at once with the sentences made so far, for a player that polls.

Errors are JSON `{"error": "<Vietnamese>"}`: 404 for an unknown article or one
with nothing to read, 503 when the audio cannot be made (engines failed, bad
settings, no index), 416 for a range past the end. Never HTML, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import Blueprint, Response, jsonify, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from search.article import Article
from search.storage.generations import IndexMissing
from search.language.text import slugify
from speech.cache import AudioEntry
from speech.errors import NothingToSay, SpeechError
from speech.synthesis import AudioJob
from web.listening.service import start
from web.state import engine

log = logging.getLogger(__name__)

blueprint = Blueprint("audio", __name__)

RANGE_WAIT = 5.0  # seconds a Range request past byte 0 waits for the finished file
TIMINGS_WAIT = 10.0  # seconds audio.json waits for the whole list
STREAM_WAIT = 30.0  # seconds a stream waits for the next audio before it gives up


class AudioProblem(Exception):
    """An answer other than audio, as JSON."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _json_error(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


@blueprint.errorhandler(AudioProblem)
def _problem(error: AudioProblem) -> Response:
    return _json_error(str(error), error.status)


@blueprint.errorhandler(SpeechError)
def _speech_error(error: SpeechError) -> Response:
    if isinstance(error, NothingToSay):
        return _json_error("bài viết này không có nội dung để đọc", 404)
    return _json_error(str(error), 503)


@blueprint.errorhandler(TimeoutError)
def _timeout(error: TimeoutError) -> Response:
    return _json_error(str(error) or "âm thanh chưa tạo xong; xin thử lại sau ít giây", 503)


@blueprint.errorhandler(IndexMissing)
def _no_index(error: IndexMissing) -> Response:
    return _json_error(str(error), 503)


def _article(article_id: str) -> Article:
    found = engine().article(article_id)
    if found is None:
        raise AudioProblem(f"không có bài viết “{article_id}”", 404)
    return found


def download_name(article: Article) -> str:
    """An ASCII file name from the article id (`Tin số 2/2024` -> `tin-so-2-2024.mp3`):
    every system and browser keeps it as it is."""
    for text in (article.id, article.title):
        slug = slugify(text, 80)
        if slug:
            return f"{slug}.mp3"
    return "bai-viet.mp3"


def _settle(started: AudioEntry | AudioJob, wait: float) -> AudioEntry | AudioJob:
    """The finished entry if there is one within `wait` seconds (0: if already done),
    else the running job. Raises the job's error if it failed."""
    if isinstance(started, AudioEntry):
        return started
    try:
        return started.result(wait)
    except TimeoutError:
        return started


@blueprint.get("/articles/<article_id>/audio.mp3")
def mp3(article_id: str) -> Response:
    article = _article(article_id)
    ranged = request.range is not None and request.range.ranges != [(0, None)]
    started = _settle(start(article), RANGE_WAIT if ranged else 0)
    attach = request.args.get("download") == "1"
    if isinstance(started, AudioEntry):
        return _file(started, download_name(article), attach)
    return _stream(article, started, download_name(article), attach)


def _file(entry: AudioEntry, name: str, attach: bool) -> Response:
    try:
        response = send_file(
            entry.path,
            mimetype="audio/mpeg",
            conditional=True,
            etag=entry.etag,
            as_attachment=attach,
            download_name=name,
        )
    except RequestedRangeNotSatisfiable:
        return _json_error(
            "đoạn yêu cầu nằm ngoài tệp âm thanh", 416, {"Content-Range": f"bytes */{entry.size}"}
        )
    except FileNotFoundError:  # evicted between the lookup and now
        raise AudioProblem("tệp âm thanh vừa bị xóa khỏi bộ nhớ đệm; xin tải lại trang", 503) from None
    response.cache_control.public = True
    return response


def _stream(article: Article, job: AudioJob, name: str, attach: bool) -> Response:
    chunks = job.stream(wait=STREAM_WAIT)
    # The first piece is awaited here, so a synthesis that fails from the start
    # is still a JSON 503, not an empty 200.
    first = next(chunks, b"")

    def body() -> Iterator[bytes]:
        yield first
        try:
            yield from chunks
        except (SpeechError, TimeoutError) as exc:
            # Headers are gone: the listener gets a shorter file, the log the reason.
            log.warning("audio stream of %s cut short: %s", article.id, exc)

    response = Response(body(), mimetype="audio/mpeg")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Accept-Ranges"] = "none"
    response.headers.set("Content-Disposition", "attachment" if attach else "inline", filename=name)
    return response


@blueprint.get("/articles/<article_id>/audio.json")
def timings(article_id: str) -> Response:
    article = _article(article_id)
    partial = request.args.get("partial") == "1"
    started = _settle(start(article), 0 if partial else TIMINGS_WAIT)
    if isinstance(started, AudioJob):
        response = jsonify(started.timings())
        response.headers["X-Audio-Complete"] = "false"
        response.headers["Cache-Control"] = "no-store"
        return response
    response = jsonify(started.timings())
    response.headers["X-Audio-Complete"] = "true"
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.set_etag(f"{started.etag}-timings")
    return response.make_conditional(request)
