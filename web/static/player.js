/* Bantin: the article's audio player, read-along included. Without this file the page
   keeps the browser's own <audio controls> and the download link.

   Sentence timings come from audio.json ([{start, end, text, part, paragraph}]);
   each sentence is found in the page's text (title, lead, caption or body
   paragraph: `part` and `paragraph` say which) and wrapped in a span, so the one
   being read can be highlighted. While the audio is still being made, the list
   grows: it is fetched again every second until X-Audio-Complete is "true".
   Audio that is still being made arrives as a stream the browser cannot seek
   far into; once it is complete, a jump reloads it as the cached file, which
   answers Range requests. */
(function () {
  "use strict";

  var player = document.querySelector("[data-player]");
  if (!player || !window.fetch) {
    return;
  }
  var audio = player.querySelector("audio");
  var controls = player.querySelectorAll("[data-controls]");
  var playButton = player.querySelector("[data-play]");
  var rateButtons = player.querySelectorAll("[data-rate]");
  var timeText = player.querySelector("[data-time]");
  var statusBox = player.querySelector("[data-status]");
  var keysBox = player.querySelector("[data-keys]");
  var timingsUrl = player.getAttribute("data-timings");
  var article = document.querySelector(".reader");

  var RATES = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var POLL_MS = 1000;
  var FIRST_POLL_MS = 250; // until the first sentence is there, to highlight it early
  var RESTART_SECONDS = 2; // "Câu trước" later than this into a sentence restarts it
  var STORE_RATE = "bantin.tocDo";
  var STORE_KEYS = "bantin.phimTat";

  var sentences = []; // {start, end, text, part, paragraph, node}
  var complete = false;
  var loading = null;
  var current = -1;
  var cursors = {}; // per page element: where the next sentence is looked for
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  audio.controls = false;
  controls.forEach(function (part) {
    part.hidden = false;
  });

  function remember(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* private mode: not remembered */
    }
  }

  function recall(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function say(text) {
    // The same words twice in a row would not be announced again.
    statusBox.textContent = statusBox.textContent === text ? text + "\u00a0" : text;
  }

  function decimal(value) {
    return String(value).replace(".", ",");
  }

  function clock(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    var rest = whole % 60;
    return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // --- sentences in the page ---------------------------------------------------

  function elementFor(sentence) {
    if (sentence.part === "title") return article.querySelector("h1");
    if (sentence.part === "lead") return article.querySelector(".lead");
    if (sentence.part === "caption") return article.querySelector("figcaption");
    return article.querySelectorAll(".article-body > p")[sentence.paragraph] || null;
  }

  // Wrap text[start, end) of `element` in a span, if it lies in one text node.
  function wrap(element, start, end) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var offset = 0;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var length = node.data.length;
      if (start >= offset && end <= offset + length) {
        var range = document.createRange();
        range.setStart(node, start - offset);
        range.setEnd(node, end - offset);
        var span = document.createElement("span");
        span.className = "sentence";
        range.surroundContents(span);
        return span;
      }
      offset += length;
    }
    return null;
  }

  function place(sentence, index) {
    var element = elementFor(sentence);
    sentence.node = null;
    if (!element) return;
    var key = sentence.part + ":" + sentence.paragraph;
    var at = element.textContent.indexOf(sentence.text, cursors[key] || 0);
    if (at < 0) return;
    cursors[key] = at + sentence.text.length;
    sentence.node = wrap(element, at, at + sentence.text.length);
    if (sentence.node) sentence.node.setAttribute("data-sentence", String(index));
  }

  function adopt(list) {
    for (var i = sentences.length; i < list.length; i += 1) {
      sentences.push(list[i]);
      place(list[i], i);
    }
    showTime();
  }

  function loadTimings() {
    if (complete) return Promise.resolve();
    if (loading) return loading;
    loading = fetch(timingsUrl + "?partial=1", { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.error || String(response.status));
          complete = response.headers.get("X-Audio-Complete") === "true";
          adopt(body);
        });
      })
      .then(function () {
        loading = null;
        if (!complete) window.setTimeout(loadTimings, sentences.length ? POLL_MS : FIRST_POLL_MS);
      })
      .catch(function (error) {
        loading = null;
        say("Không đọc được bài này: " + error.message);
        throw error;
      });
    return loading;
  }

  // --- following the audio ---------------------------------------------------------

  function indexAt(time) {
    var found = -1;
    for (var i = 0; i < sentences.length && sentences[i].start <= time + 0.05; i += 1) {
      found = i;
    }
    return found;
  }

  function highlight(index) {
    if (index === current) return;
    var before = sentences[current];
    if (before && before.node) before.node.classList.remove("is-reading");
    current = index;
    var now = sentences[index];
    if (now && now.node) {
      now.node.classList.add("is-reading");
      var smooth = !(reduceMotion && reduceMotion.matches);
      now.node.scrollIntoView({ block: "nearest", behavior: smooth ? "smooth" : "auto" });
    }
  }

  function duration() {
    if (isFinite(audio.duration)) return audio.duration;
    return complete && sentences.length ? sentences[sentences.length - 1].end : NaN;
  }

  function showTime() {
    var total = duration();
    timeText.textContent = clock(audio.currentTime) + (isFinite(total) ? " / " + clock(total) : "");
  }

  function follow() {
    showTime();
    if (!audio.paused || audio.currentTime > 0) highlight(indexAt(audio.currentTime));
  }

  // --- actions ------------------------------------------------------------------

  function play() {
    loadTimings().catch(function () {});
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) {
        if (error.name !== "AbortError") say("Không phát được âm thanh.");
      });
    }
  }

  function toggle() {
    if (audio.paused) play();
    else audio.pause();
  }

  function seekable(time) {
    for (var i = 0; i < audio.seekable.length; i += 1) {
      if (time >= audio.seekable.start(i) && time <= audio.seekable.end(i)) return true;
    }
    return false;
  }

  function jump(time) {
    if (seekable(time) || !complete) {
      audio.currentTime = time;
      return;
    }
    // Browsers that cannot seek in a stream (Chromium can): once the audio is
    // finished, load it again as the cached file, which answers Range requests.
    var playing = !audio.paused;
    audio.addEventListener(
      "loadedmetadata",
      function () {
        audio.currentTime = time;
        if (playing) play();
      },
      { once: true }
    );
    audio.src = audio.getAttribute("src");
  }

  function step(direction) {
    if (!sentences.length) {
      loadTimings().then(function () {
        if (sentences.length) step(direction);
      }).catch(function () {});
      return;
    }
    var at = indexAt(audio.currentTime);
    var target;
    if (direction > 0) target = Math.min(at + 1, sentences.length - 1);
    else if (at >= 0 && audio.currentTime - sentences[at].start > RESTART_SECONDS) target = at;
    else target = Math.max(at - 1, 0);
    jump(sentences[target].start);
    highlight(target);
    say("Câu " + (target + 1) + (complete ? "/" + sentences.length : ""));
  }

  function setRate(rate, announce) {
    // defaultPlaybackRate survives the reload of a finished file; playbackRate alone would not.
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
    for (var i = 0; i < rateButtons.length; i += 1) {
      var pressed = Number(rateButtons[i].getAttribute("data-rate")) === rate;
      rateButtons[i].setAttribute("aria-pressed", pressed ? "true" : "false");
    }
    remember(STORE_RATE, String(rate));
    if (announce) say("Tốc độ đọc " + decimal(rate) + " lần");
  }

  function nudgeRate(direction) {
    var index = RATES.indexOf(audio.playbackRate);
    var next = RATES[(index < 0 ? 1 : index) + direction];
    if (next === undefined) say(direction > 0 ? "Đã ở tốc độ nhanh nhất" : "Đã ở tốc độ chậm nhất");
    else setRate(next, true);
  }

  // --- wiring -------------------------------------------------------------------

  playButton.addEventListener("click", toggle);
  player.querySelectorAll("[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      step(Number(button.getAttribute("data-step")));
    });
  });
  rateButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      setRate(Number(button.getAttribute("data-rate")), true);
    });
  });

  // Announced when play starts, not after every jump (which also waits, then plays).
  var starting = false;
  audio.addEventListener("play", function () {
    playButton.setAttribute("aria-pressed", "true");
    starting = true;
  });
  audio.addEventListener("waiting", function () {
    if (starting) say("Đang tải âm thanh…");
  });
  audio.addEventListener("playing", function () {
    if (starting) say("Đang phát");
    starting = false;
  });
  audio.addEventListener("pause", function () {
    playButton.setAttribute("aria-pressed", "false");
    if (!audio.ended) say("Đã tạm dừng");
  });
  audio.addEventListener("ended", function () {
    say("Đã đọc hết bài");
  });
  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("durationchange", showTime);
  audio.addEventListener("error", function () {
    playButton.setAttribute("aria-pressed", "false");
    // The media element cannot read the JSON error; the timings route says the same.
    complete = false;
    loadTimings().then(function () {
      say("Không phát được âm thanh; xin tải lại trang.");
    }).catch(function () {});
  });

  var KEYS = { k: toggle, j: function () { step(-1); }, l: function () { step(1); },
    "[": function () { nudgeRate(-1); }, "]": function () { nudgeRate(1); } };

  function typing(target) {
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) return true;
    return target.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(target.type);
  }

  document.addEventListener("keydown", function (event) {
    if (!keysBox.checked || event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var action = KEYS[event.key.length === 1 ? event.key.toLowerCase() : ""];
    if (action) {
      event.preventDefault();
      action();
    }
  });
  keysBox.checked = recall(STORE_KEYS) !== "off";
  keysBox.addEventListener("change", function () {
    remember(STORE_KEYS, keysBox.checked ? "on" : "off");
    say(keysBox.checked ? "Đã bật phím tắt" : "Đã tắt phím tắt");
  });

  var saved = Number(recall(STORE_RATE));
  setRate(RATES.indexOf(saved) >= 0 ? saved : 1, false);

  // Lock screen and headset buttons.
  if ("mediaSession" in navigator && window.MediaMetadata) {
    var icon = document.querySelector('link[rel="icon"]');
    var kicker = article.querySelector(".kicker");
    navigator.mediaSession.metadata = new MediaMetadata({
      title: article.querySelector("h1").textContent,
      artist: "Bản tin",
      album: kicker ? kicker.textContent : "",
      artwork: icon ? [{ src: icon.href, sizes: "any", type: "image/svg+xml" }] : []
    });
    var actions = { play: play, pause: function () { audio.pause(); },
      previoustrack: function () { step(-1); }, nexttrack: function () { step(1); } };
    Object.keys(actions).forEach(function (name) {
      try {
        navigator.mediaSession.setActionHandler(name, actions[name]);
      } catch (e) {
        /* an action this browser does not know */
      }
    });
  }
})();
