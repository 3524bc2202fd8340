/* Bantin admin: follows a running index job without reloading the page.
   Without this file the page still works: its "Xem trạng thái mới nhất" link
   reloads it. The status region (role=status) changes, and so is read out, only
   when the job moves to another phase or ends, never at each counted article. */
(function () {
  "use strict";

  var box = document.querySelector(".job[data-job-url]");
  if (!box || !window.fetch || box.getAttribute("data-running") !== "true") {
    return;
  }
  var message = box.querySelector(".job-message");
  var progressBox = box.querySelector(".job-progress");
  var bar = box.querySelector("progress");
  var count = box.querySelector(".job-count");
  var refresh = box.querySelector(".job-refresh");
  var every = 2000;

  function finish(text) {
    message.textContent = text;
    progressBox.hidden = true;
    var link = refresh.querySelector("a");
    link.textContent = "Tải lại trang để xem báo cáo";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.reload();
    });
    refresh.hidden = false;
  }

  function show(job) {
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
      count.textContent = job.progress;
    }
    if (!job.running) {
      finish(job.message);
      return;
    }
    if (message.textContent !== job.message) {
      message.textContent = job.message;
    }
    window.setTimeout(poll, every);
  }

  function poll() {
    fetch(box.getAttribute("data-job-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        finish("Không lấy được trạng thái mới.");
      });
  }

  window.setTimeout(poll, every);
})();

/* The article vectors computed in the background: the sentence and the bar
   follow the run every few seconds; only its end is announced (role=status),
   not each change of the time left. */
(function () {
  "use strict";

  var box = document.querySelector(".vectors[data-vectors-url]");
  if (!box || !window.fetch || box.getAttribute("data-running") !== "true") {
    return;
  }
  var message = box.querySelector(".vectors-message");
  var bar = box.querySelector("progress");
  var count = box.querySelector(".vectors-count");
  var announce = box.querySelector(".vectors-done");
  var every = 5000;

  function show(vectors) {
    message.textContent = vectors.message;
    if (bar && vectors.total) {
      bar.max = vectors.total;
      bar.value = vectors.done;
      count.textContent = vectors.progress;
    }
    if (vectors.running) {
      window.setTimeout(poll, every);
    } else {
      announce.textContent = vectors.message;
    }
  }

  function poll() {
    fetch(box.getAttribute("data-vectors-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        announce.textContent = "Không lấy được trạng thái mới của vector bài viết.";
      });
  }

  window.setTimeout(poll, every);
})();
