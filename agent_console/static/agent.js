// The agent page: one EventSource per tab; own state, the screen-pop, the link banner.
(function () {
  "use strict";
  var root, banner, current = null, currentState = null, wrapTimer = null, lastStatus = null;

  function fromTemplate(id, attr, value) {
    var t = document.getElementById(id);
    var el = t && value && t.content.querySelector("[" + attr + '="' + CSS.escape(value) + '"]');
    return el ? el.textContent : null;
  }
  function label(status) { return fromTemplate("status-labels", "data-status", status) || status; }
  // Pause reasons in the page's language; a reason set elsewhere (a supervisor's) as is.
  function reasonLabel(reason) { return fromTemplate("reason-labels", "data-reason", reason) || reason || ""; }

  // A language's name in the page's language (the notice carries its ISO code).
  function languageName(code) {
    var names = {};
    try { names = JSON.parse(root.dataset.languageNames || "{}"); } catch (e) { names = {}; }
    return names[code] || code || "";
  }

  function toast(text, href) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast warn";
    el.setAttribute("role", "alert");
    el.textContent = text + " ";
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = root.dataset.msgOpen || href;
      el.appendChild(a);
    }
    box.appendChild(el);
  }

  function caseLink(id) { return id ? "/cases/" + encodeURIComponent(id) : null; }

  // One toast per case a notice names, in the page's words for its kind.
  var NOTICES = {
    dispatch_declined: function (n) {
      toast((root.dataset.msgDeclined || "{case}: {reason}")
        .replace("{case}", n.case_number || "").replace("{reason}", n.reason || "-"),
        caseLink(n.case_id));
    },
    // A chat offered to this agent: a toast, and the chat panel draws itself again with
    // the offer's Accept and Decline (the server's forms, with their CSRF token).
    chat_offered: function (n) {
      var topic = (document.documentElement.lang === "en" ? n.topic_en : n.topic_th) || n.topic || "";
      var key = n.urgent ? "msgChatUrgent" : "msgChatOffered";
      toast((root.dataset[key] || "{topic}").replace("{topic}", topic)
        .replace("{language}", languageName(n.language)), null);
      document.body.dispatchEvent(new CustomEvent("chat-offered"));
    },
    // A hand-over names all the owner's new cases in one notice (``cases``).
    case_assigned: function (n) {
      (n.cases || [n]).forEach(function (c) {
        toast((root.dataset.msgAssigned || "{case} ← {by}")
          .replace("{case}", c.case_number || "").replace("{by}", n.by || "-"),
          caseLink(c.case_id));
      });
    }
  };

  function onNotice(e) {
    var n = JSON.parse(e.data);
    if (Object.prototype.hasOwnProperty.call(NOTICES, n.kind)) { NOTICES[n.kind](n); return; }
    // Follow-up reminders and the like: notices.js shows them (this tab has one stream).
    if (window.hotlineNotices) window.hotlineNotices.handle(n);
  }

  function showBanner(kind) {
    if (!banner) return;
    if (!kind) { banner.hidden = true; return; }
    banner.textContent = banner.dataset[kind === "bridge" ? "msgBridge" : "msgLive"];
    banner.hidden = false;
  }

  function startWrapUp() {
    var box = document.getElementById("wrapup");
    var left = parseInt(root.dataset.wrapup || "10", 10);
    if (!box) return;
    clearInterval(wrapTimer);
    box.hidden = false;
    function tick() {
      box.textContent = root.dataset.msgWrapup.replace("{s}", String(left));
      if (left <= 0) { clearInterval(wrapTimer); box.hidden = true; }
      left -= 1;
    }
    tick();
    wrapTimer = setInterval(tick, 1000);
  }

  function onAgent(e) {
    var a = JSON.parse(e.data);
    var pill = document.getElementById("agent-status");
    if (pill) { pill.dataset.status = a.status; pill.textContent = label(a.status); }
    var reason = document.getElementById("pause-reason");
    if (reason) reason.textContent = reasonLabel(a.paused_reason);
    if (lastStatus === "in_call" && a.status !== "in_call" && a.status !== "ringing") startWrapUp();
    if (lastStatus !== a.status) refreshControls();
    lastStatus = a.status;
  }

  // The screen-pop comes with the call's first news, before the bridge says the agent
  // answered: the call's controls are redrawn when the call or the agent changes state,
  // so they work once both say the agent is talking.
  function refreshControls() {
    if (window.htmx && document.getElementById("call-controls")) {
      window.htmx.trigger(document.body, "call-controls-refresh");
    }
  }

  function onCall(e) {
    var c = JSON.parse(e.data);
    if (c.state === "ended") {
      if (current === c.uniqueid) { current = null; startWrapUp(); }
      return;
    }
    if (current === c.uniqueid) {
      if (c.state !== currentState) refreshControls();
      currentState = c.state;
      return;
    }
    current = c.uniqueid;
    currentState = c.state;
    var url = "/agent/pop?node=" + encodeURIComponent(c.node || "") +
              "&uniqueid=" + encodeURIComponent(c.uniqueid || "");
    window.htmx.ajax("GET", url, { target: "#screenpop", swap: "innerHTML" }).then(function () {
      var open = document.getElementById("open-case");
      if (open) open.focus();
    });
  }

  function connect() {
    var es = new EventSource(root.dataset.events);
    es.addEventListener("agent", onAgent);
    es.addEventListener("call", onCall);
    es.addEventListener("user", onNotice);
    es.addEventListener("hub", function (e) { showBanner(JSON.parse(e.data).live ? null : "live"); });
    es.addEventListener("bridge", function (e) {
      var s = JSON.parse(e.data);
      showBanner(s.state && s.state !== "up" ? "bridge" : null);
    });
    es.onopen = function () { showBanner(null); };
    es.onerror = function () { showBanner("live"); };  // EventSource reconnects by itself
  }

  function keys(e) {
    if (!e.altKey) return;
    var ids = { n: "open-case", p: "pause-select", r: "resume", i: "sign-in" };
    var el = document.getElementById(ids[e.key.toLowerCase()] || "");
    if (!el) return;
    e.preventDefault();
    if (el.tagName === "SELECT") el.focus(); else el.click();
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("agent");
    banner = document.getElementById("link-banner");
    if (!root) return;
    document.addEventListener("keydown", keys);
    connect();
  });
})();
