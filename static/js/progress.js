/* Follows a background job (export) on its page.

   <div data-job-progress-url="/jobs/7/progress/" data-job-finished="false">
     <span data-job-status>…</span>
     <div class="progress" data-job-bar><div class="progress-bar" data-progress="0"></div></div>
   </div>

   Every second it asks the URL for {status, status_label, progress, finished}
   and moves the Bootstrap progress bar; once the job has finished it reloads the
   page, which then shows the download button or the error.  The bar's width is
   set through the CSSOM (element.style), which the CSP allows, unlike a style
   attribute in the markup. */
(function () {
  "use strict";

  var INTERVAL_MS = 1000;
  var MAX_FAILURES = 10;

  function setBar(root, percent) {
    var outer = root.querySelector("[data-job-bar]");
    var bar = outer && outer.querySelector(".progress-bar");
    if (!bar) {
      return;
    }
    var value = Math.max(0, Math.min(100, parseInt(percent, 10) || 0));
    bar.style.width = value + "%";
    bar.textContent = value + "%";
    outer.setAttribute("aria-valuenow", String(value));
  }

  function setStatus(root, label) {
    var status = root.querySelector("[data-job-status] .badge");
    if (status && label) {
      status.textContent = label;
    }
  }

  function showHint(root, text) {
    var hint = root.querySelector("[data-job-hint]");
    if (hint) {
      hint.textContent = text;
    }
  }

  function follow(root) {
    var bar = root.querySelector("[data-job-bar] .progress-bar");
    setBar(root, bar ? bar.getAttribute("data-progress") : 0);
    if (root.getAttribute("data-job-finished") === "true") {
      return;
    }
    var url = root.getAttribute("data-job-progress-url");
    var failures = 0;

    function poll() {
      window.fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }).then(function (data) {
        failures = 0;
        setBar(root, data.progress);
        setStatus(root, data.status_label);
        if (data.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, INTERVAL_MS);
      }).catch(function () {
        failures += 1;
        if (failures >= MAX_FAILURES) {
          showHint(root, "暂时无法获取进度，请稍后手动刷新本页。");
          return;
        }
        window.setTimeout(poll, INTERVAL_MS);
      });
    }

    window.setTimeout(poll, INTERVAL_MS);
  }

  function start() {
    var roots = document.querySelectorAll("[data-job-progress-url]");
    Array.prototype.forEach.call(roots, follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
