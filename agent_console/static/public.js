// The public report pages' only script: served from here, no third party.
// Quick exit: leave for a neutral site with location.replace, so Back does not come
// back here; the button, or Esc pressed twice. And the district list of a province.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var exit = document.getElementById("quick-exit");
  var lastEscape = 0;

  function leave(event) {
    if (event) { event.preventDefault(); }
    var url = exit.getAttribute("href");
    document.title = "";
    document.body.style.visibility = "hidden";
    window.location.replace(url);
  }

  if (exit) {
    exit.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      if (now - lastEscape < 1500) { leave(event); } else { lastEscape = now; }
    });
  }

  var province = document.getElementById("f-province_code");
  var district = document.getElementById("f-district_code");
  if (province && district) {
    province.addEventListener("change", function () {
      var url = province.getAttribute("data-districts") + "&province_code=" +
        encodeURIComponent(province.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (html) { district.innerHTML = html; } })
        .catch(function () { /* the form still posts; the district stays optional */ });
    });
  }
})();
