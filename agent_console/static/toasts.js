// Every page: a refused htmx form (4xx, 5xx) is answered with a toast retargeted at
// #toasts (agent_console/errors.py). htmx swaps no error answer by default, so without
// this the person would see nothing happen; let the toast through.
//
// Toasts also tidy themselves: a busy shift brings a toast per chat offer, hand-over and
// reminder, and a pile of them would cover the page. Each gets a close button; a notice
// leaves after LINGER_MS (not while the pointer or the focus is on it: it may be being
// read or its link followed), an error stays until closed, and at most MAX_SHOWN stay,
// the oldest leaving first. What a toast tells stays on the page itself (the chat panel,
// the follow-ups count, the screen-pop), so nothing is lost with it.
(function () {
  "use strict";
  var LINGER_MS = 15000;
  var MAX_SHOWN = 4;

  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "toasts") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  function held(el) {
    return el.matches(":hover") || el.contains(document.activeElement);
  }

  function leaveLater(el) {
    setTimeout(function () {
      if (!el.isConnected) return;
      if (held(el)) { leaveLater(el); return; }
      el.remove();
    }, LINGER_MS);
  }

  function dress(box, el) {
    if (!el.classList || !el.classList.contains("toast") || el.dataset.dressed) return;
    el.dataset.dressed = "1";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close link";
    close.textContent = "×";
    close.setAttribute("aria-label", box.dataset.close || "Close");
    close.addEventListener("click", function () { el.remove(); });
    el.appendChild(close);
    if (!el.classList.contains("error")) leaveLater(el);
  }

  function tidy(box) {
    Array.prototype.forEach.call(box.children, function (el) { dress(box, el); });
    var shown = box.querySelectorAll(".toast");
    for (var i = 0; i < shown.length - MAX_SHOWN; i++) shown[i].remove();
  }

  function watch() {
    var box = document.getElementById("toasts");
    if (!box) return;
    tidy(box);
    new MutationObserver(function () { tidy(box); }).observe(box, { childList: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
