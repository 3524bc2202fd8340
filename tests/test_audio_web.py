"""Article audio over HTTP and the podcast feed, through Flask's test client, with the real
offline voice (espeak-ng) and an audio cache in a tmp folder."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from index.build import build
from search.article import Article
from search.storage.generations import IndexStore
from speech.pcm import mp3_to_pcm, seconds
from speech.script import script_for
from tests.speech_helpers import PARAGRAPHS, long_article
from web import create_app
from web.listening.routes import download_name
from web.listening.service import audio_service

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
HOSTILE_TITLE = "Điện & nước: giá <mới> từ 1/7"

ARTICLES = [
    Article(id="bai-dien-nuoc", title=HOSTILE_TITLE, body=PARAGRAPHS[:1], lead="Giá điện, nước điều chỉnh.",
            date=dt.date(2024, 6, 20), category="Kinh tế"),
    Article(id="bai-y-te", title="Tiêm chủng mở rộng", body=PARAGRAPHS[1:2], date=dt.date(2024, 5, 2), category="Y tế"),
    Article(id="bai-moi-nhat", title="Bài mới nhất chưa có âm thanh", body=PARAGRAPHS[2:3], date=dt.date(2024, 7, 1),
            category="Y tế"),
    Article(id="bai-khong-ngay", title="Bài không ghi ngày", body=PARAGRAPHS[:1], category="Y tế"),
    # Punctuation only: an article with nothing to read aloud.
    Article(id="bai-im-lang", title="…", body=("* * *",), date=dt.date(2024, 1, 1)),
    long_article(),  # "bai-dai": long enough that its synthesis is still running when asked
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("audio-web")
    source = root / "articles.jsonl"
    source.write_text(
        "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    store = IndexStore(root / "index")
    build([str(source)], store, jobs=1)
    return str(store.root)


@pytest.fixture
def app(make_app, index_dir, tmp_path):
    made = make_app(INDEX_DIR=index_dir, AUDIO_DIR=str(tmp_path / "audio"), TTS_ENGINES="espeak")
    yield made
    with made.app_context():
        audio_service().close()


def ready_entry(app, article_id: str):
    """The finished audio, made now if needed (as `bantin audio warm` would)."""
    with app.app_context():
        article = app.extensions["bantin.engine"].article(article_id)
        return audio_service().get(article, timeout=60)


def assert_json_error(response, status: int, words: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert words in response.get_json()["error"]


# --- the MP3 -------------------------------------------------------------------


def test_first_request_streams_then_the_cached_file_is_served(app, client) -> None:
    streamed = client.get("/articles/bai-dai/audio.mp3")
    assert streamed.status_code == 200 and streamed.mimetype == "audio/mpeg"
    assert streamed.headers["Cache-Control"] == "no-store"
    assert streamed.headers["Accept-Ranges"] == "none"
    assert "ETag" not in streamed.headers and "Content-Length" not in streamed.headers
    data = streamed.get_data()
    assert seconds(mp3_to_pcm(data)) > 60  # minutes of speech, not a truncated stream

    entry = ready_entry(app, "bai-dai")
    cached = client.get("/articles/bai-dai/audio.mp3")
    assert cached.status_code == 200
    assert cached.headers["ETag"] == f'"{entry.etag}"'
    assert cached.headers["Accept-Ranges"] == "bytes"
    assert int(cached.headers["Content-Length"]) == entry.size == len(data)
    assert cached.get_data() == data  # what was streamed is byte for byte the file cached
    assert set(cached.headers["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert cached.headers["Content-Disposition"] == "inline; filename=bai-dai.mp3"


def test_range_requests(app, client) -> None:
    entry = ready_entry(app, "bai-y-te")
    whole = entry.path.read_bytes()
    part = client.get("/articles/bai-y-te/audio.mp3", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{entry.size}"
    assert part.get_data() == whole[100:200]
    tail = client.get("/articles/bai-y-te/audio.mp3", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.get_data() == whole[-50:]
    beyond = client.get("/articles/bai-y-te/audio.mp3", headers={"Range": f"bytes={entry.size + 10}-"})
    assert_json_error(beyond, 416, "ngoài tệp âm thanh")
    assert beyond.headers["Content-Range"] == f"bytes */{entry.size}"


def test_range_while_synthesizing_waits_for_the_file(app, client) -> None:
    part = client.get("/articles/bai-dai/audio.mp3", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206
    entry = ready_entry(app, "bai-dai")
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{entry.size}"
    assert part.get_data() == entry.path.read_bytes()[1000:2000]


def test_browser_first_range_gets_the_stream_at_once(client) -> None:
    """Chromium's first media request is `Range: bytes=0-`: it must not wait for the whole file."""
    response = client.get("/articles/bai-dai/audio.mp3", headers={"Range": "bytes=0-"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(response.get_data()) > 0


def test_not_modified(app, client) -> None:
    entry = ready_entry(app, "bai-y-te")
    response = client.get("/articles/bai-y-te/audio.mp3", headers={"If-None-Match": f'"{entry.etag}"'})
    assert response.status_code == 304 and response.get_data() == b""
    other = client.get("/articles/bai-y-te/audio.mp3", headers={"If-None-Match": '"an-older-voice"'})
    assert other.status_code == 200 and len(other.get_data()) == entry.size


def test_download_link_names_the_file(app, client) -> None:
    ready_entry(app, "bai-y-te")
    response = client.get("/articles/bai-y-te/audio.mp3?download=1")
    assert response.headers["Content-Disposition"] == "attachment; filename=bai-y-te.mp3"
    streamed = client.get("/articles/bai-dai/audio.mp3?download=1")
    assert streamed.headers["Content-Disposition"] == "attachment; filename=bai-dai.mp3"


def test_download_names_are_ascii() -> None:
    assert download_name(Article(id="Tin số 2/2024", title="x")) == "tin-so-2-2024.mp3"
    assert download_name(Article(id="Đường ĐT.741", title="x")) == "duong-dt-741.mp3"
    assert download_name(Article(id="«»", title="Điện & nước")) == "dien-nuoc.mp3"
    assert download_name(Article(id="…", title="")) == "bai-viet.mp3"


# --- errors --------------------------------------------------------------------


@pytest.mark.parametrize("route", ["audio.mp3", "audio.json"])
def test_unknown_article_is_a_json_404(client, route: str) -> None:
    assert_json_error(client.get(f"/articles/khong-co/{route}"), 404, "không có bài viết “khong-co”")


@pytest.mark.parametrize("route", ["audio.mp3", "audio.json"])
def test_nothing_to_read_is_a_json_404(client, route: str) -> None:
    assert_json_error(client.get(f"/articles/bai-im-lang/{route}"), 404, "không có nội dung để đọc")


@pytest.mark.parametrize("route", ["audio.mp3", "audio.json"])
def test_failed_synthesis_is_a_json_503(index_dir, tmp_path, google_tts, route: str) -> None:
    google_tts.mode = "error"
    app = create_app({"INDEX_DIR": index_dir, "AUDIO_DIR": str(tmp_path / "audio"), "TTS_ENGINES": "gtts",
                      "GTTS_URL": google_tts.url})
    response = app.test_client().get(f"/articles/bai-y-te/{route}")
    assert_json_error(response, 503, "không tạo được âm thanh")
    assert "HTTP 503" in response.get_json()["error"]


def test_bad_speech_settings_leave_the_site_up(index_dir, tmp_path) -> None:
    app = create_app({"INDEX_DIR": index_dir, "AUDIO_DIR": str(tmp_path / "audio"), "TTS_ENGINES": "say"})
    client = app.test_client()
    assert_json_error(client.get("/articles/bai-y-te/audio.mp3"), 503, "BANTIN_TTS_ENGINES không hợp lệ")
    assert client.get("/articles/bai-y-te").status_code == 200
    assert client.get("/podcast.xml").status_code == 503


# --- timings -------------------------------------------------------------------


def test_timings(app, client) -> None:
    response = client.get("/articles/bai-dien-nuoc/audio.json")
    assert response.status_code == 200 and response.headers["X-Audio-Complete"] == "true"
    sentences = response.get_json()
    lines = script_for(ARTICLES[0]).lines
    assert [s["text"] for s in sentences] == [line.text for line in lines]
    assert sentences[0] == {**sentences[0], "text": HOSTILE_TITLE, "part": "title", "paragraph": 0}
    assert {s["part"] for s in sentences} == {"title", "lead", "body"}
    for before, after in zip(sentences, sentences[1:]):
        assert before["start"] < before["end"] <= after["start"] < after["end"]
    entry = ready_entry(app, "bai-dien-nuoc")
    assert sentences[-1]["end"] <= entry.duration
    again = client.get("/articles/bai-dien-nuoc/audio.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_partial_timings_while_synthesizing(client) -> None:
    early = client.get("/articles/bai-dai/audio.json?partial=1")
    assert early.status_code == 200 and early.headers["X-Audio-Complete"] == "false"
    assert early.headers["Cache-Control"] == "no-store" and "ETag" not in early.headers
    complete = client.get("/articles/bai-dai/audio.json")  # waits for the end
    assert complete.headers["X-Audio-Complete"] == "true"
    whole = complete.get_json()
    assert len(whole) == len(script_for(long_article()).lines)
    assert early.get_json() == whole[: len(early.get_json())]


# --- the podcast feed ----------------------------------------------------------


def feed(client, query: str = "") -> ET.Element:
    response = client.get(f"/podcast.xml{query}")
    assert response.status_code == 200 and response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def test_podcast_lists_only_ready_audio(app, client) -> None:
    assert feed(client).findall("item") == []
    entries = {key: ready_entry(app, key) for key in ("bai-y-te", "bai-dien-nuoc", "bai-khong-ngay")}
    channel = feed(client)
    for tag in ("title", "link", "description", "lastBuildDate"):
        assert (channel.findtext(tag) or "").strip(), tag
    newest = max(entry.created for entry in entries.values())
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")).timestamp() == int(newest)
    assert channel.findtext("language") == "vi"
    assert channel.find(f"{ITUNES}category").get("text") == "Government"
    assert channel.findtext(f"{ITUNES}explicit") == "false"

    items = channel.findall("item")
    # Newest first, the undated one last; "bai-moi-nhat" has no audio yet and is left out.
    assert [item.findtext("link").rsplit("/", 1)[1] for item in items] == ["bai-dien-nuoc", "bai-y-te", "bai-khong-ngay"]
    first = items[0]
    assert first.findtext("title") == HOSTILE_TITLE
    enclosure = first.find("enclosure")
    entry = entries["bai-dien-nuoc"]
    assert enclosure.get("url") == "http://localhost/articles/bai-dien-nuoc/audio.mp3"
    assert enclosure.get("type") == "audio/mpeg"
    assert int(enclosure.get("length")) == entry.size == Path(entry.path).stat().st_size
    guid = first.find("guid")
    assert guid.get("isPermaLink") == "false" and guid.text == "bantin:bai-dien-nuoc"
    assert parsedate_to_datetime(first.findtext("pubDate")).date() == dt.date(2024, 6, 20)
    hours, minutes, secs = map(int, first.findtext(f"{ITUNES}duration").split(":"))
    assert abs(hours * 3600 + minutes * 60 + secs - entry.duration) <= 1
    assert first.findtext("description") == "Giá điện, nước điều chỉnh."
    assert items[2].find("pubDate") is None
    # The enclosure is served as listed.
    assert len(client.get("/articles/bai-dien-nuoc/audio.mp3").get_data()) == int(enclosure.get("length"))
    # Unchanged, the feed is the same bytes: a podcast app revalidating gets a 304.
    etag = client.get("/podcast.xml").headers["ETag"]
    assert client.get("/podcast.xml", headers={"If-None-Match": etag}).status_code == 304


def test_podcast_of_one_section(app, client) -> None:
    for key in ("bai-y-te", "bai-dien-nuoc"):
        ready_entry(app, key)
    channel = feed(client, "?category=Y+t%E1%BA%BF")
    assert channel.findtext("title") == "Bản tin: Y tế"
    assert [item.findtext("category") for item in channel.findall("item")] == ["Y tế"]
    assert client.get("/podcast.xml?category=Kh%C3%B4ng+c%C3%B3").status_code == 404


def test_podcast_urls_use_the_public_address(index_dir, tmp_path) -> None:
    app = create_app({"INDEX_DIR": index_dir, "AUDIO_DIR": str(tmp_path / "audio"), "TTS_ENGINES": "espeak",
                      "BASE_URL": "https://tin.example.gov.vn/"})
    ready_entry(app, "bai-y-te")
    channel = feed(app.test_client())
    assert channel.findtext("link") == "https://tin.example.gov.vn/"
    assert channel.find("item/enclosure").get("url") == "https://tin.example.gov.vn/articles/bai-y-te/audio.mp3"
    with app.app_context():
        audio_service().close()


def test_feed_is_announced_on_every_page(client) -> None:
    for url in ("/", "/articles/bai-y-te", "/search?q=gia"):
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="alternate" type="application/rss+xml" title="Bản tin: nghe qua podcast" href="/podcast.xml">' in page
    assert 'href="/podcast.xml"' in client.get("/").get_data(as_text=True).split("<main", 1)[1]


# --- the player's markup -------------------------------------------------------


def test_player_markup_works_without_script(client) -> None:
    page = client.get("/articles/bai-y-te").get_data(as_text=True)
    assert '<audio class="player-audio" controls preload="none" src="/articles/bai-y-te/audio.mp3"></audio>' in page
    assert "autoplay" not in page
    assert '<a href="/articles/bai-y-te/audio.mp3?download=1" download>Tải về tệp âm thanh (MP3)</a>' in page
    # The script's own controls are hidden until it runs; the download is folded, not hidden.
    assert page.count("data-controls hidden>") == 4
    folded = page[page.index('<details class="player-more">') : page.index("</details>\n  <p class=\"player-status\"")]
    assert "<summary>Tùy chọn nghe</summary>" in folded and "Tải về tệp âm thanh (MP3)" in folded
    for name, keys in (("Phát", "K"), ("Câu trước", "J"), ("Câu sau", "L")):
        assert re.search(rf'aria-keyshortcuts="{keys}"[^>]*>{name}</button>', page), name
    assert 'aria-pressed="false" aria-keyshortcuts="K" data-play>Phát' in page
    assert page.index('<h1') < page.index('class="player"') < page.index('class="article-body"')
