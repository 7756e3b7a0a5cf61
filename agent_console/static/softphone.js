// The browser phone on the agent's page (SIP.js over secure WebSocket to Asterisk).
// The server draws the panel (templates/agent/_softphone.html); this module registers
// the agent's own WebRTC endpoint, rings, answers, holds, mutes, sends digits, and
// keeps the registration up across network drops. docs/console.md, "The browser phone".
import * as media from "./softphone_media.js";

// SIP.js is loaded only when the agent's phone is the browser's (a desk phone needs none).
let SIP = null;
const loadSip = async () => { SIP = SIP || await import("/vendor/sip.js/lib/index.js"); };

// Reconnection waits 1, 2, 4 … seconds, at most 30, with jitter: a whole call centre
// whose network came back must not knock on Asterisk in the same second.
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;
// Asterisk keeps a contact for this long; SIP.js refreshes it before it lapses.
const REGISTER_EXPIRES = 300;
const SHORTCUTS = { a: "sp-answer", h: "sp-hangup", m: "sp-mute", o: "sp-hold" };

let phone = null;  // the phone of the panel on screen; a new panel stops the old one

class Phone {
  constructor(root) {
    this.root = root;
    this.el = (id) => root.querySelector("#" + id);
    this.ringer = new media.Ringer();
    this.session = null;
    this.muted = false;
    this.held = false;
    this.stopped = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.talkTimer = null;
  }

  text(key) {
    const t = this.el("sp-labels");
    const found = t && t.content.querySelector('[data-key="' + key + '"]');
    return found ? found.textContent : key;
  }

  // --- registration ---------------------------------------------------------------------

  async start() {
    this.showRegistration("connecting");
    this.showCall("idle");
    this.wireButtons();
    await media.fillPickers(this.el("sp-mic"), this.el("sp-speaker"), this.text("device_default"));
    let data;
    try {
      await loadSip();
      data = await this.fetchRegistration();
    } catch (e) {
      this.showRegistration("failed");
      return;
    }
    if (this.stopped) return;
    this.ua = new SIP.UserAgent({
      uri: SIP.UserAgent.makeURI(data.uri),
      authorizationUsername: data.username,
      authorizationHa1: data.ha1,  // never a clear password (callcenter/phones/browser_phone.py)
      transportOptions: { server: data.ws_url, connectionTimeout: 5, traceSip: false },
      // Nothing of SIP.js on the browser's console: messages may carry a caller's number.
      logBuiltinEnabled: false,
      logLevel: "error",
      userAgentString: "1300 console",
      // Agents reach Asterisk on the centre's network: host candidates, no public STUN.
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 1000 },
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        onDisconnect: () => this.onDisconnect(),
      },
    });
    this.registerer = new SIP.Registerer(this.ua, { expires: REGISTER_EXPIRES });
    this.registerer.stateChange.addListener((state) => {
      if (state === SIP.RegistererState.Registered) { this.attempt = 0; this.showRegistration("registered"); }
      else if (state === SIP.RegistererState.Unregistered && !this.stopped &&
               this.root.dataset.registration !== "failed") this.showRegistration("connecting");
    });
    this.online = () => this.retryNow();
    window.addEventListener("online", this.online);
    this.connect();
  }

  async fetchRegistration() {
    const response = await fetch(this.root.dataset.registrationUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "X-CSRF-Token": this.root.dataset.csrf, "Accept": "application/json" } });
    if (!response.ok) throw new Error("no registration data (" + response.status + ")");
    return response.json();
  }

  connect() {
    if (this.stopped) return;
    this.showRegistration("connecting");
    const started = this.ua.isConnected() ? Promise.resolve()
      : (this.ua.state === "Started" ? this.ua.reconnect() : this.ua.start());
    started.then(() => this.register()).catch(() => this.retryLater());
  }

  register() {
    return this.registerer.register({ requestDelegate: {
      // Also after a reconnection, when the registerer never left "Registered".
      onAccept: () => { this.attempt = 0; this.showRegistration("registered"); },
      // A refused REGISTER (a wrong or renewed password): say so, ask again later with
      // fresh data (an admin may have given a new password).
      onReject: () => { this.showRegistration("failed"); this.retryLater(true); },
    } }).catch(() => this.retryLater());
  }

  onDisconnect() {
    if (this.stopped) return;
    this.showRegistration("connecting");
    this.retryLater();
  }

  retryLater(refetch) {
    if (this.stopped || this.retryTimer) return;
    const ceiling = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempt);
    this.attempt += 1;
    const wait = ceiling / 2 + Math.random() * ceiling / 2;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (refetch) { this.restart(); } else { this.connect(); }
    }, refetch ? Math.max(wait, 10000) : wait);
  }

  retryNow() {
    if (this.stopped || this.root.dataset.registration === "registered") return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.connect();
  }

  async restart() {
    await this.stop();
    phone = new Phone(this.root);
    phone.start();
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    window.removeEventListener("online", this.online);
    this.endCallView();
    if (!this.ua) return;
    // Unregister first: Asterisk then marks the agent unavailable at once, not at expiry.
    try { if (this.registerer.state === SIP.RegistererState.Registered) await this.registerer.unregister(); }
    catch (e) { /* the socket may be gone already */ }
    await this.ua.stop().catch(() => {});
  }

  showRegistration(state) {
    this.root.dataset.registration = state;
    const pill = this.el("sp-registration");
    pill.dataset.state = state;
    pill.textContent = this.text("reg_" + state);
    this.enableButtons();
  }

  // --- calls ------------------------------------------------------------------------------

  onInvite(invitation) {
    if (this.session) {  // one call at a time, as Asterisk's device_state_busy_at = 1 says
      invitation.reject({ statusCode: 486 }).catch(() => {});
      return;
    }
    this.session = invitation;
    this.muted = false;
    this.held = false;
    invitation.stateChange.addListener((state) => {
      if (state === SIP.SessionState.Establishing) this.showCall("answering");
      if (state === SIP.SessionState.Established) this.onTalking(invitation);
      if (state === SIP.SessionState.Terminated && this.session === invitation) this.endCallView();
    });
    this.showCall("ringing");
    this.ringer.start();
  }

  async onTalking(session) {
    this.ringer.stop();
    this.showCall("talking");
    this.startTimer();
    await media.playRemote(this.el("sp-audio"), session);
    // The microphone may now be named: fill the pickers again.
    media.fillPickers(this.el("sp-mic"), this.el("sp-speaker"), this.text("device_default"));
  }

  answer() {
    if (!this.session || this.session.state !== SIP.SessionState.Initial) return;
    this.ringer.stop();
    this.session.accept({ sessionDescriptionHandlerOptions: {
      constraints: media.micConstraints() } }).catch(() => this.endCallView());
  }

  hangUp() {
    const s = this.session;
    if (!s) return;
    if (s.state === SIP.SessionState.Initial) s.reject({ statusCode: 486 }).catch(() => {});
    else if (s.state === SIP.SessionState.Established) s.bye().catch(() => {});
    else if (s.state === SIP.SessionState.Establishing) s.dispose().catch(() => {});
    this.endCallView();
  }

  toggleMute() {
    if (!this.session || this.session.state !== SIP.SessionState.Established) return;
    this.muted = !this.muted;
    media.setMuted(this.session, this.muted || this.held);
    this.showCall(this.held ? "held" : "talking");
    this.reportMute(this.muted);
  }

  // Mute never reaches Asterisk: tell the console, so the supervisors' wallboard shows it
  // (cleared there when the call ends). Best effort: the call goes on whatever it answers.
  reportMute(muted) {
    fetch("/agent/softphone/mute", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": this.root.dataset.csrf },
      body: new URLSearchParams({ muted: muted ? "true" : "false" }) }).catch(() => {});
  }

  // Hold is a re-INVITE whose offer says sendonly: Asterisk then plays music on hold.
  toggleHold() {
    const s = this.session;
    if (!s || s.state !== SIP.SessionState.Established || this.holding) return;
    const hold = !this.held;
    this.holding = true;
    this.enableButtons();
    s.sessionDescriptionHandlerOptionsReInvite = { hold: hold };
    s.invite({ requestDelegate: {
      onAccept: () => {
        this.held = hold;
        media.setMuted(s, this.muted || hold);
        this.holding = false;
        this.showCall(hold ? "held" : "talking");
      },
      onReject: () => { this.holding = false; this.enableButtons(); },
    } }).catch(() => { this.holding = false; this.enableButtons(); });
  }

  digit(d) {
    if (!this.session || this.session.state !== SIP.SessionState.Established || this.held) return;
    media.sendDigit(this.session, d).catch(() => {});
    const shown = this.el("sp-digits");
    shown.textContent = (shown.textContent + d).slice(-20);
  }

  endCallView() {
    this.ringer.stop();
    clearInterval(this.talkTimer);
    this.talkTimer = null;
    this.session = null;
    this.muted = false;
    this.held = false;
    this.holding = false;
    const audio = this.el("sp-audio");
    if (audio) audio.srcObject = null;
    if (!this.stopped) this.showCall("idle");
  }

  startTimer() {
    const began = Date.now();
    const clock = this.el("sp-timer");
    const tick = () => {
      const s = Math.floor((Date.now() - began) / 1000);
      clock.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
    };
    clearInterval(this.talkTimer);
    tick();
    this.talkTimer = setInterval(tick, 1000);
  }

  showCall(state) {
    this.root.dataset.call = state;
    this.el("sp-call-state").textContent = this.text("call_" + state);
    if (state === "idle") { this.el("sp-timer").textContent = ""; this.el("sp-digits").textContent = ""; }
    const mute = this.el("sp-mute");
    mute.setAttribute("aria-pressed", String(this.muted));
    mute.textContent = this.text(this.muted ? "unmute" : "mute");
    const hold = this.el("sp-hold");
    hold.setAttribute("aria-pressed", String(this.held));
    hold.textContent = this.text(this.held ? "unhold" : "hold");
    this.enableButtons();
  }

  // Only what can work now is clickable.
  enableButtons() {
    const call = this.root.dataset.call;
    const talking = call === "talking" || call === "held";
    const can = {
      "sp-answer": call === "ringing",
      "sp-hangup": call === "ringing" || call === "answering" || talking,
      "sp-mute": talking && !this.holding,
      "sp-hold": talking && !this.holding,
    };
    Object.entries(can).forEach(([id, ok]) => { this.el(id).disabled = !ok; });
    this.root.querySelectorAll("[data-digit]").forEach((b) => { b.disabled = call !== "talking"; });
  }

  wireButtons() {
    this.el("sp-answer").addEventListener("click", () => this.answer());
    this.el("sp-hangup").addEventListener("click", () => this.hangUp());
    this.el("sp-mute").addEventListener("click", () => this.toggleMute());
    this.el("sp-hold").addEventListener("click", () => this.toggleHold());
    this.root.querySelectorAll("[data-digit]").forEach((b) =>
      b.addEventListener("click", () => this.digit(b.dataset.digit)));
    this.el("sp-mic").addEventListener("change", (e) => {
      media.rememberMic(e.target.value);
      if (this.session && this.session.state === SIP.SessionState.Established) {
        media.switchMic(this.session).catch(() => {});
      }
    });
    this.el("sp-speaker").addEventListener("change", (e) => {
      media.useSpeaker(this.el("sp-audio"), e.target.value).catch(() => {});
    });
  }
}

// Alt+A answer, Alt+H hang up, Alt+M mute, Alt+O hold (agent.js has Alt+N/P/R/I).
function onKey(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey || !phone || phone.stopped) return;
  const id = SHORTCUTS[e.key.toLowerCase()];
  const button = id && phone.el(id);
  if (!button) return;
  e.preventDefault();
  if (!button.disabled) button.click();
}

function adopt(root) {
  if (!root || root.dataset.started) return;
  root.dataset.started = "yes";
  const previous = phone;
  phone = null;
  const begin = () => {
    if (root.dataset.mode !== "browser" || !root.isConnected) return;
    phone = new Phone(root);
    phone.start();
  };
  if (previous) previous.stop().then(begin); else begin();
}

document.addEventListener("keydown", onKey);
// The panel arrives by htmx (on load, and again after the agent's choice).
document.addEventListener("htmx:load", (e) => {
  if (e.detail && e.detail.elt && e.detail.elt.id === "softphone") adopt(e.detail.elt);
});
adopt(document.getElementById("softphone"));
// Leaving the page: unregister, so the queues see the agent unavailable at once.
window.addEventListener("pagehide", () => { if (phone) phone.stop(); });

// The phone lives in this page: leaving it ends the call. While a call is up, links from
// the agent page (the screen-pop's case, the intake) open in a new tab, and any other
// way out (reload, the address bar) asks first.
function inCall() {
  return Boolean(phone && phone.session && phone.session.state !== SIP.SessionState.Terminated);
}
document.addEventListener("click", (e) => {
  if (!inCall() || e.defaultPrevented || e.button !== 0) return;
  const link = e.target.closest && e.target.closest("a[href]");
  if (!link || link.target || link.origin !== window.location.origin) return;
  if (link.getAttribute("href").startsWith("#")) return;
  e.preventDefault();
  window.open(link.href, "_blank", "noopener");
}, true);
window.addEventListener("beforeunload", (e) => {
  if (!inCall()) return;
  e.preventDefault();
  e.returnValue = "";  // the browser shows its own "leave this page?" question
});
