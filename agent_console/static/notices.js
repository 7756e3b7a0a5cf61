// Every worker's page: their own notices (a follow-up due or overdue, a referral overdue)
// as toasts linking to the case, in the page's language (texts in #notices' data-*).
// The agent page already holds a stream that hears the same notices: there this script
// opens no second one, and agent.js hands it each notice (window.hotlineNotices.handle),
// so a notice is shown once, by whichever script knows its kind.
(function () {
  "use strict";
  var root;
  var TEXT = {
    follow_up_due: "msgFollowUpDue",
    follow_up_overdue: "msgFollowUpOverdue",
    referral_overdue: "msgReferralOverdue"
  };

  function camel(code) {
    return code.replace(/_([a-z])/g, function (_m, c) { return c.toUpperCase(); });
  }

  function when(iso) {
    // Thai pages show the Buddhist era (th-TH's own calendar), English ones the BE year too.
    var locale = root.dataset.lang === "en" ? "en-GB-u-ca-buddhist" : "th-TH";
    try {
      return new Date(iso).toLocaleString(locale, {
        timeZone: "Asia/Bangkok", day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit"
      });
    } catch (e) { return iso || ""; }
  }

  function text(n) {
    var key = TEXT[n.kind];
    if (n.kind === "referral_overdue" && n.to_supervisor) key = "msgReferralOverdueSupervisor";
    var what = n.task_kind ? (root.dataset["kind" + camel("_" + n.task_kind)] || n.task_kind) : "";
    return (root.dataset[key] || "{case}")
      .replace("{case}", n.case_number || "").replace("{what}", what)
      .replace("{due}", when(n.due_at));
  }

  function handle(n) {
    if (!root || !TEXT[n.kind]) return false;  // not ours (agent.js shows its own kinds)
    var box = document.getElementById("toasts");
    if (!box) return false;
    var el = document.createElement("div");
    el.className = "toast warn notice";
    el.setAttribute("role", "alert");
    el.dataset.kind = n.kind;
    el.textContent = text(n) + " ";
    if (n.case_id) {
      var a = document.createElement("a");
      a.href = "/cases/" + encodeURIComponent(n.case_id) + "#follow-ups";
      a.textContent = root.dataset.msgOpen || "";
      el.appendChild(a);
    }
    box.appendChild(el);
    // The navigation's count of my overdue tasks listens for this (hx-trigger).
    document.body.dispatchEvent(new CustomEvent("notice", { bubbles: true }));
    return true;
  }

  window.hotlineNotices = { handle: handle };

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("notices");
    if (!root || document.getElementById("agent")) return;  // the agent page's stream hears them
    var es = new EventSource(root.dataset.events);
    es.addEventListener("user", function (e) { handle(JSON.parse(e.data)); });
  });
})();
