"""The Flask site: pages, JSON API, and the `bantin` command that joins every package's commands.

Its rooms, each importing only those before it (tests/test_architecture.py):
plumbing/ (errors, security, limits, proxy, logging, assets), pages/ (search,
reader, API), listening/ (audio, podcast), admin/ (the staff's area),
serving/ (worker processes). Beside them, state.py reaches the app's shared
objects; on top, create_app here and the `bantin` command in cli.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from search.engine import SearchEngine
from search.paths import data_dir, default_index_dir
from search.storage.generations import IndexStore
from search.names.staff import SYNONYMS_FILE, StaffSynonyms


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: config from the instance folder, BANTIN_* variables, then `config`.

    Debug stays off unless a configuration turns it on explicitly (only for development).
    """
    from web import admin
    from web.pages import api, formatting, preferences, reader
    from web.pages import search as search_pages
    from web.plumbing import article_ids, assets, errors, limits, metrics, proxy, request_log, search_stats, security
    from web.serving import background

    app = Flask(__name__, instance_path=str(data_dir()), instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=str(default_index_dir()),
        DEBUG=False,
        MAX_CONTENT_LENGTH=1024 * 1024,
        TRUSTED_PROXIES=0,
        **limits.DEFAULTS,
        **search_stats.DEFAULTS,
        **metrics.DEFAULTS,
        **admin.DEFAULTS,
        **background.DEFAULTS,
    )
    app.config.from_pyfile("bantin.cfg", silent=True)
    app.config.from_prefixed_env("BANTIN")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    # The same file `bantin search` and `bantin index stats` read: <data folder>/synonyms.txt.
    synonyms = StaffSynonyms(Path(app.instance_path) / SYNONYMS_FILE)
    app.extensions["bantin.engine"] = SearchEngine(IndexStore(app.config["INDEX_DIR"]), synonyms=synonyms)

    proxy.register(app)
    app.register_blueprint(search_pages.blueprint)
    app.register_blueprint(reader.blueprint)
    app.register_blueprint(api.blueprint)
    preferences.register(app)
    assets.register(app)
    formatting.register(app)
    errors.register(app)
    security.register(app)
    request_log.register(app)
    metrics.register(app)
    search_stats.register(app)

    # Listening: the article audio, its player's routes, and the podcast feed.
    from web.listening import podcast, routes, service

    service.register(app)
    app.register_blueprint(routes.blueprint)
    app.register_blueprint(podcast.blueprint)
    article_ids.register(app)
    limits.register(app)
    admin.register(app)
    # Last: it limits routes found in the URL map, so every blueprint must be in it.
    limits.protect(app)
    return app
