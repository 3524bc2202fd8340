"""POST /preferences: the text size, line spacing and theme buttons.

The buttons are a plain form, so they work without JavaScript: the answer is a
303 back to the page the reader was on. reader.js posts the same form with
`Accept: application/json` and applies the answer without reloading, which
keeps the reader's place in a long article.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, redirect, request

from web.pages.display import COOKIE_MAX_AGE, THEMES, Display
from web.pages.return_path import local_path

blueprint = Blueprint("preferences", __name__)

# Where the no-JavaScript reload lands: the controls the reader just used. For one
# of the folded settings that is inside the fold, and the browser opens a <details>
# that holds the target of the address's fragment, so the fold stays open.
CONTROLS_ANCHOR = "#hien-thi"
FOLDED_ANCHOR = "#hien-thi-them"


def controls_anchor(form) -> str:
    folded = "theme" in form or "spacing" in form or form.get("font") == "reset"
    return FOLDED_ANCHOR if folded else CONTROLS_ANCHOR


def current() -> Display:
    """This request's preferences, read from its cookies once."""
    if "display" not in g:
        g.display = Display.from_cookies(request.cookies)
    return g.display


def return_path() -> str:
    """This page's own path and query, for the forms' `next` field."""
    full = request.full_path
    return full[:-1] if full.endswith("?") else full


@blueprint.post("/preferences")
def update() -> Response:
    display = current().changed(request.form)
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(display.to_dict())
    else:
        response = redirect(local_path(request.form.get("next")) + controls_anchor(request.form), code=303)
    for name, value in display.cookies().items():
        response.set_cookie(
            name, value, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=request.is_secure
        )
    return response


def register(app) -> None:
    app.register_blueprint(blueprint)
    app.context_processor(lambda: {"display": current(), "return_path": return_path(), "THEMES": THEMES})
