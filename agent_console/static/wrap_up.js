// The after-call work timer: the server draws the seconds every 5 s (routers/wrap_up.py,
// which only reads: the server's wrap-up job pauses and frees the agent);
// this only counts the seconds in between, so the agent sees it move.
(function () {
  "use strict";
  setInterval(function () {
    var timer = document.querySelector("#wrap-up-work .wrap-up-timer");
    if (!timer) return;
    var s = parseInt(timer.dataset.since || "0", 10) + 1;
    timer.dataset.since = String(s);
    timer.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }, 1000);
})();
