// The intake by keyboard: a shortcut per section (listed on the page), Enter that never
// sends the form from a text field, the risk grid answered with Y and N, and sections
// that open when the call needs them. Keys are matched by their place on the keyboard
// (e.code), so they work with the Thai layout switched on too.
(function () {
  "use strict";

  // Alt+letter → the section it opens and the field it puts the focus in. Not used here:
  // Alt+D (the case page's dispatch, and Chromium's address bar), Alt+F and Alt+E
  // (Chromium's menu), Alt+1…8 (tabs on Linux), the agent page's N, P, R, I and its
  // phone's A, H, M, O.
  var SECTIONS = {
    KeyT: { section: "sec-screening", field: "f-issue_area" },
    KeyV: { section: "sec-persons", field: null },
    KeyL: { section: "sec-place", field: "f-province_code" },
    KeyK: { section: "sec-risk", field: null },
    KeyU: { section: "sec-decision", field: "f-urgency" },
    KeyW: { section: null, field: "f-summary" },
    KeyB: { section: "sec-referral", field: "f-unit_brief" }
  };

  function open(id) {
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") el.open = true;
    return el;
  }

  function firstField(root) {
    return root.querySelector("input:not([type=hidden]):not([form='']), select, textarea");
  }

  function goTo(where) {
    var section = open(where.section);
    var field = where.field ? document.getElementById(where.field) : (section && firstField(section));
    if (!field) return;
    field.scrollIntoView({ block: "center" });
    field.focus();
  }

  function changed(el) { el.dispatchEvent(new Event("change", { bubbles: true })); }

  function submitWith(form, buttonId) {
    var button = document.getElementById(buttonId);
    if (buttonId === "open-dispatch") {
      // The unit's text is the agent's own, required: an empty one gets the focus first.
      var brief = document.getElementById("f-unit_brief");
      if (brief && !brief.value.trim()) { goTo(SECTIONS.KeyB); return; }
    }
    form.requestSubmit(button || undefined);
  }

  function shortcuts(form, e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.code === "KeyS") { e.preventDefault(); submitWith(form, "open"); return; }
    if (e.code === "KeyG") { e.preventDefault(); submitWith(form, "open-dispatch"); return; }
    var where = SECTIONS[e.code];
    if (!where) return;
    e.preventDefault();
    goTo(where);
  }

  // Enter in a one-line field would send the whole form: half a report opened as a case.
  function noEnterSubmit(e) {
    if (e.key !== "Enter" || e.altKey || e.ctrlKey) return;
    var t = e.target;
    if (t.tagName === "INPUT" && t.type !== "submit" && t.type !== "button") e.preventDefault();
  }

  // The risk grid: Y ticks, N unticks, then the next question; arrows move between them.
  function riskGrid(grid) {
    grid.addEventListener("keydown", function (e) {
      var boxes = Array.prototype.slice.call(grid.querySelectorAll("input[type=checkbox]"));
      var i = boxes.indexOf(e.target);
      if (i < 0 || e.altKey || e.ctrlKey) return;
      var key = e.key.toLowerCase();
      if (key === "y" || key === "n") {
        e.preventDefault();
        var want = key === "y";
        if (boxes[i].checked !== want) { boxes[i].checked = want; changed(boxes[i]); }
        if (boxes[i + 1]) boxes[i + 1].focus();
      } else if (e.key === "ArrowDown" || e.key === "ArrowRight") {
        e.preventDefault(); if (boxes[i + 1]) boxes[i + 1].focus();
      } else if (e.key === "ArrowUp" || e.key === "ArrowLeft") {
        e.preventDefault(); if (boxes[i - 1]) boxes[i - 1].focus();
      }
    });
  }

  function value(form, name) {
    var el = form.elements.namedItem(name);
    return el && el.value !== undefined ? el : null;
  }

  // Sections open when the call needs them; defaults fill only an empty field, only after
  // the agent's own choice, and show on the form like any choice (saved with the draft).
  function follow(form, e) {
    var name = e.target.name || "";
    var areas = (form.dataset.riskAreas || "").split(" ");
    if (name === "issue_area" && areas.indexOf(e.target.value) >= 0) {
      open("sec-risk");
      var perpetrator = form.querySelector(".person-alleged_perpetrator");
      if (perpetrator) perpetrator.open = true;
    }
    if (name === "province_code" && e.target.value) open("sec-place");
    if (name === "persons.0.reporter_is_victim" && e.target.checked) {
      // The caller is the victim: the number the call came from (the reporter's, from
      // the IVR) is hers; the reporter's block is set aside when the case opens.
      var mine = value(form, "persons.0.phone"), caller = value(form, "persons.1.phone");
      if (mine && caller && !mine.value && caller.value) { mine.value = caller.value; changed(mine); }
    }
    if (name === "consent" && e.target.value === "given") {
      // Consent given: the lawful basis is that consent (check_intake's own pairing).
      var basis = value(form, "legal_basis");
      if (basis && !basis.value) { basis.value = "consent"; changed(basis); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake");
    if (!form) return;
    document.addEventListener("keydown", function (e) { shortcuts(form, e); });
    form.addEventListener("keydown", noEnterSubmit);
    form.addEventListener("change", function (e) { follow(form, e); });
    var grid = document.getElementById("risk-checks");
    if (grid) riskGrid(grid);
    // The province's unit swapped in: the referral section is what comes next.
    document.body.addEventListener("htmx:afterSwap", function (e) {
      var unit = document.getElementById("unit");  // the swapped-in element, not the old one
      if (e.detail.target && e.detail.target.id === "unit" && unit && unit.dataset.unit) open("sec-referral");
    });
  });
})();
