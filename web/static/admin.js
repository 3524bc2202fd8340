/* Bantin admin: the dashboard follows a running index job and the article
   vectors computed in the background without reloading the page. Without this
   file the page still works: its links reload it. Status regions (role=status)
   change, and so are read out, only when something ends or changes phase, never
   at each counted article. */
(function () {
  "use strict";

  /* Ask `url` for JSON every `every` ms: `show` gets each answer and says whether
     to ask again; `failed` is called once if an answer cannot be had. */
  function follow(url, every, show, failed) {
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (show(data)) {
            window.setTimeout(poll, every);
          }
        })
        .catch(failed);
    }
    window.setTimeout(poll, every);
  }

  function followJob(box) {
    var message = box.querySelector(".job-message");
    var progressBox = box.querySelector(".job-progress");
    var bar = box.querySelector("progress");
    var count = box.querySelector(".job-count");
    var refresh = box.querySelector(".job-refresh");

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

    follow(box.getAttribute("data-job-url"), 2000, function (job) {
      if (job.total) {
        bar.max = job.total;
        bar.value = job.done;
        count.textContent = job.progress;
      }
      if (!job.running) {
        finish(job.message);
        return false;
      }
      if (message.textContent !== job.message) {
        message.textContent = job.message;
      }
      return true;
    }, function () {
      finish("Không lấy được trạng thái mới.");
    });
  }

  /* Followed while a run goes on or the service is about to start one; only
     the end is announced, not each change of the time left. */
  function followVectors(box) {
    var message = box.querySelector(".vectors-message");
    var bar = box.querySelector("progress");
    var count = box.querySelector(".vectors-count");
    var announce = box.querySelector(".vectors-done");

    follow(box.getAttribute("data-vectors-url"), 5000, function (vectors) {
      message.textContent = vectors.message;
      if (bar && vectors.total) {
        bar.max = vectors.total;
        bar.value = vectors.done;
        count.textContent = vectors.progress;
      }
      if (!vectors.following) {
        announce.textContent = vectors.message;
      }
      return vectors.following;
    }, function () {
      announce.textContent = "Không lấy được trạng thái mới của vector bài viết.";
    });
  }

  if (!window.fetch) {
    return;
  }
  var job = document.querySelector(".job[data-job-url]");
  if (job && job.getAttribute("data-running") === "true") {
    followJob(job);
  }
  var vectors = document.querySelector(".vectors[data-vectors-url]");
  if (vectors && vectors.getAttribute("data-following") === "true") {
    followVectors(vectors);
  }
})();
