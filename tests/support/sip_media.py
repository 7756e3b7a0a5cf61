"""The media side of the test's SIP peer: a real WebRTC audio path, with aiortc.

Asterisk offers a ``webrtc = yes`` endpoint ICE, DTLS-SRTP with rtcp-mux, Opus and G.711
and RFC 4733 events; aiortc offers the same (the telephone-event line added, aiortc has no
codec for it), plays a steady tone to the browser (what a caller's voice or music on hold
is to the agent) and measures what the browser's microphone sends: how many frames, how
loud, and the RFC 4733 digits among them.

Every packet stays on this machine's loopback: no STUN server (aiortc would otherwise ask
a public one) and host candidates on 127.0.0.1 only (aioice leaves loopback out of the
addresses it gathers on, so its one address function is replaced here); the browser's
candidates on other addresses are dropped from its answer before aiortc sees them.
"""

from __future__ import annotations

import array
import asyncio
import math
import re
import time
from dataclasses import dataclass, field

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack

LOOPBACK = "127.0.0.1"
TELEPHONE_EVENT = 101  # the payload type Asterisk uses for RFC 4733 events
DIGITS = "0123456789*#"  # RFC 4733 event codes 0-11


def _loopback_only(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    return [LOOPBACK]


aioice.ice.get_host_addresses = _loopback_only


class Tone(AudioStreamTrack):
    """A 440 Hz tone, 8 kHz mono, paced in real time by aiortc's silent track."""

    def __init__(self, hz: float = 440.0, amplitude: int = 8000) -> None:
        super().__init__()
        self.hz, self.amplitude = hz, amplitude

    async def recv(self):
        frame = await super().recv()
        start = frame.pts
        samples = array.array("h", (
            int(self.amplitude * math.sin(2 * math.pi * self.hz * (start + i) / frame.sample_rate))
            for i in range(frame.samples)))
        frame.planes[0].update(samples.tobytes())
        return frame


@dataclass
class Heard:
    """What arrived from the browser: one (time, loudness) per decoded frame."""

    frames: list[tuple[float, float]] = field(default_factory=list)
    digits: list[str] = field(default_factory=list)
    _events: set[int] = field(default_factory=set)  # RTP timestamps of events counted

    async def consume(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            samples = array.array("h", bytes(frame.planes[0])[:frame.samples * 2 * len(
                frame.layout.channels)])
            rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
            self.frames.append((time.monotonic(), rms))

    def loudness(self, since: float, until: float | None = None) -> tuple[int, float]:
        """How many frames arrived in the window and their median loudness (RMS)."""
        window = sorted(rms for at, rms in self.frames
                        if at >= since and (until is None or at <= until))
        return len(window), (window[len(window) // 2] if window else 0.0)

    def event(self, payload: bytes, timestamp: int) -> None:
        # RFC 4733: one event is several packets with one RTP timestamp; count it once.
        if payload and timestamp not in self._events and payload[0] < len(DIGITS):
            self._events.add(timestamp)
            self.digits.append(DIGITS[payload[0]])


class CallMedia:
    """One call's peer connection, offering as Asterisk does when it rings a phone."""

    def __init__(self) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.tone = Tone()
        self.heard = Heard()
        self._reader: asyncio.Task | None = None
        self.pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._reader = asyncio.ensure_future(self.heard.consume(track))

    @property
    def ice_state(self) -> str:
        return self.pc.iceConnectionState

    async def offer(self) -> str:
        self.pc.addTransceiver(self.tone, direction="sendrecv")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return with_telephone_event(self.pc.localDescription.sdp)

    async def answered(self, sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(loopback_only(sdp), "answer"))
        for transceiver in self.pc.getTransceivers():
            _watch_events(transceiver.receiver, self.heard)

    def identity(self) -> dict[str, str]:
        """Our ICE credentials, DTLS fingerprint, origin and candidates, for re-answers."""
        sdp = self.pc.localDescription.sdp
        return {"ufrag": _attr(sdp, "ice-ufrag"), "pwd": _attr(sdp, "ice-pwd"),
                # Every fingerprint as first offered: Chromium takes another set as a new
                # DTLS identity and starts DTLS again, which aiortc takes as the end.
                "fingerprints": re.findall(r"^a=fingerprint:(.+?)\r?$", sdp, re.MULTILINE),
                "origin": _line(sdp, "o="),
                "candidates": [line for line in sdp.splitlines()
                               if line.startswith("a=candidate:")]}

    async def packets_sent(self) -> int:
        """RTP packets of the tone sent so far (whatever the browser does with them)."""
        stats = await self.pc.getSenders()[0].getStats()
        return sum(s.packetsSent for s in stats.values() if s.type == "outbound-rtp")

    async def close(self) -> None:
        await self.pc.close()
        if self._reader is not None:
            self._reader.cancel()


def _watch_events(receiver, heard: Heard) -> None:
    """Count RFC 4733 packets as the DTLS transport routes them: aiortc has no codec for
    telephone-event, so its router drops them before any receiver sees them."""
    router = receiver.transport._rtp_router
    route = router.route_rtp

    def routed(packet):
        if packet.payload_type == TELEPHONE_EVENT:
            heard.event(packet.payload, packet.timestamp)
        return route(packet)

    router.route_rtp = routed


def with_telephone_event(sdp: str) -> str:
    """aiortc's offer with RFC 4733 events offered as Asterisk offers them."""
    out = []
    for line in sdp.splitlines():
        if line.startswith("m=audio "):
            line += f" {TELEPHONE_EVENT}"
        out.append(line)
        if line.startswith("a=rtpmap:8 "):
            out += [f"a=rtpmap:{TELEPHONE_EVENT} telephone-event/8000",
                    f"a=fmtp:{TELEPHONE_EVENT} 0-16"]
    return "\r\n".join(out) + "\r\n"


def loopback_only(sdp: str) -> str:
    """The browser's SDP without its candidates on other addresses than loopback."""
    kept = [line for line in sdp.splitlines() if not (
        line.startswith("a=candidate:") and f" {LOOPBACK} " not in line)]
    return "\r\n".join(kept) + "\r\n"


def _attr(sdp: str, name: str) -> str:
    found = re.search(rf"^a={name}:(.+)$", sdp, re.MULTILINE)
    return found.group(1).strip() if found else ""


def _line(sdp: str, prefix: str) -> str:
    return next((line for line in sdp.splitlines() if line.startswith(prefix)), "")
