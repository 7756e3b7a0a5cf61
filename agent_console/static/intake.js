// The intake form: keep a copy in this tab while the server cannot be reached, so nothing
// typed is lost; the server's draft (saved by htmx as the agent types) is the real one.
// National ID numbers are never copied into the tab's storage (the server seals them).
(function () {
  "use strict";
  var PREFIX = "intake:";

  // The risk checklist suggests an urgency (the server's table, in data-rule): shown
  // beside the urgency as boxes are ticked; "use" sets it, and the agent may choose
  // otherwise. Nothing is changed without the agent.
  function suggestUrgency(form) {
    var checks = document.getElementById("risk-checks");
    var note = document.getElementById("urgency-suggestion");
    var select = form.elements.namedItem("urgency");
    if (!checks || !note || !select || !checks.dataset.rule) return;
    var rule = JSON.parse(checks.dataset.rule);
    var shown = document.getElementById("urgency-suggested");
    var suggested = null;
    function rank(value) { return rule.order.indexOf(value); }
    function update() {
      var ticked = {};
      checks.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.checked) ticked[box.name.replace(/^risk\./, "")] = true;
      });
      var best = null;
      function consider(value) { if (best === null || rank(value) > rank(best)) best = value; }
      Object.keys(ticked).forEach(function (q) { if (rule.floor[q]) consider(rule.floor[q]); });
      rule.together.forEach(function (pair) {
        if (pair[0].every(function (q) { return ticked[q]; })) consider(pair[1]);
      });
      suggested = best;
      note.hidden = best === null;
      if (best === null) return;
      var option = select.querySelector("option[value='" + best + "']");
      shown.textContent = option ? option.textContent : best;
    }
    checks.addEventListener("change", update);
    var use = document.getElementById("use-suggestion");
    if (use) use.addEventListener("click", function () {
      if (!suggested) return;
      select.value = suggested;
      select.dispatchEvent(new Event("change", { bubbles: true }));  // saved like a choice
    });
    update();
  }

  function forget(key) { try { sessionStorage.removeItem(PREFIX + key); } catch (e) { /* private mode */ } }

  document.addEventListener("DOMContentLoaded", function () {
    // The case page of a case just opened: its draft's copy is no longer needed.
    var opened = document.querySelector("[data-opened-draft]");
    if (opened) forget(opened.dataset.openedDraft);
    // Forms that must be sent once (a dispatch): a second click does nothing.
    document.querySelectorAll("form[data-once]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (f.dataset.sent) { e.preventDefault(); return; }
        f.dataset.sent = "1";
        f.querySelectorAll("button[type=submit]").forEach(function (b) {
          setTimeout(function () { b.disabled = true; }, 0);  // after the click is sent
        });
      });
    });

    var form = document.getElementById("intake");
    if (!form) return;
    suggestUrgency(form);
    var key = PREFIX + form.dataset.draft;
    // This tab's own id (kept across reloads of the tab): its saves never conflict with
    // each other, only with another tab's.
    var tab = document.getElementById("intake-tab");
    if (tab) {
      var id = sessionStorage.getItem("intake-tab") || Math.random().toString(36).slice(2, 12);
      sessionStorage.setItem("intake-tab", id);
      tab.value = id;
    }
    var offline = document.getElementById("offline");
    var submitted = false;

    function kept(name) {
      return ["csrf_token", "version", "tab"].indexOf(name) < 0 && !/\.national_id$/.test(name);
    }
    function snapshot() {
      var data = {};
      new FormData(form).forEach(function (v, k) { if (kept(k)) data[k] = v; });
      // Unticked boxes are absent from the form's data: record them, so a restore unticks.
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (!box.checked && kept(box.name)) data[box.name] = "";
      });
      return data;
    }
    function restore() {
      var saved = sessionStorage.getItem(key);
      if (!saved) return;
      var data = JSON.parse(saved);
      Object.keys(data).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (!el || (typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList)) return;
        if (el.type === "checkbox") el.checked = data[name] === "on"; else el.value = data[name];
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
      var conflict = e.detail.xhr && e.detail.xhr.getResponseHeader("X-Draft-Conflict") === "1";
      if (offline) offline.hidden = !failed;
      // The server holds it now, unless the agent typed more after this save was sent,
      // or another tab's save came first (then this tab's copy is all there is).
      if (!failed && !conflict && sentAt >= lastInput) sessionStorage.removeItem(key);
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
    // Alt+S, Alt+G and the sections' shortcuts: intake_keys.js.
  });

  // Alt+D on the case page: the dispatch form. The button's accesskey alone never fires in
  // Chromium, whose Alt+D is the address bar. The unit's text is required, so an empty
  // one gets the focus; a written one sends the dispatch.
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.key.toLowerCase() !== "d") return;
    var dispatch = document.getElementById("dispatch-form");
    if (!dispatch) return;
    e.preventDefault();
    var brief = document.getElementById("unit_brief");
    if (brief && !brief.value.trim()) { brief.scrollIntoView({ block: "center" }); brief.focus(); return; }
    dispatch.requestSubmit();
  });
})();
