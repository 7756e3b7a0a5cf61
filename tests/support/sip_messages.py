"""SIP messages as the test's SIP-over-WebSocket peer reads and writes them (RFC 3261).

Pure: text in, a parsed message out, and builders for the few requests and responses the
peer sends. Over WebSocket (RFC 7118) each frame is one whole message, so there is no
stream framing to do. Only what the browser phone sends is understood; anything else
fails loudly so a test cannot pass on a misread message.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

# Compact header forms a SIP stack may use (RFC 3261 section 7.3.3).
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
           "l": "content-length", "c": "content-type", "k": "supported"}


@dataclass
class Message:
    start: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""

    @property
    def is_request(self) -> bool:
        return not self.start.startswith("SIP/2.0")

    @property
    def method(self) -> str:
        return self.start.split(" ", 1)[0] if self.is_request else self.cseq_method

    @property
    def uri(self) -> str:
        return self.start.split(" ")[1]

    @property
    def status(self) -> int:
        return int(self.start.split(" ")[1])

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name.lower()]

    @property
    def cseq_method(self) -> str:
        return (self.header("cseq") or "0 ?").split()[1]

    @property
    def cseq(self) -> int:
        return int((self.header("cseq") or "0 ?").split()[0])

    @property
    def call_id(self) -> str:
        return self.header("call-id") or ""


def parse(text: str) -> Message:
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    message = Message(lines[0])
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"not a SIP header line: {line!r}")
        key = name.strip().lower()
        message.headers.append((COMPACT.get(key, key), value.strip()))
    message.body = body
    return message


def render(start: str, headers: list[tuple[str, str]], body: str = "") -> str:
    lines = [start, *(f"{name}: {value}" for name, value in headers),
             f"Content-Length: {len(body.encode('utf-8'))}"]
    return "\r\n".join(lines) + "\r\n\r\n" + body


REASONS = {100: "Trying", 180: "Ringing", 200: "OK", 401: "Unauthorized", 403: "Forbidden",
           481: "Call/Transaction Does Not Exist", 501: "Not Implemented"}


def response(request: Message, status: int, *, to_tag: str | None = None,
             headers: list[tuple[str, str]] = (), body: str = "") -> str:
    """A response to ``request`` with its Via, From, To, Call-ID and CSeq copied back."""
    copied = [("Via", via) for via in request.all("via")]
    to = request.header("to") or ""
    if to_tag and ";tag=" not in to:
        to += f";tag={to_tag}"
    copied += [("From", request.header("from") or ""), ("To", to),
               ("Call-ID", request.call_id), ("CSeq", request.header("cseq") or "")]
    return render(f"SIP/2.0 {status} {REASONS.get(status, 'Whatever')}",
                  [*copied, *headers], body)


def tag_of(header: str) -> str | None:
    found = re.search(r";tag=([^;>\s]+)", header)
    return found.group(1) if found else None


def uri_in(header: str) -> str:
    """The URI of a From/To/Contact header (in angle brackets or bare)."""
    found = re.search(r"<([^>]+)>", header)
    return found.group(1) if found else header.split(";")[0].strip()


def user_of(uri: str) -> str:
    return uri.removeprefix("sip:").removeprefix("sips:").split("@")[0]


def new_token() -> str:
    return secrets.token_hex(8)


# --- digest authentication (RFC 2617 / RFC 7616 with MD5, as Asterisk 22 challenges) ---

def digest_params(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "digest":
        raise ValueError("not a Digest credential")
    return {key.lower(): value.strip('"') for key, value in
            re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', rest)}


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def digest_ok(params: dict[str, str], *, method: str, ha1: str, nonce: str) -> bool:
    """Whether the Authorization answers our challenge with the right HA1."""
    if params.get("nonce") != nonce:
        return False
    ha2 = md5(f"{method}:{params.get('uri', '')}")
    if params.get("qop") == "auth":
        expected = md5(":".join((ha1, nonce, params.get("nc", ""), params.get("cnonce", ""),
                                 "auth", ha2)))
    else:
        expected = md5(f"{ha1}:{nonce}:{ha2}")
    return secrets.compare_digest(expected, params.get("response", ""))


# --- SDP: a signalling-only offer, and the answers to the browser's re-offers -------

# A DTLS fingerprint of the right shape: Chromium checks it when DTLS runs, and with no
# ICE candidate DTLS never runs (a call without media checks signalling alone).
FINGERPRINT = "sha-256 " + ":".join(f"{b:02X}" for b in hashlib.sha256(b"sip-peer").digest())
# The identity a signalling-only call answers re-offers with (a media call has aiortc's).
NO_MEDIA = {"ufrag": "peerufrag", "pwd": "peericepasswordpeericepw",
            "fingerprints": [FINGERPRINT], "origin": "o=- 4242 1 IN IP4 127.0.0.1",
            "candidates": []}


def offer_sdp(*, session_version: int = 1, direction: str = "sendrecv") -> str:
    """An audio offer shaped like Asterisk's for a webrtc=yes endpoint (DTLS-SRTP, ICE,
    rtcp-mux, opus and G.711, RFC 4733 events) with no candidate: no media ever flows."""
    lines = [
        "v=0", f"o=- 4242 {session_version} IN IP4 127.0.0.1", "s=Asterisk", "t=0 0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101", "c=IN IP4 127.0.0.1",
        f"a=ice-ufrag:{NO_MEDIA['ufrag']}", f"a=ice-pwd:{NO_MEDIA['pwd']}",
        f"a=fingerprint:{FINGERPRINT}", "a=setup:actpass", "a=mid:0",
        "a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 useinbandfec=1",
        "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20",
        "a=msid:peer peer-audio", "a=ssrc:4242 cname:peer", f"a={direction}",
    ]
    return "\r\n".join(lines) + "\r\n"


ANSWER_DIRECTION = {"sendonly": "recvonly", "recvonly": "sendonly",
                    "inactive": "inactive", "sendrecv": "sendrecv"}


def direction_of(sdp: str) -> str:
    for line in sdp.splitlines():
        if line.removeprefix("a=") in ANSWER_DIRECTION:
            return line.removeprefix("a=")
    return "sendrecv"


def answer_to(offer: str, *, session_version: int, identity: dict) -> str:
    """An answer to the browser's re-offer: its own lines mirrored, our ICE credentials,
    DTLS fingerprint and candidates (the media path stays as it is), and the direction
    turned round (sendonly → recvonly: a hold)."""
    origin = identity["origin"].rsplit(" IN ", 1)[0].split()
    out: list[str] = []
    fingerprinted = False  # ours go once, where the offer's first one was
    for line in offer.splitlines():
        if line.startswith("o="):
            line = f"{origin[0]} {origin[1]} {session_version} IN IP4 127.0.0.1"
        elif line.startswith("a=ice-ufrag:"):
            line = f"a=ice-ufrag:{identity['ufrag']}"
        elif line.startswith("a=ice-pwd:"):
            line = f"a=ice-pwd:{identity['pwd']}"
        elif line.startswith("a=fingerprint:"):
            if not fingerprinted:
                out += [f"a=fingerprint:{f}" for f in identity["fingerprints"]]
            fingerprinted = True
            continue
        elif line.startswith("a=setup:"):
            line = "a=setup:passive"  # the browser answered "active" at first: it stays
        elif line.removeprefix("a=") in ANSWER_DIRECTION:
            line = "a=" + ANSWER_DIRECTION[line.removeprefix("a=")]
        elif line.startswith(("a=candidate", "a=end-of-candidates", "a=ssrc", "a=msid",
                              "a=ice-options", "a=extmap")):
            continue
        out.append(line)
        if line.startswith("a=ice-pwd:"):
            out += identity["candidates"]
    return "\r\n".join(out) + "\r\n"
