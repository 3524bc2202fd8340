"""The API's published shape (/api/openapi.json) is what the API answers.

Each answer the test client gets, errors included, is validated against the
schema the document gives for its path and status, with JSON Schema 2020-12
(the dialect OpenAPI 3.1 names) and `$ref`s resolved inside the document. The
schemas forbid unlisted fields, so a field added to an answer without its
description fails here; so does a route added under /api/ without one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.engine import MAX_PAGE, MAX_PER_PAGE, SORTS
from search.query.parse import MAX_QUERY_CHARS
from web.listening.service import audio_service
from web.pages.api import OPENAPI_MAX_AGE, openapi_document
from web.pages.links import ENDPOINTS
from web.plumbing.article_ids import ARTICLE_ID

DOCUMENT_URI = "urn:bantin:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Routes a client of the API may call or is linked to; the HTML pages are not described.
DESCRIBED = re.compile(r"^/api/|^/healthz$|^/articles/<[^>]+>/audio\.(mp3|json)$")
SHORT_ARTICLE = "bai-co-ma-html"  # a title and two sentences: its audio is made in a second


@pytest.fixture
def document(client) -> dict[str, Any]:
    """The document as the site serves it."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in ("#", *parts))


def _response(document: dict[str, Any], path: str, status: int) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The response object the document gives for GET `path` and `status`, and where it stands."""
    where: tuple[str, ...] = ("paths", path, "get", "responses", str(status))
    response = document["paths"][path]["get"]["responses"].get(str(status))
    assert response is not None, f"{path} does not describe status {status}"
    if "$ref" in response:
        where = tuple(response["$ref"].removeprefix("#/").split("/"))
        response = document["components"]["responses"][where[-1]]
    return response, where


def validate(document: dict[str, Any], path: str, response) -> Any:
    """Check `response` (from the test client) against the document; return its JSON."""
    described, where = _response(document, path, response.status_code)
    assert response.mimetype in described.get("content", {}), (path, response.status_code, response.mimetype)
    body = response.get_json()
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, DRAFT202012))
    schema = {"$ref": DOCUMENT_URI + _pointer(*where, "content", "application/json", "schema")}
    validator = Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, (path, response.status_code, errors)
    return body


# --- the document itself -------------------------------------------------------------


def test_the_document_is_openapi_31_with_valid_schemas(document) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"title", "version"} <= set(document["info"])
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for parameter in document["components"]["parameters"].values():
        assert {"name", "in", "schema"} <= set(parameter)
        assert parameter["in"] != "path" or parameter["required"] is True
        Draft202012Validator.check_schema(parameter["schema"])


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_every_reference_leads_somewhere(document) -> None:
    for ref in _refs(document):
        assert ref.startswith("#/"), ref
        node: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            assert part in node, f"{ref} leads nowhere"
            node = node[part]


def test_every_operation_describes_its_answers_and_path_parameters(document) -> None:
    components = document["components"]
    for path, item in document["paths"].items():
        for method in set(item) & set(METHODS):
            operation = item[method]
            assert operation.get("responses") and "200" in operation["responses"], (path, method)
            parameters = [
                components["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
                for p in operation.get("parameters", [])
            ]
            in_path = {p["name"] for p in parameters if p["in"] == "path"}
            assert in_path == set(re.findall(r"\{(\w+)\}", path)), path


def test_the_document_lists_exactly_the_described_routes(app, document) -> None:
    """A route added under /api/ (or moved) fails here until the document says what it answers."""
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if DESCRIBED.match(rule.rule)
    }
    assert routes == set(document["paths"])


def test_the_limits_are_those_of_the_code(document) -> None:
    parameters = document["components"]["parameters"]
    assert parameters["page"]["schema"]["maximum"] == MAX_PAGE
    assert parameters["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert parameters["sort"]["schema"]["enum"] == list(SORTS)
    assert f"first {MAX_QUERY_CHARS} characters" in parameters["q"]["description"]
    assert parameters["article_id"]["schema"]["pattern"] == f"^{ARTICLE_ID.pattern}$"
    assert set(document["components"]["schemas"]["Links"]["properties"]) == set(ENDPOINTS)


def test_the_document_is_served_cacheable(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.mimetype == "application/json"
    assert response.cache_control.public and response.cache_control.max_age == OPENAPI_MAX_AGE
    assert response.get_json()["servers"] == [{"url": "/"}]
    again = client.get("/api/openapi.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert response.get_json()["paths"] == openapi_document()["paths"]


# --- real answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("q=tinh", lambda d: d["total"] == 29 and len(d["results"]) == 10),
        ("q=tuyen+sinh", lambda d: d["suggestion"] == "tuyển sinh"),
        ("q=tinh&category=Kinh+t%E1%BA%BF&from=2023-01-01&to=2025-12-31&sort=date",
         lambda d: d["results"] and {r["category"] for r in d["results"]} == {"Kinh tế"}),
        ("q=tinh&page=2&per_page=5", lambda d: d["page"] == 2 and len(d["results"]) == 5),
        ("q=xyzzy+qwrty", lambda d: d["total"] == 0 and d["results"] == []),
        ("q=", lambda d: d["total"] == 0 and d["facets"] == {}),
        ("q=ubnd", lambda d: d["expansions"]),
        ("q=" + "ng%C3%A0y+" * 2000, lambda d: len(d["query"]) <= MAX_QUERY_CHARS),
        ("q=tinh&per_page=abc&page=-3", lambda d: d["per_page"] == 10 and d["page"] == 1),
        ("q=tinh&per_page=100000", lambda d: d["per_page"] == MAX_PER_PAGE),
        ("q=tuyen+si&prefix=1", lambda d: d["total"] > 0),
    ],
)
def test_searches_answer_as_described(client, document, query: str, check) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert check(validate(document, "/api/search", response))


@pytest.mark.parametrize(
    "query", ["q=x&from=not-a-date", "q=x&to=2024-13-01", "q=x&from=2024-05-01&to=2024-01-01", "q=x&sort=popular"]
)
def test_bad_parameters_answer_400_as_described(client, document, query: str) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    validate(document, "/api/search", response)


def test_an_article_and_a_missing_one(client, document) -> None:
    article = validate(document, "/api/articles/{article_id}", client.get("/api/articles/2024-03-15-tuyen-sinh-lop-10"))
    assert article["links"]["api"] == "/api/articles/2024-03-15-tuyen-sinh-lop-10"
    for missing in ("khong-co", ".an", "x" * 300):
        response = client.get(f"/api/articles/{missing}")
        assert response.status_code == 404
        validate(document, "/api/articles/{article_id}", response)


def test_health(client, document) -> None:
    assert validate(document, "/healthz", client.get("/healthz"))["status"] == "ok"


def test_no_index_answers_503_as_described(make_app, document, tmp_path: Path) -> None:
    client = make_app(INDEX_DIR=str(tmp_path / "none")).test_client()
    for path, url in [
        ("/api/search", "/api/search?q=x"),
        ("/api/articles/{article_id}", "/api/articles/x"),
        ("/healthz", "/healthz"),
    ]:
        response = client.get(url)
        assert response.status_code == 503
        validate(document, path, response)


def test_too_many_searches_answer_429_as_described(make_app, document) -> None:
    client = make_app(SEARCH_RATE_LIMIT="1 per minute").test_client()
    assert client.get("/api/search?q=tinh").status_code == 200
    refused = client.get("/api/search?q=tinh")
    assert refused.status_code == 429
    assert validate(document, "/api/search", refused)["retry_after"] >= 1


# --- the links ---------------------------------------------------------------------------


@pytest.fixture
def speaking_app(make_app, tmp_path):
    """The site with the offline voice, so the audio links answer with audio."""
    made = make_app(AUDIO_DIR=str(tmp_path / "audio"), TTS_ENGINES="espeak")
    yield made
    with made.app_context():
        audio_service().close()


def test_the_links_of_a_hit_lead_to_its_reader_audio_and_json(speaking_app, document) -> None:
    client = speaking_app.test_client()
    hits = client.get("/api/search?q=l%E1%BB%ABa+%C4%91%E1%BA%A3o+qua+m%E1%BA%A1ng").get_json()["results"]
    hit = next(h for h in hits if h["id"] == SHORT_ARTICLE)
    links = hit["links"]
    assert links == {
        "reader": f"/articles/{SHORT_ARTICLE}",
        "audio": f"/articles/{SHORT_ARTICLE}/audio.mp3",
        "audio_timings": f"/articles/{SHORT_ARTICLE}/audio.json",
        "api": f"/api/articles/{SHORT_ARTICLE}",
    }
    reader = client.get(links["reader"])
    assert reader.status_code == 200 and reader.mimetype == "text/html"
    article = validate(document, "/api/articles/{article_id}", client.get(links["api"]))
    assert article["id"] == SHORT_ARTICLE and article["links"] == links
    timings = client.get(links["audio_timings"])
    assert timings.status_code == 200 and timings.headers["X-Audio-Complete"] == "true"
    assert validate(document, "/articles/{article_id}/audio.json", timings)[0]["part"] == "title"
    audio = client.get(links["audio"])
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert audio.data[0] == 0xFF and audio.data[1] & 0xE0 == 0xE0  # an MPEG frame's sync bits


def test_links_carry_the_prefix_the_site_is_mounted_under(client, document) -> None:
    """Behind a portal at /tin, the links and the document's server say /tin."""
    hit = client.get("/api/search?q=tinh", base_url="http://localhost/tin").get_json()["results"][0]
    assert all(link.startswith("/tin/") for link in hit["links"].values())
    assert client.get(hit["links"]["api"].removeprefix("/tin"), base_url="http://localhost/tin").status_code == 200
    served = client.get("/api/openapi.json", base_url="http://localhost/tin").get_json()
    assert served["servers"] == [{"url": "/tin"}]
