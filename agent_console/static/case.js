// The case page's status form: closing asks for the outcome, then for a confirmation
// that names it, before anything is sent. The confirmation is part of the page rather
// than the browser's confirm(): it shows what will be recorded, leaves the case readable
// beside it, and does not look like every other "OK" an agent clicks through on a long
// shift. The server refuses a closing without an outcome whatever the page does.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("status-form");
    var status = document.getElementById("status-choice");
    var outcome = document.getElementById("outcome-choice");
    var panel = document.getElementById("close-confirm");
    if (!form || !status || !outcome || !panel) return;
    var wrapper = document.getElementById("close-outcome");
    var submit = document.getElementById("status-submit");
    var confirmed = false;

    function closing() { return status.value === "closed"; }

    function showOutcome() {
      // The outcome is asked only when closing; a sent-back form keeps it in view.
      wrapper.hidden = !closing() && !outcome.getAttribute("aria-invalid");
      outcome.required = closing();
      if (!closing()) outcome.value = "";
      hidePanel();
    }

    function hidePanel() {
      panel.hidden = true;
      submit.hidden = false;
    }

    status.addEventListener("change", showOutcome);
    outcome.addEventListener("change", hidePanel);

    form.addEventListener("submit", function (e) {
      if (!closing() || confirmed) return;
      e.preventDefault();
      if (!outcome.value) { outcome.reportValidity(); return; }
      document.getElementById("close-confirm-outcome").textContent =
        outcome.options[outcome.selectedIndex].textContent;
      panel.hidden = false;
      submit.hidden = true;
      document.getElementById("close-yes").focus();
    });

    document.getElementById("close-yes").addEventListener("click", function () {
      confirmed = true;
      form.requestSubmit();
    });
    document.getElementById("close-back").addEventListener("click", function () {
      hidePanel();
      outcome.focus();
    });

    showOutcome();
  });
})();
