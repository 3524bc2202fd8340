"""The app's shared objects, reached from views without importing the factory."""

from __future__ import annotations

from flask import current_app

from search.engine import SearchEngine


def engine() -> SearchEngine:
    return current_app.extensions["bantin.engine"]
