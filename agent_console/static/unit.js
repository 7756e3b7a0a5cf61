// The unit's console: live alerts on the unit's own stream, a beep, a browser notification.
// An alert is shown once per idempotency key, even when its delivery is retried.
(function () {
  "use strict";
  var SEEN_KEY = "unit.alerts.seen", SEEN_MAX = 200;
  var root, audio = null, refreshTimer = null, known = null;

  function seenKeys() {
    try { return JSON.parse(window.localStorage.getItem(SEEN_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(key) {
    var keys = seenKeys();
    if (keys.indexOf(key) !== -1) return false;
    keys.push(key);
    try { window.localStorage.setItem(SEEN_KEY, JSON.stringify(keys.slice(-SEEN_MAX))); } catch (e) { /* private mode */ }
    return true;
  }

  function bump(name) {
    root.dataset[name] = String(parseInt(root.dataset[name] || "0", 10) + 1);
  }

  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
  }

  // Two short tones, generated: no audio file to load or cache.
  function beep() {
    bump("beeps");
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    [0, 0.25].forEach(function (offset) {
      var osc = audio.createOscillator(), gain = audio.createGain(), t = audio.currentTime + offset;
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.4, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.18);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.2);
    });
  }

  function urgencyLabel(u) {
    return root.dataset["urgency" + u.charAt(0).toUpperCase() + u.slice(1)] || u;
  }

  function describe(a) {
    var where = [a.district, a.province].filter(Boolean).join(" · ");
    return urgencyLabel(a.urgency || "") + " · " + (a.case_number || "") + (where ? " · " + where : "");
  }

  function notify(a, link) {
    if (!("Notification" in window) || window.Notification.permission !== "granted") return;
    try {
      var n = new window.Notification(root.dataset.msgNew, { body: a.test ? root.dataset.msgTest : describe(a), tag: a.test ? "test-" + a.test_alert_id : "dispatch-" + a.dispatch_id, requireInteraction: true });
      n.onclick = function () { window.focus(); window.location.href = link; };
      bump("notified");
    } catch (e) { /* some mobile browsers allow notifications from a service worker only */ }
  }

  function showAlert(a) {
    // A test alert has no dispatch: it is acknowledged on the unit's list.
    var link = a.test ? "/unit#test-" + encodeURIComponent(a.test_alert_id)
                      : "/unit/dispatches/" + encodeURIComponent(a.dispatch_id);
    var list = document.getElementById("unit-alerts");
    var li = document.createElement("li");
    li.className = "unit-alert";
    if (a.idempotency_key) li.dataset.key = a.idempotency_key;
    if (!a.test) li.dataset.dispatch = String(a.dispatch_id);
    var title = document.createElement("strong");
    title.textContent = a.test ? root.dataset.msgTest : root.dataset.msgNew;
    var body = document.createElement("div");
    body.textContent = a.test ? "" : describe(a);
    if (a.test) li.classList.add("unit-alert-test");
    var open = document.createElement("a");
    open.href = link;
    open.textContent = root.dataset.msgOpen;
    li.appendChild(title); li.appendChild(body); li.appendChild(open);
    list.insertBefore(li, list.firstChild);
    bump("alerts");
    beep();
    notify(a, link);
  }

  function refreshList() {
    if (!document.getElementById("dispatch-list") || !window.htmx) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { window.htmx.trigger(document.body, "unitrefresh"); }, 300);
  }

  function typing() {
    var fields = document.querySelectorAll("#visit textarea");
    for (var i = 0; i < fields.length; i++) if (fields[i].value.trim()) return true;
    return false;
  }

  function onDispatch(e) {
    var d = JSON.parse(e.data);
    refreshList();
    var visit = document.getElementById("visit");
    if (!visit || visit.dataset.dispatch !== String(d.dispatch_id)) return;
    if (visit.dataset.status === d.status || typing() || !window.htmx) return;
    window.htmx.ajax("GET", window.location.pathname, { target: "#visit", select: "#visit", swap: "outerHTML" });
  }

  function onAlert(e) {
    var a = JSON.parse(e.data);
    if (!a.idempotency_key || !remember(a.idempotency_key)) return;  // a retried delivery
    if (a.test) { showAlert(a); refreshList(); return; }
    known = known && known.concat([String(a.dispatch_id)]);
    var shown = document.querySelector('.unit-alert[data-dispatch="' + a.dispatch_id + '"]');
    if (shown) { shown.dataset.key = a.idempotency_key; return; }  // seen on the list first
    showAlert(a);
    refreshList();
  }

  // The hub keeps only the newest message per topic for a slow tab, so two alerts close
  // together may reach it as one: a dispatch waiting for the unit that appears on the
  // refreshed list without its own alert is announced from the list.
  function scanList() {
    var items = document.querySelectorAll("#dispatch-list li.awaiting[data-dispatch]");
    var ids = Array.prototype.map.call(items, function (li) { return li.dataset.dispatch; });
    if (known === null) { known = ids; return; }
    Array.prototype.forEach.call(items, function (li) {
      var id = li.dataset.dispatch;
      if (known.indexOf(id) !== -1) return;
      known.push(id);
      if (document.querySelector('.unit-alert[data-dispatch="' + id + '"]')) return;
      showAlert({ dispatch_id: id, case_number: li.dataset.case, urgency: li.dataset.urgency,
                  district: li.dataset.where, idempotency_key: "" });
    });
  }

  function setLive(live) {
    root.dataset.live = live ? "1" : "0";
    document.getElementById("unit-link").hidden = live;
  }

  function connect() {
    var source = new window.EventSource(root.dataset.events);
    source.addEventListener("hub", function (e) {
      var live = JSON.parse(e.data).live;
      setLive(live);
      if (live) refreshList();  // anything published while we were away
    });
    source.addEventListener("alert", onAlert);
    source.addEventListener("dispatch", onDispatch);
    source.onerror = function () { setLive(false); };
  }

  function setUpEnable() {
    var button = document.getElementById("unit-enable");
    var asked = "Notification" in window && window.Notification.permission !== "default";
    button.hidden = asked && window.localStorage.getItem("unit.sound") === "on";
    button.addEventListener("click", function () {
      unlockAudio();
      beep();
      try { window.localStorage.setItem("unit.sound", "on"); } catch (e) { /* private mode */ }
      if ("Notification" in window && window.Notification.permission === "default") {
        window.Notification.requestPermission();
      }
      button.hidden = true;
    });
    // Browsers start sound only after a gesture: any first touch on the page will do.
    ["pointerdown", "keydown"].forEach(function (name) {
      document.addEventListener(name, unlockAudio, { once: true });
    });
  }

  // A refused step (400, 409) carries the page with its reason: show it, like a plain form.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 400 || status === 409) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("unit-live");
    if (!root || !window.EventSource) return;
    setUpEnable();
    scanList();
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target && e.target.id === "dispatch-list") scanList();
    });
    connect();
  });
})();
