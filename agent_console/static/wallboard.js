/* Wallboard: the server draws the board (callcenter/queues/stats.py holds every rule) and
 * the stream carries each new drawing, which htmx swaps in (sse-swap). What is left here:
 * counting the seconds shown between two drawings, asking for a drawing when time alone
 * changes the board, the alarm sound with its silence switch, and saying so when the stream itself is lost. */
(function () {
  "use strict";
  const page = document.getElementById("wallboard-page");
  if (!page) return;
  const setup = JSON.parse(document.getElementById("wallboard-setup").textContent);
  const board = () => document.getElementById("wallboard");
  // The server's clock, as the drawing's own time says it.
  const skew = Date.parse(board().dataset.renderedAt) - Date.now();
  const now = () => Date.now() + skew;
  let heard = alarmKeys();

  function secs(v) {
    return Math.floor(v / 60) + ":" + String(v % 60).padStart(2, "0");
  }
  function tick() {
    const root = board();
    const passed = Math.max(0, Math.floor((now() - Date.parse(root.dataset.renderedAt)) / 1000));
    for (const cell of root.querySelectorAll("[data-seconds]")) {
      cell.textContent = secs(Number(cell.dataset.seconds) + passed);
    }
    // A band, a wrap-up or a long wait changes with no event: ask for a new drawing.
    if (root.dataset.due && passed >= Number(root.dataset.due) && !root.dataset.asked) {
      root.dataset.asked = "1";
      window.htmx.trigger("#wb-due", "wb:due");
    }
  }
  setInterval(tick, 1000);

  function alarmKeys() {
    return new Set([...board().querySelectorAll("[data-alarm]")].map((a) => a.dataset.alarm));
  }
  // The alarm sound: two short tones made in the page (no sound file). It sounds once
  // per crossing (an alarm that was not on the previous board), unless this browser was
  // told to be quiet; the choice is kept per browser, as each wall screen has its own.
  const SILENCED = "wallboard.silenced";
  let audio = null;
  let beeps = 0;
  function silenced() {
    try { return window.localStorage.getItem(SILENCED) === "1"; } catch (e) { return false; }
  }
  function beep() {
    beeps += 1;
    page.dataset.beeps = String(beeps);
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      audio = audio || new Context();
      // Browsers start a page's audio suspended until someone clicks in it.
      if (audio.state === "suspended" && audio.resume) audio.resume();
      for (const [at, pitch] of [[0, 880], [0.25, 660]]) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = pitch;
        gain.gain.value = 0.3;
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.2);
      }
    } catch (e) { /* no audio device: the colours still show */ }
  }
  const soundButton = document.getElementById("wb-sound");
  function showSound() {
    const quiet = silenced();
    soundButton.textContent = quiet ? soundButton.dataset.off : soundButton.dataset.on;
    soundButton.setAttribute("aria-pressed", String(quiet));
    page.dataset.silenced = quiet ? "1" : "0";
  }
  soundButton.addEventListener("click", () => {
    try {
      if (silenced()) window.localStorage.removeItem(SILENCED);
      else window.localStorage.setItem(SILENCED, "1");
    } catch (e) { /* storage refused: nothing to remember */ }
    showSound();
  });
  // Any click lets the page's audio start (the browsers' rule against autoplay).
  document.addEventListener("click", () => {
    if (audio && audio.state === "suspended" && audio.resume) audio.resume();
  });
  showSound();

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target || event.target; // a pushed board names no target
    if (target.id === "toasts") {
      const toast = target.lastElementChild;
      setTimeout(() => toast && toast.remove(), 6000);
      return;
    }
    const keys = alarmKeys();
    if (!silenced() && [...keys].some((k) => !heard.has(k))) beep();
    heard = keys;
    tick();
  });
  // A refused action is a toast too (htmx leaves 4xx and 5xx answers out by default).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target.id === "toasts") { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  // The stream itself is lost (the web process went away): the figures stop being live.
  page.addEventListener("htmx:sseError", () => {
    const root = board();
    const banner = document.getElementById("wb-link");
    if (root.classList.contains("stale")) return;
    const locale = setup.lang === "th" ? "th-TH-u-ca-buddhist" : "en-GB-u-ca-buddhist";
    const since = new Date(now()).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
    root.classList.add("stale");
    banner.textContent = banner.dataset.lost.replace("{since}", since);
    banner.hidden = false;
  });
}());
