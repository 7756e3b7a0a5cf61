// The call controls on the agent page: the talk timer, the keys, and a call handed over.
// The server draws the block (templates/agent/_call_controls.html) and decides what is
// enabled; this keeps only what cannot be drawn ahead: the ticking timer and the keys.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The talk timer counts from the bridge's answer time; the block is redrawn every few
  // seconds, so the one interval reads whichever block is on the page now.
  function tick() {
    var box = document.getElementById("call-controls");
    var out = document.getElementById("cc-timer");
    if (!box || !out || !box.dataset.answeredAt) return;
    var since = Date.parse(box.dataset.answeredAt);
    if (isNaN(since)) return;
    var s = Math.max(0, Math.floor((Date.now() - since) / 1000));
    var h = Math.floor(s / 3600);
    out.textContent = (h ? h + ":" : "") + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  // Alt+<key>: buttons are clicked, target lists get the focus. A disabled control does
  // nothing (the server said why in its title). Alt+D stays the browser's address bar.
  var KEYS = { h: "cc-hangup", c: "cc-complete", x: "cc-cancel",
               t: "cc-blind-target", w: "cc-warm-target" };

  function keys(e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    var key = e.key.toLowerCase();
    // With the browser phone, Alt+H is the phone's own hang-up (softphone.js): one key,
    // one action. The bridge's hang-up is for a desk phone, and stays a click away.
    if (key === "h" && document.querySelector('#softphone[data-mode="browser"]')) return;
    var el = document.getElementById(KEYS[key] || "");
    if (!el) return;
    e.preventDefault();
    if (el.disabled || (el.closest("fieldset") || {}).disabled) return;
    if (el.tagName === "SELECT") el.focus(); else el.click();
  }

  // A colleague handed this agent a call: the notice names it, and the screen-pop shows
  // the call's controls with the draft or case the colleague was writing.
  function handedOver(n) {
    var box = document.getElementById("toasts");
    var root = document.getElementById("agent");
    if (box && root) {
      var el = document.createElement("div");
      el.className = "toast warn";
      el.setAttribute("role", "alert");
      el.textContent = (root.dataset.msgHandedOver || "{by}").replace("{by}", n.by || "-");
      box.appendChild(el);
    }
    var pop = document.getElementById("screenpop");
    if (!pop || !window.htmx) return;
    // The whole screen-pop (the caller, the IVR's choices, "open a case", the controls
    // with the colleague's draft): the receiver needs what the first agent saw.
    if (n.node && n.uniqueid) {
      window.htmx.ajax("GET", "/agent/pop?node=" + encodeURIComponent(n.node) +
                       "&uniqueid=" + encodeURIComponent(n.uniqueid),
                       { target: "#screenpop", swap: "innerHTML" });
    } else if (n.call_id) {
      window.htmx.ajax("GET", "/agent/calls/" + encodeURIComponent(n.call_id) + "/controls",
                       { target: "#screenpop", swap: "innerHTML" });
    }
  }

  function hookNotices() {
    var notices = window.hotlineNotices;
    var previous = notices && notices.handle;
    var wrapped = function (n) {
      if (n && n.kind === "call_handed_over") { handedOver(n); return true; }
      return previous ? previous(n) : false;
    };
    window.hotlineNotices = { handle: wrapped };
  }

  // The block redraws itself every few seconds; not while the agent is choosing a
  // transfer's target or writing its reason, which the redraw would wipe out.
  function choosing(box) {
    var fields = box.querySelectorAll("select[name=target], input[name=reason]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value || fields[i] === document.activeElement) return true;
    }
    return false;
  }

  function holdRedraw(e) {
    var box = document.getElementById("call-controls");
    if (box && e.detail && e.detail.elt === box && e.detail.requestConfig &&
        e.detail.requestConfig.verb === "get" && choosing(box)) e.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("agent")) return;
    hookNotices();
    document.body.addEventListener("htmx:beforeRequest", holdRedraw);
    document.addEventListener("keydown", keys);
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", tick);
  });
})();
