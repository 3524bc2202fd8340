"""Article ids in URLs are looked up, never used as paths: anything unlike an id is a 404.

Ids are made by index.sources.ids (a record's own id of at most 128 URL-safe
characters, or an ASCII slug with a hash), so a value with a slash, a dot
first, a control character or hundreds of characters cannot be one. Refusing it
here, before any view runs, keeps every route with an `<article_id>` (the
reader, the API, the audio files) from ever handing such a value on.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request

ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def _refuse_malformed() -> None:
    article_id = (request.view_args or {}).get("article_id")
    if article_id is not None and not ARTICLE_ID.fullmatch(article_id):
        abort(404)


def register(app: Flask) -> None:
    # A before_request hook (not a URL value preprocessor, which runs before every
    # hook) so that the refused request is still timed and logged like any other.
    app.before_request(_refuse_malformed)
