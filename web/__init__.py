"""The Flask site: pages, JSON API, and the `bantin` command that joins every package's commands."""

from __future__ import annotations

from typing import Any

from flask import Flask

from search.engine import SearchEngine
from search.paths import data_dir, default_index_dir
from search.store import IndexStore


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: config from the instance folder, BANTIN_* variables, then `config`."""
    app = Flask(__name__, instance_path=str(data_dir()), instance_relative_config=True)
    app.config.from_mapping(INDEX_DIR=str(default_index_dir()))
    app.config.from_pyfile("bantin.cfg", silent=True)
    app.config.from_prefixed_env("BANTIN")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.extensions["bantin.engine"] = SearchEngine(IndexStore(app.config["INDEX_DIR"]))

    from web import api, pages

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    return app
