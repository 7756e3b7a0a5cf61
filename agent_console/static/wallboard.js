/* Wallboard: one SSE stream per tab, the same rules as callcenter/queues/stats.py.
 *
 * The page arrives rendered from the bridge's snapshot. The stream starts with the
 * snapshot again (links, alarms, queues, agents, calls) and then sends full states as
 * they change. Today's finished calls come from /wallboard/today once per (re)connection,
 * plus the calls seen ending since. A one-second timer only redraws times locally. */
(function () {
  "use strict";
  const root = document.getElementById("wallboard");
  if (!root) return;
  const setup = JSON.parse(document.getElementById("wallboard-setup").textContent);
  const R = setup.rules;
  const M = setup.messages;
  const BIG = setup.big;
  const skew = Date.parse(root.dataset.renderedAt) - Date.now();
  const S = {
    queues: new Map(), agents: new Map(), calls: new Map(), links: new Map(),
    hubLive: true, hubLostAt: null, alarms: [], base: setup.today, ended: new Map(),
    lastEnd: new Map(), primed: false,
  };
  let dirty = false;
  let soundOn = false;
  let heard = new Set();

  function now() { return Date.now() + skew; }
  function ms(iso) { return iso ? Date.parse(iso) : null; }
  function fmt(key, values) {
    return (M[key] || key).replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? values[k] : m));
  }
  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => (
      { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function secs(v) {
    if (v == null) return "–";
    v = Math.floor(v);
    return Math.floor(v / 60) + ":" + String(v % 60).padStart(2, "0");
  }
  function beDate(t) {
    const locale = setup.lang === "th" ? "th-TH-u-ca-buddhist" : "en-GB-u-ca-buddhist";
    return new Date(t).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  }

  /* ------------------------------------------------------------------ today's tally */
  function tally() {
    return { answered: 0, answered_within: 0, abandoned: 0, short_abandoned: 0, timed_out: 0,
             wait_total: 0, talk_total: 0, talk_count: 0 };
  }
  function threshold(queue) {
    return queue in setup.thresholds ? setup.thresholds[queue] : R.default_threshold;
  }
  function addCall(t, c) {
    const wait = c.wait_seconds;
    if (c.answered_at != null && c.outcome !== "in_progress") {
      t.answered += 1; t.wait_total += wait || 0;
      if ((wait || 0) <= threshold(c.queue_name)) t.answered_within += 1;
      if (c.talk_seconds != null) { t.talk_total += c.talk_seconds; t.talk_count += 1; }
    } else if (c.outcome === "abandoned") {
      if (wait != null && wait <= R.short_abandon) t.short_abandoned += 1; else t.abandoned += 1;
    } else if (c.outcome === "queue_timeout") {
      t.timed_out += 1;
    }
  }
  function merge(a, b) { for (const k of Object.keys(a)) a[k] += b[k] || 0; }
  function serviceLevel(t) {
    const base = t.answered + t.abandoned;
    return base ? Math.round(1000 * t.answered_within / base) / 10 : null;
  }
  function avgWait(t) { return t.answered ? t.wait_total / t.answered : null; }
  function avgHandle(t) { return t.talk_count ? t.talk_total / t.talk_count + R.wrap_up : null; }
  function todayByQueue() {
    const out = {};
    for (const [name, t] of Object.entries(S.base.queues)) { out[name] = tally(); merge(out[name], t); }
    for (const c of S.ended.values()) {
      if (!out[c.queue_name]) out[c.queue_name] = tally();
      addCall(out[c.queue_name], c);
    }
    return out;
  }

  /* ------------------------------------------------------------------ live views */
  function band(state, seconds) {
    const b = R.bands[state] || [null, null];
    if (seconds == null) return "ok";
    if (b[1] != null && seconds >= b[1]) return "alarm";
    if (b[0] != null && seconds >= b[0]) return "warn";
    return "ok";
  }
  function agentView(p) {
    const names = { in_call: "talking", ringing: "ringing", paused: "paused", available: "available",
                    unavailable: "unavailable" };
    let state = names[p.status] || "signed_out";
    const members = Object.values(p.queues || {});
    if (state === "available" && members.length &&
        members.every((m) => R.dead_devices.includes(m.device_state))) state = "unavailable";
    // The bridge's changed_at is when the current state (or pause reason) began.
    let since = ms(p.changed_at);
    const pausedIn = {};
    for (const [q, m] of Object.entries(p.queues || {})) if (m.paused) pausedIn[q] = m.paused_reason;
    const reason = Object.keys(pausedIn).length ? p.paused_reason : null;
    const last = S.lastEnd.get(p.interface);
    if (state === "available" && last != null && now() - last >= 0 && now() - last < R.wrap_up * 1000) {
      state = "wrap_up"; since = last;
    }
    const seconds = since != null ? Math.max(0, Math.floor((now() - since) / 1000)) : null;
    return { iface: p.interface, name: p.name || p.interface, node: p.node, state, reason, seconds,
             band: band(state, seconds), queues: Object.keys(p.queues || {}).sort(), pausedIn };
  }
  function build() {
    const views = new Map();
    const view = (name) => {
      if (!views.has(name)) {
        const label = setup.catalog[name] ? setup.catalog[name][setup.lang] : name;
        views.set(name, { name, label, waiting: 0, longest: null, signed_in: 0, available: 0,
                          talking: 0, ringing: 0, paused: 0, reasons: {}, wrap_up: 0, unavailable: 0,
                          today: tally() });
      }
      return views.get(name);
    };
    const agents = [...S.agents.values()].map(agentView)
      .sort((a, b) => (a.name + a.iface).localeCompare(b.name + b.iface));
    for (const a of agents) {
      if (a.state === "signed_out") continue;
      for (const name of a.queues) {
        const q = view(name);
        q.signed_in += 1;
        if (name in a.pausedIn && (a.state === "available" || a.state === "paused")) {
          q.paused += 1;
          const r = a.pausedIn[name] || "-";
          q.reasons[r] = (q.reasons[r] || 0) + 1;
        } else if (a.state !== "paused") {
          q[a.state] += 1;
        }
      }
    }
    const waiting = [];
    for (const p of S.queues.values()) {
      const q = view(p.name);
      for (const e of p.waiting || []) {
        const joined = ms(e.joined_at);
        const seconds = joined != null ? Math.max(0, Math.floor((now() - joined) / 1000)) : 0;
        const call = S.calls.get(String(e.uniqueid)) || {};
        waiting.push({ uid: String(e.uniqueid), queue: q.name, node: p.node, seconds,
                       priority: e.priority != null ? e.priority : call.priority,
                       choice: call.ivr_choice, area: call.issue_area, lang: call.ivr_language,
                       silent: !!call.silent });
        q.waiting += 1;
        q.longest = Math.max(q.longest || 0, seconds);
      }
    }
    const total = tally();
    for (const [name, t] of Object.entries(todayByQueue())) { view(name).today = t; merge(total, t); }
    const order = setup.order;
    const rank = (n) => (order.indexOf(n) < 0 ? order.length : order.indexOf(n));
    const queues = [...views.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
    waiting.sort((a, b) => (b.priority || 0) - (a.priority || 0) || b.seconds - a.seconds);
    const alarms = [];
    for (const w of waiting) if (w.seconds > R.long_wait) alarms.push({ kind: "long_wait", key: "w" + w.uid, text: fmt("alarm.long_wait", { seconds: w.seconds }) });
    for (const q of queues) {
      const sl = serviceLevel(q.today);
      q.below = sl != null && sl < R.target && q.today.answered + q.today.abandoned >= R.min_calls;
      if (q.below) alarms.push({ kind: "service_level", key: "s" + q.name, text: fmt("alarm.service_level", { queue: q.label, value: sl }) });
    }
    for (const d of S.alarms) alarms.push({ kind: "dispatch", key: "d" + d.dispatch_id, text: fmt("alarm.dispatch", { id: d.dispatch_id }) });
    return { queues, agents, waiting, alarms, total };
  }
  /* A link is live when it says up and its heartbeat is fresh: a killed bridge stops
   * refreshing it (the server then sends it as "lost"; this catches a missed message). */
  function stale(l) { return l.heartbeat != null && now() - l.heartbeat * 1000 > R.stale_after * 1000; }
  function link() {
    const down = [...S.links.values()].filter((l) => l.state !== "up" || stale(l));
    if (S.links.size && !down.length && S.hubLive) return { live: true };
    const times = down.map((l) => (l.state === "up" ? l.heartbeat * 1000 : ms(l.since)))
      .filter((t) => t != null && !Number.isNaN(t));
    if (!S.hubLive && S.hubLostAt) times.push(S.hubLostAt);
    return { live: false, since: times.length ? Math.min(...times) : null };
  }

  /* ------------------------------------------------------------------ drawing */
  function syncRows(tbody, items, keyOf, cellsOf, classOf, decorate) {
    const existing = new Map();
    for (const tr of [...tbody.children]) {
      if (tr.dataset.key) existing.set(tr.dataset.key, tr); else tr.remove();
    }
    let previous = null;
    for (const item of items) {
      const key = keyOf(item);
      let tr = existing.get(key);
      existing.delete(key);
      if (!tr) { tr = document.createElement("tr"); tr.dataset.key = key; }
      const cells = cellsOf(item);
      while (tr.children.length > cells.length) tr.lastChild.remove();
      cells.forEach((html, i) => {
        let td = tr.children[i];
        if (!td) { td = document.createElement(i === 0 ? "th" : "td"); tr.appendChild(td); }
        if (td.dataset.html !== html) { td.innerHTML = html; td.dataset.html = html; }
      });
      tr.className = classOf(item);
      if (decorate) decorate(tr, item);
      const wanted = previous ? previous.nextSibling : tbody.firstChild;
      if (wanted !== tr) tbody.insertBefore(tr, wanted);
      previous = tr;
    }
    for (const tr of existing.values()) tr.remove();
  }
  function dash(live, v) { return live ? esc(v) : "–"; }
  function draw() {
    dirty = false;
    const b = build();
    const l = link();
    root.classList.toggle("stale", !l.live);
    const banner = document.getElementById("wb-link");
    banner.hidden = l.live;
    if (!l.live) banner.textContent = l.since ? fmt("unavailable", { since: beDate(l.since) }) : M.unavailable_never;
    syncRows(document.getElementById("wb-queue-rows"), b.queues, (q) => q.name, (q) => {
      const reasons = Object.entries(q.reasons).map(([r]) => esc(r)).join(", ");
      const sl = serviceLevel(q.today);
      return [
        esc(q.label), dash(l.live, q.waiting), l.live ? secs(q.longest) : "–",
        dash(l.live, q.signed_in), dash(l.live, q.available), dash(l.live, q.talking),
        dash(l.live, q.ringing),
        l.live ? esc(q.paused) + (reasons ? " <small>(" + reasons + ")</small>" : "") : "–",
        dash(l.live, q.wrap_up), dash(l.live, q.unavailable), esc(q.today.answered),
        esc(q.today.abandoned),
        sl == null ? "–" : sl + " %", secs(avgWait(q.today)), secs(avgHandle(q.today)),
      ];
    }, (q) => (q.below ? "below" : "") + (l.live && q.longest > R.long_wait ? " alarm" : ""));
    for (const tr of document.getElementById("wb-queue-rows").children) {
      const keys = ["", "waiting", "longest_wait", "signed_in", "available", "talking", "ringing",
                    "paused", "wrap_up", "unavailable", "answered", "abandoned", "service_level",
                    "average_wait", "average_handle"];
      [...tr.children].forEach((td, i) => { if (keys[i]) td.dataset.k = keys[i]; });
      const dead = tr.querySelector('[data-k="unavailable"]');
      if (dead) dead.classList.toggle("alarm", l.live && dead.textContent !== "0" && dead.textContent !== "–");
      tr.dataset.queue = tr.dataset.key;
    }
    const total = document.getElementById("wb-total");
    const sl = serviceLevel(b.total);
    const put = (k, v) => { const td = total.querySelector('[data-k="' + k + '"]'); if (td) td.textContent = v; };
    put("answered", b.total.answered); put("abandoned", b.total.abandoned);
    put("service_level", sl == null ? "–" : sl + " %");
    put("average_wait", secs(avgWait(b.total))); put("average_handle", secs(avgHandle(b.total)));

    const agents = l.live ? b.agents.filter((a) => a.state !== "signed_out") : [];
    syncRows(document.getElementById("wb-agent-rows"), agents, (a) => a.node + "|" + a.iface, (a) => {
      const cells = [esc(a.name), esc(M["state." + a.state]) + (a.reason ? " (" + esc(a.reason) + ")" : ""), secs(a.seconds)];
      if (!BIG) cells.push(agentActions(a));
      return cells;
    }, (a) => "band-" + a.band + " state-" + a.state, (tr, a) => { tr.dataset.agent = a.iface; });

    const waiting = l.live ? b.waiting : [];
    syncRows(document.getElementById("wb-waiting-rows"), waiting, (w) => w.uid, (w) => {
      const label = setup.catalog[w.queue] ? setup.catalog[w.queue][setup.lang] : w.queue;
      const area = w.area && setup.issue_areas[w.area];
      const choice = area ? area + (w.choice ? " (" + w.choice + ")" : "") : (w.choice || "–");
      const cells = [esc(label), esc(choice) + (w.lang ? " · " + esc(String(w.lang).toUpperCase()) : "") +
                     (w.silent ? " · " + esc(M.silent) : ""),
                     w.priority == null ? "–" : esc(w.priority), secs(w.seconds)];
      if (!BIG) cells.push('<button type="button" data-action="move" data-call="' + esc(w.uid) +
                           '" data-node="' + esc(w.node) + '">' + esc(M.move) + "</button>");
      return cells;
    }, (w) => (w.seconds > R.long_wait ? "alarm" : ""));
    for (const tr of document.getElementById("wb-waiting-rows").children) tr.dataset.call = tr.dataset.key;

    const box = document.getElementById("wb-alarms");
    const html = b.alarms.length
      ? b.alarms.map((a) => '<div class="alarm ' + a.kind + '">' + esc(a.text) + "</div>").join("")
      : '<div class="muted">' + esc(M.no_alarms) + "</div>";
    if (box.dataset.html !== html) { box.innerHTML = html; box.dataset.html = html; }
    const keys = new Set(b.alarms.map((a) => a.key));
    if ([...keys].some((k) => !heard.has(k))) beep();
    heard = keys;
  }
  function agentActions(a) {
    const button = (action, label) => '<button type="button" data-action="' + action + '" data-agent="' +
      esc(a.iface) + '" data-node="' + esc(a.node) + '">' + esc(label) + "</button>";
    const parts = [];
    if (a.state === "talking") parts.push(button("listen", M.listen), button("whisper", M.whisper), button("barge", M.barge));
    parts.push(a.state === "paused" ? button("unpause", M["state.available"]) : button("pause", M.pause));
    parts.push(button("sign_out", M.sign_out));
    return '<span class="wb-actions">' + parts.join("") + "</span>";
  }
  function schedule() {
    if (!S.primed || dirty) return;
    dirty = true;
    requestAnimationFrame(draw);
  }
  function beep() {
    if (!soundOn) return;
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.3);
    } catch (e) { /* no audio device: the colours still show */ }
  }

  /* ------------------------------------------------------------------ actions */
  function toast(text, error) {
    const box = document.getElementById("toasts");
    const div = document.createElement("div");
    div.className = "toast" + (error ? " error" : "");
    div.setAttribute("role", error ? "alert" : "status");
    div.textContent = text;
    box.appendChild(div);
    setTimeout(() => div.remove(), 6000);
  }
  async function post(url, data) {
    const body = new URLSearchParams(data);
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRF-Token": root.dataset.csrf, Accept: "application/json" },
    });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = {}; }
    toast(answer.message || (response.ok ? M.sent : M.failed), !response.ok);
  }
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "move") {
      const target = document.getElementById("wb-move-to");
      post("/supervisor/calls/move", { uniqueid: button.dataset.call, node: button.dataset.node,
                                       queue: target ? target.value : "" });
      return;
    }
    if (action === "sign_out" && !window.confirm(M.confirm_sign_out)) return;
    const reason = document.getElementById("wb-pause-reason");
    const phone = document.getElementById("wb-phone");
    post("/supervisor/agents/" + action, { interface: button.dataset.agent, node: button.dataset.node,
                                           reason: reason ? reason.value : "",
                                           phone: phone ? phone.value : "" });
  });
  const soundButton = document.getElementById("wb-sound");
  soundButton.addEventListener("click", () => {
    soundOn = !soundOn;
    soundButton.setAttribute("aria-pressed", String(soundOn));
  });

  /* ------------------------------------------------------------------ the stream */
  function takeEnded(c) {
    if (c.agent_interface && c.ended_at) {
      const t = ms(c.ended_at);
      S.lastEnd.set(c.agent_interface, Math.max(S.lastEnd.get(c.agent_interface) || 0, t));
    }
    if (c.direction === "inbound" && c.queue_name && c.outcome !== "in_progress" &&
        ms(c.ended_at) > ms(S.base.as_of)) {
      S.ended.set(String(c.uniqueid), c);
    }
  }
  function setBase(today) {
    S.base = today;
    for (const [uid, c] of S.ended) if (!(ms(c.ended_at) > ms(today.as_of))) S.ended.delete(uid);
    for (const [iface, at] of Object.entries(today.last_call_end || {})) {
      S.lastEnd.set(iface, Math.max(S.lastEnd.get(iface) || 0, ms(at)));
    }
  }
  setBase(setup.today);
  async function refreshToday() {
    try {
      const response = await fetch("/wallboard/today", { credentials: "same-origin" });
      if (response.ok) { setBase(await response.json()); schedule(); }
    } catch (e) { /* the next (re)connection asks again */ }
  }
  function on(name, handler) {
    source.addEventListener(name, (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      handler(data);
      schedule();
    });
  }
  const source = new EventSource("/wallboard/stream");
  source.addEventListener("open", () => {
    // A new stream starts with a full snapshot: forget what the old one said.
    S.primed = false;
    S.queues.clear(); S.agents.clear(); S.calls.clear(); S.links.clear();
    S.hubLive = true;
    refreshToday();
    setTimeout(() => { S.primed = true; schedule(); }, 150);
    document.getElementById("wb-status").textContent = "";
  });
  source.addEventListener("error", () => {
    clearTimeout(hubTimer); hubTimer = null;
    if (!S.hubLostAt) S.hubLostAt = now();
    S.hubLive = false;
    S.primed = true;
    schedule();
  });
  let hubTimer = null;
  function hubUp() {
    clearTimeout(hubTimer); hubTimer = null;
    S.hubLive = true; S.hubLostAt = null;
  }
  on("hub", (d) => {
    if (d.live) { hubUp(); return; }
    // A new stream says "not yet" while the process's subscriber connects: only a
    // subscriber that stays away makes the figures stale.
    if (hubTimer) return;
    const lost = now();
    hubTimer = setTimeout(() => {
      hubTimer = null; S.hubLive = false; S.hubLostAt = S.hubLostAt || lost; schedule();
    }, 3000);
  });
  const key = (d, id) => (d.node || "") + "|" + id;
  on("bridge", (d) => { if (d.node) S.links.set(d.node, d); });
  on("alarms", (d) => { S.alarms = d.alarms || []; });
  on("queue", (d) => { hubUp(); S.queues.set(key(d, d.name), d); });
  on("agent", (d) => {
    hubUp();
    if (d.status === "logged_out") S.agents.delete(key(d, d.interface));
    else S.agents.set(key(d, d.interface), d);
  });
  on("call", (d) => {
    if (d.state === "ended") { S.calls.delete(String(d.uniqueid)); takeEnded(d); }
    else S.calls.set(String(d.uniqueid), d);
  });
  // Times in state and waits grow by themselves: redraw them every second, locally.
  setInterval(schedule, 1000);
  // A new day starts from zero: ask for today's figures again after midnight.
  const midnight = ms(S.base.day_start) + 24 * 3600 * 1000 - now();
  setTimeout(() => { refreshToday(); }, Math.max(1000, midnight + 1000));
  window.wallboard = { state: S, build };
}());
