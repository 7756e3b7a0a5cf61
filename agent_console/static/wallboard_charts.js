/* Wallboard charts, drawn with the console's own Chart.js (served from /vendor).
 * The history (quarter hours of today and of the same weekday last week, service level,
 * callers waiting, each agent's calls and talk time) comes from /wallboard/series once
 * a minute; the live figures (callers waiting now, each agent's time in state with its
 * band) come inside every board the stream pushes (#wb-chart-live). No rule is applied
 * here: the server has counted and banded everything. */
(function () {
  "use strict";
  const section = document.getElementById("wb-charts");
  if (!section || !window.Chart) return;
  const setup = JSON.parse(document.getElementById("wallboard-setup").textContent);
  const names = setup.names;
  const big = document.getElementById("wallboard-page").classList.contains("big");
  const COLOUR = { offered: "#3b6ea8", answered: "#2e7d32", abandoned: "#c62828",
                   target: "#7a4a00", waiting: "#6a1b9a", talk: "#8d6e63",
                   ok: "#2e7d32", warn: "#e0a100", alarm: "#c62828" };
  // Readable from across the room on the big view: the ticks grow with the screen.
  window.Chart.defaults.font.size = big ? Math.max(14, Math.round(window.innerWidth / 110)) : 12;
  const base = { responsive: true, maintainAspectRatio: false, animation: false,
                 interaction: { mode: "index", intersect: false } };
  let history = null;
  let live = { live: false, waiting: null, agents: [] };

  function make(id, config) {
    const canvas = document.getElementById(id);
    canvas.chart = new window.Chart(canvas, config);
    return canvas;
  }
  function bars(label, colour) {
    return { type: "bar", label: label, data: [], backgroundColor: colour };
  }
  function dashed(label, colour) {
    return { type: "line", label: label, data: [], borderColor: colour, borderDash: [6, 4],
             pointRadius: 0, borderWidth: 2, fill: false };
  }
  const calls = make("wb-chart-calls", { type: "bar", options: base, data: { labels: [], datasets: [
    bars(names.offered, COLOUR.offered), bars(names.answered, COLOUR.answered),
    bars(names.abandoned, COLOUR.abandoned),
    dashed(names.offered_last_week, COLOUR.offered), dashed(names.answered_last_week, COLOUR.answered),
    dashed(names.abandoned_last_week, COLOUR.abandoned)] } });
  const level = make("wb-chart-sl", { type: "line", data: { labels: [], datasets: [
    { label: names.service_level, data: [], borderColor: COLOUR.answered, pointRadius: 0,
      borderWidth: 3, spanGaps: true },
    { label: names.target, data: [], borderColor: COLOUR.target, borderDash: [6, 4],
      pointRadius: 0, borderWidth: 2 }] },
    options: { ...base, scales: { y: { min: 0, max: 100 } } } });
  const waiting = make("wb-chart-waiting", { type: "line", data: { labels: [], datasets: [
    { label: names.waiting, data: [], borderColor: COLOUR.waiting, pointRadius: 0,
      borderWidth: 3, stepped: true }] },
    options: { ...base, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
  const agents = make("wb-chart-agents", { type: "bar", data: { labels: [], datasets: [
    bars(names.calls, COLOUR.answered), bars(names.talk_minutes, COLOUR.talk)] },
    options: { ...base, indexAxis: "y", scales: { x: { beginAtZero: true } } } });
  const states = make("wb-chart-states", { type: "bar", data: { labels: [], datasets: [
    { label: names.time_in_state, data: [], backgroundColor: [] }] },
    options: { ...base, indexAxis: "y", plugins: { legend: { display: false } },
               scales: { x: { beginAtZero: true } } } });

  // Only the quarters from the first call of either day to now (or the last week's
  // last call) are drawn: a chart of 96 mostly empty quarters says nothing from 3 m.
  function span(h) {
    const busy = (i) => (h.today.offered[i] || 0) + (h.last_week.offered[i] || 0) > 0;
    let first = h.labels.length;
    let last = 0;
    h.labels.forEach((_, i) => {
      if (busy(i)) { first = Math.min(first, i); last = Math.max(last, i); }
      if (h.today.offered[i] !== null) last = Math.max(last, i);
    });
    return [Math.min(first, last), last + 1];
  }
  function mark(canvas, points) {
    canvas.dataset.drawn = "1";
    canvas.dataset.points = String(points);
  }
  function drawHistory() {
    const h = history;
    const [from, to] = span(h);
    const cut = (values) => values.slice(from, to);
    const labels = cut(h.labels);
    const c = calls.chart;
    c.data.labels = labels;
    ["offered", "answered", "abandoned"].forEach((k, i) => {
      c.data.datasets[i].data = cut(h.today[k]);
      c.data.datasets[i + 3].data = cut(h.last_week[k]);
    });
    c.update("none");
    mark(calls, cut(h.today.offered).reduce((n, v) => n + (v || 0), 0));
    level.chart.data.labels = labels;
    level.chart.data.datasets[0].data = cut(h.service_level);
    level.chart.data.datasets[1].data = labels.map(() => h.target);
    level.chart.update("none");
    mark(level, cut(h.service_level).filter((v) => v !== null).length);
    drawWaiting();
    drawAgents();
  }
  function drawWaiting() {
    if (!history) return;
    const [from, to] = span(history);
    const values = history.waiting.slice(from, to);
    // The last quarter's point is now: the live count, when the board is live.
    let now = values.length - 1;
    while (now > 0 && values[now] === null) now -= 1;
    if (live.live && values.length) values[now] = live.waiting;
    waiting.chart.data.labels = history.labels.slice(from, to);
    waiting.chart.data.datasets[0].data = values;
    waiting.chart.update("none");
    mark(waiting, values.filter((v) => v !== null).length);
  }
  function drawAgents() {
    const today = history ? history.agents : {};
    const who = new Map();
    for (const a of live.agents) who.set(a.interface, a.name);
    for (const [iface, a] of Object.entries(today)) if (!who.has(iface)) who.set(iface, a.name);
    const order = [...who.entries()].sort((x, y) => x[1].localeCompare(y[1], setup.lang));
    agents.chart.data.labels = order.map(([, name]) => name);
    agents.chart.data.datasets[0].data = order.map(([i]) => (today[i] ? today[i].calls : 0));
    agents.chart.data.datasets[1].data = order.map(
      ([i]) => (today[i] ? Math.round(today[i].talk_seconds / 6) / 10 : 0));
    agents.chart.update("none");
    mark(agents, order.length);
    states.chart.data.labels = live.agents.map((a) => a.name);
    states.chart.data.datasets[0].data = live.agents.map((a) => Math.round((a.seconds || 0) / 6) / 10);
    states.chart.data.datasets[0].backgroundColor = live.agents.map((a) => COLOUR[a.band] || COLOUR.ok);
    states.chart.update("none");
    states.dataset.bands = live.agents.map((a) => a.band).join(",");
    mark(states, live.agents.length);
  }

  let lastLive = "";
  function readLive() {
    const node = document.getElementById("wb-chart-live");
    if (!node || node.textContent === lastLive) return;
    lastLive = node.textContent;
    live = JSON.parse(lastLive);
    drawWaiting();
    drawAgents();
  }
  async function fetchHistory() {
    try {
      const answer = await fetch(section.dataset.series, { credentials: "same-origin",
                                                           headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      history = await answer.json();
      drawHistory();
    } catch (e) { /* the stream's own banner says when the server is away */ }
  }
  readLive();
  fetchHistory();
  // History moves by the minute: once a minute is enough, whatever the stream does.
  setInterval(fetchHistory, 60000);
  document.body.addEventListener("htmx:afterSettle", readLive);
}());
