// The browser phone's sound: the microphone and speaker the agent picks (kept in this
// browser only), the call's audio, and a ring made here (no sound file to fetch).
const MIC_KEY = "softphone.mic";
const SPEAKER_KEY = "softphone.speaker";

export function micConstraints() {
  const id = localStorage.getItem(MIC_KEY);
  return { audio: id ? { deviceId: { exact: id } } : true, video: false };
}

// Lists the devices in the two pickers. Labels are empty until the page may use the
// microphone (the first call asks); the pickers are filled again then.
export async function fillPickers(micSelect, speakerSelect, defaultLabel) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices();
  fill(micSelect, devices.filter((d) => d.kind === "audioinput"), MIC_KEY, defaultLabel);
  fill(speakerSelect, devices.filter((d) => d.kind === "audiooutput"), SPEAKER_KEY, defaultLabel);
  // A browser without setSinkId plays on its default device: nothing to pick.
  speakerSelect.disabled = !("setSinkId" in HTMLMediaElement.prototype);
}

function fill(select, devices, key, defaultLabel) {
  const chosen = localStorage.getItem(key) || "";
  select.replaceChildren(new Option(defaultLabel, ""));
  devices.filter((d) => d.deviceId && d.deviceId !== "default").forEach((d, i) => {
    select.add(new Option(d.label || defaultLabel + " " + (i + 1), d.deviceId));
  });
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

export function rememberMic(id) { store(MIC_KEY, id); }

export async function useSpeaker(audio, id) {
  store(SPEAKER_KEY, id);
  if (audio.setSinkId) await audio.setSinkId(id || "");
}

function store(key, id) {
  if (id) localStorage.setItem(key, id); else localStorage.removeItem(key);
}

export async function playRemote(audio, session) {
  const handler = session.sessionDescriptionHandler;
  if (!handler || !handler.remoteMediaStream) return;
  const speaker = localStorage.getItem(SPEAKER_KEY);
  if (speaker && audio.setSinkId) await audio.setSinkId(speaker).catch(() => {});
  audio.srcObject = handler.remoteMediaStream;
  await audio.play().catch(() => {});  // no media yet (no ICE) is not an error
}

// A new microphone during a call: the sender's track is replaced, no re-INVITE needed.
export async function switchMic(session) {
  const pc = session && session.sessionDescriptionHandler &&
    session.sessionDescriptionHandler.peerConnection;
  if (!pc) return;
  const stream = await navigator.mediaDevices.getUserMedia(micConstraints());
  const sender = pc.getSenders().find((s) => s.track && s.track.kind === "audio");
  if (sender) {
    const old = sender.track;
    await sender.replaceTrack(stream.getAudioTracks()[0]);
    stream.getAudioTracks()[0].enabled = old.enabled;  // a muted call stays muted
    old.stop();
  }
}

export function setMuted(session, muted) {
  const pc = session.sessionDescriptionHandler && session.sessionDescriptionHandler.peerConnection;
  if (!pc) return;
  pc.getSenders().forEach((s) => { if (s.track) s.track.enabled = !muted; });
}

// RFC 4733 through the media path when it carries audio (Asterisk's endpoints use
// dtmf_mode = rfc4733); SIP INFO otherwise, which Asterisk takes too.
export function sendDigit(session, digit) {
  const pc = session.sessionDescriptionHandler && session.sessionDescriptionHandler.peerConnection;
  const sender = pc && pc.getSenders().find((s) => s.dtmf);
  if (sender && sender.dtmf.canInsertDTMF && pc.connectionState === "connected") {
    sender.dtmf.insertDTMF(digit, 100, 70);
    return Promise.resolve();
  }
  return session.info({ requestOptions: { body: {
    contentDisposition: "render", contentType: "application/dtmf-relay",
    content: "Signal=" + digit + "\r\nDuration=100" } } });
}

// Two short tones every three seconds while a call rings, through Web Audio.
export class Ringer {
  start() {
    this.stop();
    try {
      this.ctx = this.ctx || new AudioContext();
      this.ctx.resume().catch(() => {});
    } catch (e) { return; }  // no audio output: the page still shows the call
    const beep = () => [0, 0.4].forEach((at) => {
      const osc = this.ctx.createOscillator();
      const gain = this.ctx.createGain();
      osc.frequency.value = 440;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(this.ctx.destination);
      osc.start(this.ctx.currentTime + at);
      osc.stop(this.ctx.currentTime + at + 0.3);
    });
    beep();
    this.timer = setInterval(beep, 3000);
  }
  stop() { clearInterval(this.timer); this.timer = null; }
}
