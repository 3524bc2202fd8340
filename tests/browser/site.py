"""A small real site for the browser tests: the sample articles (with sections) on waitress.

The portal text exports in index/samples carry no section, so the fixture
rewrites them as JSON Lines with a section for most of them, and adds two
articles written to break things: markup in the text, and a very long word.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


from index.build import build
from index.sources.reader import read_sources
from search.article import Article
from search.storage.generations import IndexStore
from web import create_app
from web.serving.local_server import serving

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "index" / "samples"

SECTIONS = {
    "Giáo dục": ("tuyen-sinh-lop-10", "thi-tot-nghiep-thpt"),
    "Y tế": ("tiem-chung-mo-rong", "bao-hiem-y-te", "nang-nong-gay-gat"),
    "Kinh tế": ("xuc-tien-dau-tu", "san-pham-ocop", "tang-truong-grdp", "kim-ngach-xuat-khau", "du-lich-quy-i"),
    "Xã hội": ("qua-tet-quy-mao", "chi-tra-tro-cap", "xoa-nha-tam", "giai-quyet-viec-lam", "ngay-hoi-dai-doan-ket"),
}

# Both are real ways a source file can go wrong; neither may reach the page as markup.
HOSTILE = [
    Article(
        id="bai-co-ma-html",
        title="Cảnh báo <script>alert('xss')</script> lừa đảo qua mạng",
        lead="Đường dẫn giả <img src=x onerror=alert(1)> được gửi qua tin nhắn.",
        body=("Người dân không bấm vào đường dẫn lạ <b>đậm</b> trong tin nhắn.",),
        category="Thời sự",
        url="javascript:alert(1)",
    ),
    Article(
        id="bai-tu-rat-dai",
        title="Thông báo địa chỉ tra cứu hồ sơ trực tuyến",
        body=(
            "Người dân tra cứu tại https://dichvucong.binhan.gov.vn/tra-cuu/ho-so/"
            + "a" * 160
            + " trong giờ hành chính.",
        ),
        category="Thời sự",
    ),
]


def section_of(article_id: str) -> str:
    return next((name for name, keys in SECTIONS.items() if any(key in article_id for key in keys)), "")


def sample_articles() -> list[Article]:
    """The bundled samples, each under its file name as id, most with a section."""
    found = []
    for item in read_sources([SAMPLES]):
        if isinstance(item, Article):
            stem = Path(item.source).stem if item.source else item.id
            found.append(dataclasses.replace(item, id=stem, category=section_of(stem)))
    return sorted(found, key=lambda a: a.id)


def build_site_index(root: Path) -> IndexStore:
    source = root / "articles.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for article in sample_articles() + HOSTILE:
            out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    store = IndexStore(root / "index")
    build([str(source)], store, jobs=1)
    return store


@contextmanager
def live_server(index_dir: Path, threads: int = 4, config: dict | None = None) -> Iterator[str]:
    """The app on waitress, on a free local port, for as long as the block runs; its
    audio is made by the offline voice into a folder beside the index."""
    audio_dir = Path(index_dir).parent / "audio"
    app = create_app(
        {"INDEX_DIR": str(index_dir), "AUDIO_DIR": str(audio_dir), "TTS_ENGINES": "espeak", **(config or {})}
    )
    app.extensions["bantin.engine"].warm()
    with serving(app, threads) as url:
        yield url
