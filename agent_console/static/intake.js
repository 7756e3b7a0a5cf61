// The intake form: keep a copy in this tab while the server cannot be reached, so nothing
// typed is lost; the server's draft (saved by htmx as the agent types) is the real one.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake");
    if (!form) return;
    var key = "intake:" + form.dataset.draft;
    var offline = document.getElementById("offline");

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
        if (!el || el.length) return;
        if (el.type === "checkbox") el.checked = true; else el.value = data[name];
      });
    }
    restore();
    form.addEventListener("input", function () {
      sessionStorage.setItem(key, JSON.stringify(snapshot()));
    });
    document.body.addEventListener("htmx:afterRequest", function (e) {
      var failed = !e.detail.successful;
      if (offline) offline.hidden = !failed;
      if (!failed) sessionStorage.removeItem(key);  // the server holds it now
    });
    document.body.addEventListener("htmx:sendError", function () {
      if (offline) offline.hidden = false;
    });
    var submitted = false;
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
