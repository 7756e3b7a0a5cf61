// The chat desk's reply box. Enter sends, Shift+Enter starts a new line; a canned reply
// fills the box for the agent to edit before sending; the box empties once the server
// took the message (the transcript then shows it pending, then sent or failed, live).
(function () {
  "use strict";

  function scrollDown() {
    var list = document.getElementById("chat-messages");
    if (list && list.lastElementChild) list.lastElementChild.scrollIntoView({block: "nearest"});
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("reply-form");
    var box = document.getElementById("reply-text");
    scrollDown();
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "transcript") scrollDown();
    });
    if (!form || !box) return;
    box.addEventListener("keydown", function (event) {
      // Not while an input method is composing (Thai keyboards on some systems).
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (box.value.trim()) form.requestSubmit();
      }
    });
    form.querySelectorAll(".canned-reply").forEach(function (button) {
      button.addEventListener("click", function () {
        box.value = button.dataset.text;
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      });
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) {
        box.value = "";
        box.focus();
      }
    });
  });
})();
