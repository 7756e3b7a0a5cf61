// The units' administration: a refused form (4xx) arrives as a toast; htmx swaps no error
// answer by default, so let the toast through.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "toasts") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
