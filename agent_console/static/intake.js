// The intake form: keep a copy in this tab while the server cannot be reached, so nothing
// typed is lost; the server's draft (saved by htmx as the agent types) is the real one.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake");
    if (!form) return;
    var key = "intake:" + form.dataset.draft;
    var offline = document.getElementById("offline");
    var submitted = false;

    function snapshot() {
      var data = {};
      new FormData(form).forEach(function (v, k) { if (k !== "csrf_token") data[k] = v; });
      return data;
    }
    function restore() {
      var saved = sessionStorage.getItem(key);
      if (!saved) return;
      var data = JSON.parse(saved);
      Object.keys(data).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (!el || (typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList)) return;
        if (el.type === "checkbox") el.checked = true; else el.value = data[name];
      });
    }
    restore();
    var lastInput = 0, sentAt = 0;
    function keep() {
      lastInput = Date.now();
      sessionStorage.setItem(key, JSON.stringify(snapshot()));
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    document.body.addEventListener("htmx:beforeRequest", function () { sentAt = Date.now(); });
    document.body.addEventListener("htmx:afterRequest", function (e) {
      var path = (e.detail.pathInfo && e.detail.pathInfo.requestPath) || "";
      if (path.indexOf("/cases/drafts/") !== 0) return;
      var failed = !e.detail.successful;
      if (offline) offline.hidden = !failed;
      // The server holds it now, unless the agent typed more after this save was sent.
      if (!failed && sentAt >= lastInput) sessionStorage.removeItem(key);
    });
    // Leaving or reloading the page: send what is typed now, without waiting for the delay.
    window.addEventListener("pagehide", function () {
      if (submitted || !navigator.sendBeacon) return;
      navigator.sendBeacon("/cases/drafts/" + form.dataset.draft, new FormData(form));
    });
    document.body.addEventListener("htmx:sendError", function () {
      if (offline) offline.hidden = false;
    });
    form.addEventListener("submit", function (e) {
      // One click opens one case; the server refuses a second anyway (idempotency key).
      if (submitted) { e.preventDefault(); return; }
      submitted = true;
      sessionStorage.setItem(key, JSON.stringify(snapshot()));
    });
    document.addEventListener("keydown", function (e) {
      if (e.altKey && e.key.toLowerCase() === "s") { e.preventDefault(); form.requestSubmit(); }
    });
  });
})();
