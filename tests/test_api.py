"""The JSON API and the search page through Flask's test client, on a real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import build
from search.storage.generations import IndexStore
from tests.test_search import write_articles


@pytest.fixture(scope="module")
def api_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("api")
    build([str(write_articles(root / "a.jsonl"))], IndexStore(root / "ix"), jobs=1)
    return root / "ix"


@pytest.fixture
def client(make_app, api_index):
    return make_app(INDEX_DIR=str(api_index)).test_client()


def test_search_shape_with_facets(client) -> None:
    data = client.get("/api/search?q=tuyen+sinh+lop+10").get_json()
    assert set(data) == {
        "query", "total", "page", "per_page", "sort", "results", "suggestion", "partial", "facets", "expansions"
    }
    assert data["results"][0]["id"] == "tuyen-sinh"
    assert data["suggestion"] == "tuyển sinh lớp 10"
    assert {"value": "Giáo dục", "count": 1} in data["facets"]["category"]


def test_search_filters_and_sort(client) -> None:
    data = client.get("/api/search?q=lớp&category=Giáo dục&from=2024-01-01&to=2024-12-31&sort=date").get_json()
    assert [r["id"] for r in data["results"]] == ["lop-hoc", "tuyen-sinh"]


@pytest.mark.parametrize(
    ("url", "message"),
    [("/api/search?q=x&from=28/05/2021", "YYYY-MM-DD"), ("/api/search?q=x&sort=popular", "sort")],
)
def test_bad_parameters_are_json_errors(client, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_page_size_is_capped(client) -> None:
    assert client.get("/api/search?q=thu&per_page=100000").get_json()["per_page"] == 100


def test_article_and_missing_article(client) -> None:
    assert client.get("/api/articles/cau").get_json()["title"] == "Thông xe cầu Hòa Phong trước Tết"
    missing = client.get("/api/articles/khong-co")
    assert missing.status_code == 404 and "khong-co" in missing.get_json()["error"]


def test_healthz(client) -> None:
    data = client.get("/healthz").get_json()
    assert data == {"status": "ok", "generation": "gen-000001", "documents": 10}


def test_search_page_escapes_and_suggests(client) -> None:
    html = client.get("/search?q=tin+nhan+<script>").get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "<script>" not in html
    assert "Có phải bạn muốn tìm" in html


def test_no_index_is_a_clear_503(make_app, tmp_path: Path) -> None:
    response = make_app(INDEX_DIR=str(tmp_path / "none")).test_client().get("/api/search?q=x")
    assert response.status_code == 503 and "bantin index build" in response.get_json()["error"]


def test_hits_and_articles_link_to_the_site_s_own_pages(client) -> None:
    hit = client.get("/api/search?q=tuyen+sinh+lop+10").get_json()["results"][0]
    links = {
        "reader": "/articles/tuyen-sinh",
        "audio": "/articles/tuyen-sinh/audio.mp3",
        "audio_timings": "/articles/tuyen-sinh/audio.json",
        "api": "/api/articles/tuyen-sinh",
    }
    assert hit["links"] == links
    assert client.get(links["api"]).get_json()["links"] == links
    assert client.get(links["reader"]).status_code == 200
    mounted = client.get("/api/articles/tuyen-sinh", base_url="http://localhost/tin").get_json()["links"]
    assert mounted == {key: f"/tin{path}" for key, path in links.items()}
