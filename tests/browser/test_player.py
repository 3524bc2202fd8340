"""The article's audio player in Chromium: it plays the real MP3 (espeak-ng), follows the
sentence being read, changes speed, skips by sentence, answers its keys, and passes axe
while reading; without JavaScript it is the browser's own player and a download link."""

from __future__ import annotations

import pytest

from tests.browser.pages import ARTICLE, THEMES, open_fold
from tests.browser.test_accessibility import findings

pytestmark = pytest.mark.browser

READING = """() => {
  const audio = document.querySelector('.player audio');
  const now = document.querySelector('.sentence.is-reading');
  const box = now ? now.getBoundingClientRect() : null;
  return {
    time: audio.currentTime,
    rate: audio.playbackRate,
    paused: audio.paused,
    index: now ? Number(now.dataset.sentence) : -1,
    text: now ? now.textContent : '',
    inView: !!box && box.top >= 0 && box.bottom <= innerHeight,
    status: document.querySelector('.player [role=status]').textContent.trim(),
  };
}"""


def reading(page) -> dict:
    return page.evaluate(READING)


def wait_for_sentence(page, index: int) -> None:
    page.wait_for_function(
        "i => { const n = document.querySelector('.sentence.is-reading'); return n && Number(n.dataset.sentence) === i; }",
        arg=index,
    )


def test_play_read_along_speed_and_skip(visitor) -> None:
    page = visitor.page
    page.goto(f"/articles/{ARTICLE}")
    assert page.evaluate("document.querySelector('.player audio').controls") is False

    # Never played before: the audio is streamed while it is made, the timings polled.
    play = page.get_by_role("button", name="Phát")
    play.click()
    page.wait_for_function("() => document.querySelector('.player audio').currentTime > 0.2")
    timings = page.request.get(f"/articles/{ARTICLE}/audio.json").json()
    wait_for_sentence(page, 0)
    now = reading(page)
    assert play.get_attribute("aria-pressed") == "true" and not now["paused"]
    assert now["text"] == timings[0]["text"] == page.locator("h1").inner_text()
    assert now["status"] == "Đang phát"

    # Speed: the button (with the player's options), then the "]" key, each shown
    # with aria-pressed and announced.
    open_fold(page, "Tùy chọn nghe")
    page.get_by_role("button", name="1,5 lần").click()
    assert reading(page)["rate"] == 1.5
    page.keyboard.press("]")
    now = reading(page)
    assert now["rate"] == 1.75 and now["status"] == "Tốc độ đọc 1,75 lần"
    assert page.get_by_role("button", name="1,75 lần").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="1,5 lần").get_attribute("aria-pressed") == "false"

    # Next sentence: the audio jumps to its start and the highlight moves with it.
    page.get_by_role("button", name="Câu sau").click()
    wait_for_sentence(page, 1)
    now = reading(page)
    assert now["time"] >= timings[1]["start"] - 0.1 and now["text"] == timings[1]["text"]
    page.keyboard.press("l")
    wait_for_sentence(page, 2)

    # Played on, the highlight follows the audio by itself, and stays in view.
    page.evaluate("t => { document.querySelector('.player audio').currentTime = t; }", timings[6]["end"] - 0.3)
    wait_for_sentence(page, 7)
    page.wait_for_function(f"() => ({READING})().inView")  # scrolled to it (smoothly)

    # "k" pauses and plays; so does the button.
    page.keyboard.press("k")
    page.wait_for_selector(".player-play[aria-pressed=false]")
    now = reading(page)
    assert now["paused"] and now["status"] == "Đã tạm dừng"
    # "j": at the start of a sentence, the one before; well into it, its own start again.
    page.evaluate("t => { document.querySelector('.player audio').currentTime = t; }", timings[5]["start"] + 0.1)
    wait_for_sentence(page, 5)
    page.keyboard.press("j")
    wait_for_sentence(page, 4)
    page.evaluate("t => { document.querySelector('.player audio').currentTime = t; }", timings[4]["start"] + 2.5)
    page.keyboard.press("j")
    page.wait_for_function(
        "t => Math.abs(document.querySelector('.player audio').currentTime - t) < 0.05", arg=timings[4]["start"]
    )
    assert reading(page)["index"] == 4 and reading(page)["status"] == f"Câu 5/{len(timings)}"
    play.click()
    page.wait_for_function("() => !document.querySelector('.player audio').paused")

    # While a sentence is highlighted, axe still finds nothing, in every theme.
    problems = {}
    for theme in THEMES:
        page.evaluate("t => { document.documentElement.dataset.theme = t; }", theme)
        found = findings(page)
        if found:
            problems[theme] = found
    assert problems == {}


def test_shortcuts_stay_out_of_typing_and_can_be_turned_off(visitor) -> None:
    page = visitor.page
    page.goto(f"/articles/{ARTICLE}")
    page.locator("#q").fill("k")  # typing a "k" in the search box is typing
    assert reading(page)["paused"] and page.locator("#q").input_value() == "k"
    open_fold(page, "Tùy chọn nghe")
    page.locator(".player-keys summary").click()
    page.get_by_label("Dùng phím tắt").uncheck()
    page.keyboard.press("k")
    assert reading(page)["paused"]
    page.reload()  # remembered
    assert not page.get_by_label("Dùng phím tắt", exact=True).is_checked()


def test_without_javascript_the_browser_player_and_download(make_visitor) -> None:
    visitor = make_visitor(java_script_enabled=False)
    page = visitor.page
    page.goto(f"/articles/{ARTICLE}")
    audio = page.locator(".player audio")
    assert audio.is_visible() and audio.get_attribute("controls") is not None
    assert audio.get_attribute("preload") == "none" and audio.get_attribute("autoplay") is None
    assert page.locator("[data-controls]").evaluate_all("parts => parts.length === 4 && parts.every(p => p.hidden)")
    open_fold(page, "Tùy chọn nghe")  # a <details>: it opens without the script too
    link = page.get_by_role("link", name="Tải về tệp âm thanh (MP3)")
    download = page.request.get(link.get_attribute("href"))
    assert download.ok and download.headers["content-type"] == "audio/mpeg"
    assert download.headers["content-disposition"].startswith("attachment; filename=")
