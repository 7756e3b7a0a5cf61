// Every page: a refused htmx form (4xx, 5xx) is answered with a toast retargeted at
// #toasts (agent_console/errors.py). htmx swaps no error answer by default, so without
// this the person would see nothing happen; let the toast through.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "toasts") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
